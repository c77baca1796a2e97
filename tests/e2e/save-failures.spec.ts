import { test, expect, createPresetQuick } from './fixtures.ts';

/*
 * Storage failing for real (a full disk, a private window) cannot be arranged in a test
 * browser, so the page's own IndexedDB writes are made to fail the way Chromium fails them
 * when the quota is exceeded, from the moment the test sets a flag.
 */
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    const w = window as unknown as { __failIdbWrites?: boolean };
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (w.__failIdbWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
});

test('a failing save is shown with what to do, the typed text stays in the editor, and Retry stores it', async ({ shell: page }) => {
  await createPresetQuick(page, 'Quota Tutor');
  await page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Quota Tutor', exact: true }).getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: 'Edit Quota Tutor' })).toBeVisible();

  await page.evaluate(() => ((window as unknown as { __failIdbWrites?: boolean }).__failIdbWrites = true));
  const prompt = page.getByLabel('System prompt');
  await prompt.fill('Typed while the disk is full.');

  const alert = page.getByRole('alert').filter({ hasText: 'could not be saved' });
  await expect(alert).toContainText('out of storage space');
  await expect(alert).toContainText('keep this tab open');
  await expect(prompt).toHaveValue('Typed while the disk is full.');

  // Space freed: Retry writes what is on screen and the alert goes away.
  await page.evaluate(() => ((window as unknown as { __failIdbWrites?: boolean }).__failIdbWrites = false));
  await alert.getByRole('button', { name: 'Retry saving' }).click();
  await expect(alert).toBeHidden();
  await page.reload();
  await expect(page.getByLabel('System prompt')).toHaveValue('Typed while the disk is full.');
});
