import { test, expect, createPresetQuick } from './fixtures.ts';

test('the app registers its service worker and boots offline with saved data', async ({ shell: page, context }) => {
  // The service worker takes control after install; wait until it is active.
  // `ready` resolves once a service worker is active (the precache, wasm included, is complete).
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state)).toBe('activated');
  await createPresetQuick(page, 'Offline Tutor');
  // Reload once online so the page is controlled by the service worker.
  await page.reload();
  await expect(page.getByRole('listitem', { name: 'Offline Tutor' })).toBeVisible();
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  await expect(page.getByRole('listitem', { name: 'Offline Tutor' })).toBeVisible();
  // Still usable offline: create another preset, and it survives a reload.
  await createPresetQuick(page, 'Made Offline');
  await page.reload();
  await expect(page.getByRole('listitem', { name: 'Made Offline' })).toBeVisible();
  await context.setOffline(false);
});

test('the interface follows the browser language and can be switched to French', async ({ shell: page }) => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.getByRole('heading', { name: 'Paramètres' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Modèles' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Paramètres' })).toBeVisible();
});
