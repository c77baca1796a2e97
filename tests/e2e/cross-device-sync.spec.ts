import { test, expect, pairWithToken, createPresetQuick } from './fixtures.ts';

test('two paired devices see each other’s changes, including changes made offline', async ({ browser, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();

  // Device A had a preset before it was paired: it must not be left behind.
  await pageA.goto(`${relayFx.origin}/models`);
  await createPresetQuick(pageA, 'Made Before Pairing');
  await pairWithToken(pageA, relayFx);

  // Device B pairs with the link shown on A.
  const link = await pageA.getByLabel('Pairing link').inputValue();
  expect(link).toContain('/pair#relay=');
  await expect(pageA.getByRole('img', { name: 'QR code of the pairing link' })).toBeVisible();
  await pageB.goto(link);
  await pageB.getByRole('button', { name: 'Pair this device' }).click();
  await expect(pageB.getByRole('heading', { name: 'Models' })).toBeVisible();
  await expect(pageB.getByRole('listitem', { name: 'Made Before Pairing' })).toBeVisible();

  // A → B and B → A.
  await createPresetQuick(pageA, 'From A');
  await expect(pageB.getByRole('listitem', { name: 'From A' })).toBeVisible();
  await createPresetQuick(pageB, 'From B');
  await expect(pageA.getByRole('listitem', { name: 'From B' })).toBeVisible();

  // B goes offline, edits; A edits meanwhile; when B is back both edits are on both.
  await b.setOffline(true);
  await expect(pageB.getByRole('status', { name: /Sync status: Offline/ })).toBeVisible();
  await createPresetQuick(pageB, 'Offline on B');
  await createPresetQuick(pageA, 'Online on A');
  await b.setOffline(false);
  await expect(pageB.getByRole('listitem', { name: 'Online on A' })).toBeVisible();
  await expect(pageA.getByRole('listitem', { name: 'Offline on B' })).toBeVisible();

  await a.close();
  await b.close();
});

test('a wrong token is refused with a clear message and changes nothing', async ({ shell: page, relayFx }) => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Sync' }).click();
  await page.getByLabel('Relay address').fill(relayFx.wsUrl);
  await page.getByLabel('Token').fill('not-a-real-token');
  await page.getByRole('button', { name: 'Pair with token' }).click();
  await expect(page.getByText('The relay refused this token.')).toBeVisible();
  await expect(page.getByRole('status', { name: /On this device only/ })).toBeVisible();
});

test('a device whose token was rotated says so and stops knocking on the relay', async ({ page, relayFx }) => {
  // The page's timers run on Playwright's clock, so the test can let retry delays pass at once.
  await page.clock.install();
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const w = window as unknown as { __syncSockets: number };
    w.__syncSockets = 0;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        if (String(url).includes('/sync')) w.__syncSockets++;
      }
    };
  });
  const syncSockets = () => page.evaluate(() => (window as unknown as { __syncSockets: number }).__syncSockets);
  await page.goto(`${relayFx.origin}/models`);
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  await pairWithToken(page, relayFx);
  await createPresetQuick(page, 'Kept After Rotation');

  await relayFx.relay.accounts.rotate(relayFx.accountName);
  await expect(page.getByRole('status', { name: /Relay refused the token — pair this device again/ })).toBeVisible();
  const afterRefusal = await syncSockets();
  // The adapter used to retry every 2 s; each attempt counted as a failed token for this address.
  // A minute of the page's time passes, every timer due in it fired: not one new socket.
  await page.clock.runFor(60_000);
  expect(await syncSockets()).toBe(afterRefusal);
  // Nothing on the device is lost.
  await expect(page.getByRole('listitem', { name: 'Kept After Rotation', exact: true })).toBeVisible();
});
