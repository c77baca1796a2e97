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
  await expect(pageB.getByRole('heading', { name: 'Models' })).toBeVisible({ timeout: 30_000 });
  await expect(pageB.getByRole('listitem', { name: 'Made Before Pairing' })).toBeVisible({ timeout: 15_000 });

  // A → B and B → A.
  await createPresetQuick(pageA, 'From A');
  await expect(pageB.getByRole('listitem', { name: 'From A' })).toBeVisible();
  await createPresetQuick(pageB, 'From B');
  await expect(pageA.getByRole('listitem', { name: 'From B' })).toBeVisible();

  // B goes offline, edits; A edits meanwhile; when B is back both edits are on both.
  await b.setOffline(true);
  await expect(pageB.getByRole('status', { name: /Sync status: Offline/ })).toBeVisible({ timeout: 20_000 });
  await createPresetQuick(pageB, 'Offline on B');
  await createPresetQuick(pageA, 'Online on A');
  await b.setOffline(false);
  await expect(pageB.getByRole('listitem', { name: 'Online on A' })).toBeVisible({ timeout: 20_000 });
  await expect(pageA.getByRole('listitem', { name: 'Offline on B' })).toBeVisible({ timeout: 20_000 });

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

test('a device whose token was rotated says so and stops knocking on the relay', async ({ shell: page, relayFx }) => {
  // An account of its own: rotating the shared one would unpair the other tests of this worker.
  const name = `rotated-${Date.now()}`;
  const { token } = await relayFx.relay.accounts.create(name);
  await pairWithToken(page, { ...relayFx, token });
  await createPresetQuick(page, 'Kept After Rotation');

  let sockets = 0;
  page.on('websocket', (ws) => {
    if (ws.url().includes('/sync')) sockets++;
  });
  await relayFx.relay.accounts.rotate(name);
  await expect(page.getByRole('status', { name: /Relay refused the token — pair this device again/ })).toBeVisible({ timeout: 20_000 });
  const afterRefusal = sockets;
  // The adapter used to retry every 2 s; each attempt counted as a failed token for this address.
  await page.waitForTimeout(6_000);
  expect(sockets).toBe(afterRefusal);
  // Nothing on the device is lost.
  await expect(page.getByRole('listitem', { name: 'Kept After Rotation', exact: true })).toBeVisible();
});
