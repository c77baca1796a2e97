import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect, pairingLinkOf, pairWithLink, pairWithToken, useOllamaEndpoint, type RelayFixture } from './fixtures.ts';

/* Browser devices of one test's account: each is a context of its own (its own IndexedDB and
   localStorage), as two machines are. */

export interface Device {
  context: BrowserContext;
  page: Page;
}

/** A fresh device on the models list, its Ollama endpoint set before the app loads when given. */
export async function newDevice(browser: Browser, relayFx: RelayFixture, ollamaUrl?: string): Promise<Device> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (ollamaUrl) await useOllamaEndpoint(page, ollamaUrl);
  await page.goto(`${relayFx.origin}/models`);
  return { context, page };
}

/**
 * Two devices of the test's account, both on the models list: A pairs with the token (the
 * account's first device: its key becomes the account's), B with A's pairing link (it carries the key).
 */
export async function pairedDevices(
  browser: Browser,
  relayFx: RelayFixture,
  ollama: { a?: string; b?: string } = {},
): Promise<{ a: Device; b: Device; link: string; close: () => Promise<void> }> {
  const a = await newDevice(browser, relayFx, ollama.a);
  await pairWithToken(a.page, relayFx);
  const link = await pairingLinkOf(a.page);
  await toModels(a.page);
  const b = await newDevice(browser, relayFx, ollama.b);
  await pairWithLink(b.page, link);
  return { a, b, link, close: async () => void (await Promise.all([a.context.close(), b.context.close()])) };
}

export async function goOffline(d: Device): Promise<void> {
  await d.context.setOffline(true);
  await expect(d.page.getByRole('status', { name: /Sync status: Offline/ })).toBeVisible();
}

export async function goOnline(d: Device): Promise<void> {
  await d.context.setOffline(false);
  await expect(d.page.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
}

export async function toModels(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
}
