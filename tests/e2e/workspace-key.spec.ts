/*
 * The workspace key as a person meets it: carried from device to device by the pairing link,
 * compared by its fingerprint, and required by an encrypted account (without it, pairing is
 * refused with a clear message and the device stays as it was).
 */
import type { Page } from '@playwright/test';
import { encodeKey, newWorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { test, expect, createPresetQuick, pairAnotherDevice, pairingLinkOf, pairWithToken, type RelayFixture } from './fixtures.ts';

const NEED_KEY = 'This account is end-to-end encrypted. Pair with a link or QR code from one of your devices: it carries the key.';

async function fingerprintOf(page: Page): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Sync' }).click();
  await expect(page.getByText('End-to-end encrypted: the relay stores only ciphertext.')).toBeVisible();
  const field = page.getByRole('textbox', { name: 'Key fingerprint' });
  await expect(field).toHaveValue(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
  return field.inputValue();
}

/** The account's key id once its first device has claimed it (what makes it an encrypted account). */
async function claimed(fx: RelayFixture): Promise<void> {
  await expect.poll(async () => (await fx.relay.accounts.list()).find((a) => a.name === fx.accountName)?.keyId ?? null).not.toBeNull();
}

/** What this device keeps about pairing (relay link, key): compared before and after a refusal. */
const pairingState = (page: Page) =>
  page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('atelier.device') ?? '{}') as { relay?: unknown; workspaceKey?: unknown; workspaceUrl?: unknown };
    return { relay: s.relay ?? null, workspaceKey: s.workspaceKey ?? null, workspaceUrl: s.workspaceUrl ?? null };
  });

/** A device of its own with a preset made before it tries to pair. */
async function deviceWithPreset(page: Page, fx: RelayFixture, name: string) {
  await page.goto(`${fx.origin}/models`);
  await createPresetQuick(page, name);
  return pairingState(page);
}

async function expectUnchanged(page: Page, before: Awaited<ReturnType<typeof pairingState>>, preset: string) {
  await expect(page.getByText(NEED_KEY)).toBeVisible();
  await expect(page.getByRole('status', { name: /Sync status: On this device only/ })).toBeVisible();
  expect(await pairingState(page)).toEqual(before);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('listitem', { name: preset, exact: true })).toBeVisible();
}

test('two devices paired through a link show the same key fingerprint', async ({ browser, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  await pageA.goto(`${relayFx.origin}/models`);
  await pairWithToken(pageA, relayFx);
  const sent: (string | Buffer)[] = [];
  pageB.on('request', (r) => sent.push(r.url(), JSON.stringify(r.headers()), r.postDataBuffer() ?? ''));
  pageB.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(f.payload)));
  await pageB.goto(`${relayFx.origin}/models`);
  const link = await pairingLinkOf(pageA);
  await pairAnotherDevice(pageB, pageA);
  const onA = await fingerprintOf(pageA);
  expect(await fingerprintOf(pageB)).toBe(onA);

  // The key reached B in the link's fragment, and B sent it nowhere (as text or as raw bytes).
  const keyText = link.match(/key=([A-Za-z0-9_-]{43})/)?.[1] ?? '';
  const keyBytes = Buffer.from(keyText, 'base64url');
  expect(keyBytes.length).toBe(32);
  expect(sent.length).toBeGreaterThan(0);
  for (const s of sent) expect(typeof s === 'string' ? s.includes(keyText) : s.includes(keyText) || s.includes(keyBytes)).toBe(false);
  await a.close();
  await b.close();
});

