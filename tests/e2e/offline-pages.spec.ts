import { test, expect } from './fixtures.ts';

test('a first visit that is never reloaded opens the editor and the chat offline', async ({ shell: page, context }) => {
  // The first page itself comes under the service worker's control, without a reload.
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  await context.setOffline(true);
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Made Offline');
  await page.getByLabel('Base model').fill('llama3.2');
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('heading', { name: 'Edit Made Offline' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await context.setOffline(false);
});

test.describe('without a service worker', () => {
  // No worker at all: the chunk of a page not visited yet really cannot load while offline.
  test.use({ serviceWorkers: 'block' });

  test('a page whose chunk cannot load says so, offers a retry, and loads by itself back online', async ({ shell: page, context }) => {
    await context.setOffline(true);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'could not be loaded while offline' });
    await expect(failed).toBeVisible();
    // Retrying while still offline fails again, and says so again.
    await failed.getByRole('button', { name: 'Retry loading the page' }).click();
    await expect(failed).toBeVisible();

    await context.setOffline(false);
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
    await expect(failed).toBeHidden();
  });

  test('the Retry button loads a page that failed once the network is back', async ({ shell: page, context }) => {
    // The network comes back without the browser announcing it: only the button helps.
    let blocked = true;
    await context.route(/\/assets\/SettingsLayout-[^/]*\.js$/, (route) => (blocked ? route.abort('internetdisconnected') : route.continue()));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await expect(failed).toBeVisible();
    blocked = false;
    await failed.getByRole('button', { name: 'Retry loading the page' }).click();
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(failed).toBeHidden();
  });
});
