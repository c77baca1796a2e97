import { test, expect } from './fixtures.ts';
import { openChat } from './chat-helpers.ts';

/*
 * This device's own storage (localStorage): a full disk or a private window cannot be arranged
 * in a test browser, so writes of one kind of key fail the way Chromium fails them over quota,
 * while the flag the test sets is on.
 */

test('a draft the browser refuses to store is reported, stays in the composer, and the other device settings are still stored', async ({ page, fake, relayFx }) => {
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    const w = window as unknown as { __failDrafts?: boolean };
    w.__failDrafts = true;
    Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
      if (w.__failDrafts && key.startsWith('atelier.chat.draft:')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      setItem.call(this, key, value);
    };
  });
  await openChat(page, relayFx, fake);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('Typed while the disk is full.');

  const alert = page.getByRole('alert').filter({ hasText: 'Not stored on this device: an unsent message draft.' });
  await expect(alert).toContainText('storage for this site is full');
  await expect(alert).toContainText('The quota has been exceeded.');
  await expect(box).toHaveValue('Typed while the disk is full.');
  // Only the draft failed: the Ollama address set before is still stored.
  expect(await page.evaluate(() => (JSON.parse(localStorage.getItem('atelier.device') ?? '{}') as { ollamaEndpoint?: string }).ollamaEndpoint)).toBe(fake.url);

  // Space freed: the next keystroke stores the draft and the alert goes away.
  await page.evaluate(() => ((window as unknown as { __failDrafts?: boolean }).__failDrafts = false));
  await box.pressSequentially(' Now stored.');
  await expect(alert).toBeHidden();
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('Typed while the disk is full. Now stored.');
});

test('a device setting the browser refuses to store is reported and still applies in the tab', async ({ shell: page }) => {
  await page.evaluate(() => {
    Storage.prototype.setItem = function () {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByLabel('Ollama endpoint').fill('http://127.0.0.1:9');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Not stored on this device: the device’s settings' });
  await expect(alert).toContainText('refuses to store data for this site');
  await expect(page.getByLabel('Ollama endpoint')).toHaveValue('http://127.0.0.1:9');
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toBeHidden();
});

test('a language chosen in one tab is followed by the other tabs of the device', async ({ context, relayFx }) => {
  const one = await context.newPage();
  await one.goto(`${relayFx.origin}/models`);
  await expect(one.getByRole('heading', { name: 'Models' })).toBeVisible();
  const two = await context.newPage();
  await two.goto(`${relayFx.origin}/models`);
  await expect(two.getByRole('heading', { name: 'Models' })).toBeVisible();

  await one.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await one.getByRole('link', { name: 'General' }).click();
  await one.getByLabel('Language').selectOption('fr');
  await expect(one.getByRole('heading', { name: 'Général' })).toBeVisible();
  await expect(two.getByRole('heading', { name: 'Modèles' })).toBeVisible();
});
