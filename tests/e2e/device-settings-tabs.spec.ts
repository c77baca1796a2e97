import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, pairWithToken, createPresetQuick } from './fixtures.ts';

test('a setting changed in a stale tab keeps the pairing made in another tab', async ({ context, relayFx }) => {
  const one = await context.newPage();
  await one.goto(`${relayFx.origin}/models`);
  await expect(one.getByRole('heading', { name: 'Models' })).toBeVisible();
  const two = await context.newPage();
  await two.goto(`${relayFx.origin}/models`);
  await expect(two.getByRole('heading', { name: 'Models' })).toBeVisible();

  await pairWithToken(one, relayFx);

  // Tab two, open since before the pairing, changes another setting of this device.
  await two.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await two.getByRole('link', { name: 'Connections' }).click();
  await two.getByLabel('Ollama endpoint').fill('http://127.0.0.1:9');
  await two.getByRole('button', { name: 'Save', exact: true }).click();
  await two.getByRole('link', { name: 'Sync' }).click();
  await expect(two.getByText(`Paired with ${relayFx.wsUrl}`)).toBeVisible();

  // Tab one, started again from what is stored: still paired, with tab two's endpoint.
  await one.reload();
  await expect(one.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
  await one.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await one.getByRole('link', { name: 'Connections' }).click();
  await expect(one.getByLabel('Ollama endpoint')).toHaveValue('http://127.0.0.1:9');
});

test('a tab that has not yet heard of a pairing made in another tab keeps it when it changes another setting', async ({ context, relayFx }) => {
  const one = await context.newPage();
  await one.goto(`${relayFx.origin}/models`);
  await expect(one.getByRole('heading', { name: 'Models' })).toBeVisible();
  // Tab two never hears of other tabs' writes, as a tab writing before the storage event reaches it.
  const two = await context.newPage();
  await two.addInitScript(() => {
    const add = window.addEventListener.bind(window);
    window.addEventListener = ((type: string, ...rest: [EventListenerOrEventListenerObject, (boolean | AddEventListenerOptions)?]) => {
      if (type !== 'storage') add(type, ...rest);
    }) as typeof window.addEventListener;
  });
  await two.goto(`${relayFx.origin}/models`);
  await expect(two.getByRole('heading', { name: 'Models' })).toBeVisible();

  await pairWithToken(one, relayFx);
  await two.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await two.getByRole('link', { name: 'Connections' }).click();
  await two.getByLabel('Ollama endpoint').fill('http://127.0.0.1:9');
  await two.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(two.getByLabel('Ollama endpoint')).toHaveValue('http://127.0.0.1:9');

  await one.reload();
  await expect(one.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
  await one.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await one.getByRole('link', { name: 'Connections' }).click();
  await expect(one.getByLabel('Ollama endpoint')).toHaveValue('http://127.0.0.1:9');
});

/**
 * Lets two tabs through only once both have arrived. Each tab calls it (a synchronous request)
 * right after its first read of the device settings, so both read them before either writes:
 * the moment two tabs opened at once on a fresh device really share.
 */
async function startBarrier(parties: number): Promise<{ url: string; close: () => Promise<void> }> {
  const waiting: Array<() => void> = [];
  const server: Server = createServer((_req, res) => {
    waiting.push(() => {
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      res.end('go');
    });
    if (waiting.length === parties) for (const release of waiting.splice(0)) release();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('two tabs opened at once on a fresh device make exactly one workspace', async ({ context, relayFx }) => {
  const barrier = await startBarrier(2);
  await context.addInitScript((url: string) => {
    const getItem = Storage.prototype.getItem;
    let arrived = false;
    Storage.prototype.getItem = function (this: Storage, key: string) {
      const value = getItem.call(this, key);
      if (key === 'atelier.device' && !arrived) {
        arrived = true;
        const request = new XMLHttpRequest();
        // A URL of its own: Chromium holds a second request for the same URL until the first is answered.
        request.open('GET', `${url}?tab=${crypto.randomUUID()}`, false);
        request.send();
      }
      return value;
    };
  }, barrier.url);
  const [one, two] = await Promise.all([context.newPage(), context.newPage()]);
  await Promise.all([one.goto(`${relayFx.origin}/models`), two.goto(`${relayFx.origin}/models`)]);
  await expect(one.getByRole('heading', { name: 'Models' })).toBeVisible();
  await expect(two.getByRole('heading', { name: 'Models' })).toBeVisible();

  await createPresetQuick(one, 'Made In Tab One');
  await expect(two.getByRole('listitem', { name: 'Made In Tab One', exact: true })).toBeVisible();
  await createPresetQuick(two, 'Made In Tab Two');
  await expect(one.getByRole('listitem', { name: 'Made In Tab Two', exact: true })).toBeVisible();
  await barrier.close();
});

test('unreadable device settings are reported and kept aside, and the workspace they name stays open', async ({ shell: page }) => {
  await createPresetQuick(page, 'Still Here');
  // Cut short in the middle of a value, as a crash during a write could leave it.
  const damaged = await page.evaluate(() => {
    const text = localStorage.getItem('atelier.device') ?? '';
    const cut = `{"workspaceUrl":${JSON.stringify((JSON.parse(text) as { workspaceUrl: string }).workspaceUrl)},"relay":{"url":"wss://relay.example/sync","tok`;
    localStorage.setItem('atelier.device', cut);
    return cut;
  });
  await page.reload();
  const alert = page.getByRole('alert').filter({ hasText: 'could not be read' });
  await expect(alert).toContainText('atelier.device.unreadable');
  await expect(page.getByRole('listitem', { name: 'Still Here', exact: true })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('atelier.device.unreadable'))).toBe(damaged);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toBeHidden();
});