test('a pairing link with another key is refused with a clear message and changes nothing', async ({ browser, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  await pageA.goto(`${relayFx.origin}/models`);
  await pairWithToken(pageA, relayFx);
  await claimed(relayFx);
  const link = await pairingLinkOf(pageA);
  const otherKey = link.replace(/key=[A-Za-z0-9_-]{43}/, `key=${encodeKey(newWorkspaceKey())}`);
  expect(otherKey).not.toBe(link);

  const before = await deviceWithPreset(pageB, relayFx, 'Kept Here');
  await pageB.goto(otherKey);
  await pageB.getByRole('button', { name: 'Pair this device' }).click();
  await expectUnchanged(pageB, before, 'Kept Here');
  await a.close();
  await b.close();
});

test('pairing without the key with an account that has one is refused with a clear message and changes nothing', async ({ browser, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  await pageA.goto(`${relayFx.origin}/models`);
  await pairWithToken(pageA, relayFx);
  await claimed(relayFx);
  const keyless = (await pairingLinkOf(pageA)).replace(/&?key=[A-Za-z0-9_-]{43}/, '');
  expect(keyless).not.toContain('key=');

  // a link without the key
  const before = await deviceWithPreset(pageB, relayFx, 'Mine Only');
  await pageB.goto(keyless);
  await pageB.getByRole('button', { name: 'Pair this device' }).click();
  await expectUnchanged(pageB, before, 'Mine Only');

  // the relay address and token alone
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await pageB.getByRole('link', { name: 'Sync' }).click();
  await pageB.getByLabel('Relay address').fill(relayFx.wsUrl);
  await pageB.getByLabel('Token').fill(relayFx.token);
  await pageB.getByRole('button', { name: 'Pair with token' }).click();
  await expectUnchanged(pageB, before, 'Mine Only');
  await a.close();
  await b.close();
});

test('a pairing link with a damaged key is refused with a clear message and changes nothing', async ({ shell: page, relayFx }) => {
  // the fresh device has made its own workspace (the models page can show before it is stored)
  await expect.poll(async () => (await pairingState(page)).workspaceUrl).not.toBeNull();
  const before = await pairingState(page);
  const key = encodeKey(newWorkspaceKey());
  await page.goto(`${relayFx.origin}/pair#relay=${encodeURIComponent(relayFx.wsUrl)}&token=${relayFx.token}&key=${key.slice(0, 30)}`);
  await expect(page.getByRole('alert')).toHaveText('The workspace key in this link is damaged or incomplete. Copy the whole pairing link again from one of your devices. Nothing was changed.');
  await expect(page.getByRole('button', { name: 'Pair this device' })).toHaveCount(0);

  // pasted into Settings › Sync, the same
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Sync' }).click();
  await page.getByLabel('Paste a pairing link').fill(`${relayFx.origin}/pair#relay=${encodeURIComponent(relayFx.wsUrl)}&token=${relayFx.token}&key=${key}x`);
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('The workspace key in this link is damaged or incomplete.');
  await expect(page.getByRole('status', { name: /Sync status: On this device only/ })).toBeVisible();
  expect(await pairingState(page)).toEqual(before);
});

test('a device holding another key is told why nothing syncs, and mends it with a link from a paired device', async ({ browser, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  await pageA.goto(`${relayFx.origin}/models`);
  await pairWithToken(pageA, relayFx);
  await claimed(relayFx);
  await createPresetQuick(pageA, 'On The Account');

  // B: linked to the account, but with a key of its own (as after losing a race to claim it).
  await pageB.addInitScript(
    ([url, token, key]) => {
      if (localStorage.getItem('atelier.device') === null) localStorage.setItem('atelier.device', JSON.stringify({ relay: { url, token }, workspaceKey: key }));
    },
    [relayFx.wsUrl, relayFx.token, encodeKey(newWorkspaceKey())],
  );
  await pageB.goto(`${relayFx.origin}/models`);
  await createPresetQuick(pageB, 'Only On B');
  await expect(pageB.getByRole('status', { name: /Sync status: This device does not hold the workspace key/ })).toBeVisible();
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await pageB.getByRole('link', { name: 'Sync' }).click();
  await expect(pageB.getByRole('alert')).toContainText('This device does not hold the key this account’s workspace is encrypted with');
  // its own link would spread the wrong key: not offered
  await expect(pageB.getByRole('textbox', { name: 'Pairing link', exact: true })).toHaveCount(0);

  await pageB.getByLabel('Paste a pairing link').fill(await pairingLinkOf(pageA));
  await pageB.getByRole('button', { name: 'Pair', exact: true }).click();
  await expect(pageB.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
  expect(await fingerprintOf(pageB)).toBe(await fingerprintOf(pageA));
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(pageB.getByRole('listitem', { name: 'On The Account', exact: true })).toBeVisible();
  await expect(pageB.getByRole('listitem', { name: 'Only On B', exact: true })).toBeVisible();
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(pageA.getByRole('listitem', { name: 'Only On B', exact: true })).toBeVisible();
  await a.close();
  await b.close();
});
