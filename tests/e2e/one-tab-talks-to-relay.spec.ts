/**
 * One tab per device talks to the relay; the device's other tabs follow (their edits reach the
 * relay through the leading tab, and they show its sync status). When the leading tab closes,
 * another takes over. Both with Web Locks (a secure context: 127.0.0.1) and without them
 * (plain http on a LAN name: not a secure context, so `navigator.locks` is absent).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { chromiumLaunch } from '../../playwright.config.ts';
import { test, expect, createPresetQuick, pairAnotherDevice, pairWithToken, type RelayFixture } from './fixtures.ts';

/** The /sync sockets a page has open now. */
function syncSockets(page: Page): { open: () => number } {
  let open = 0;
  page.on('websocket', (ws) => {
    if (!new URL(ws.url()).pathname.endsWith('/sync')) return;
    open++;
    ws.on('close', () => open--);
  });
  return { open: () => open };
}

async function openTab(context: BrowserContext, origin: string): Promise<{ page: Page; sockets: { open: () => number } }> {
  const page = await context.newPage();
  const sockets = syncSockets(page);
  await page.goto(`${origin}/models`);
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  return { page, sockets };
}

async function followerFollowsAndTakesOver(browser: import('@playwright/test').Browser, fx: RelayFixture, origin: string, secure: boolean): Promise<void> {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const first = await openTab(a, origin);
  expect(await first.page.evaluate(() => ({ secure: window.isSecureContext, locks: 'locks' in navigator }))).toEqual({ secure, locks: secure });
  await pairWithToken(first.page, fx);
  const second = await openTab(a, origin);
  const other = await b.newPage();
  await other.goto(`${origin}/models`);
  await pairAnotherDevice(other, first.page);

  // The second tab follows: it shows the leader's status, and its edit reaches the other device
  // without a socket of its own.
  await expect(second.page.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
  await createPresetQuick(second.page, 'From the second tab');
  await other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(other.getByRole('listitem', { name: 'From the second tab', exact: true })).toBeVisible();
  // (two tabs that both took the lead on a busy machine settle on one)
  await expect.poll(() => [first.sockets.open(), second.sockets.open()]).toEqual([1, 0]);

  // The leading tab closes: the second tab opens the device's socket and receives the other device's edit.
  const takesOver = second.page.waitForEvent('websocket', (ws) => new URL(ws.url()).pathname.endsWith('/sync'));
  await first.page.close();
  await takesOver;
  await createPresetQuick(other, 'After the handover');
  await expect(second.page.getByRole('listitem', { name: 'After the handover', exact: true })).toBeVisible();
  await a.close();
  await b.close();
}

test('with Web Locks, one tab talks to the relay, the other follows, and takes over when it closes', async ({ browser, relayFx }) => {
  await followerFollowsAndTakesOver(browser, relayFx, relayFx.origin, true);
});

test('a device joining an account opens one connection to the relay: switching to the shared workspace does not restart its sync', async ({ browser, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const first = await openTab(a, relayFx.origin);
  await pairWithToken(first.page, relayFx);
  await createPresetQuick(first.page, 'Made before the second device');
  const joining = await b.newPage();
  let opened = 0;
  joining.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname.endsWith('/sync')) opened++;
  });
  await joining.goto(`${relayFx.origin}/models`);
  await pairAnotherDevice(joining, first.page);
  await expect(joining.getByRole('listitem', { name: 'Made before the second device', exact: true })).toBeVisible();
  await createPresetQuick(joining, 'Made on the joined device');
  await expect(first.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' })).toBeVisible();
  await first.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(first.page.getByRole('listitem', { name: 'Made on the joined device', exact: true })).toBeVisible();
  expect(opened).toBe(1);
  await a.close();
  await b.close();
});

// A LAN name for 127.0.0.1: pages there are plain http and not a secure context.
test.use({ launchOptions: { ...chromiumLaunch, args: [...chromiumLaunch.args, '--host-resolver-rules=MAP atelier.lan 127.0.0.1'] } });

test('on a plain-http LAN address (no Web Locks), the tabs elect one leader over a BroadcastChannel, which hands over when it closes', async ({ browser, relayFx }) => {
  const lan = (u: string) => u.replace('127.0.0.1', 'atelier.lan');
  await followerFollowsAndTakesOver(browser, { ...relayFx, wsUrl: lan(relayFx.wsUrl) }, lan(relayFx.origin), false);
});
