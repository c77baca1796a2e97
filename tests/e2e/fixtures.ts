import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type Relay } from '../../server/relay.ts';
import { startFakeOllama, DEMO_MODELS, type FakeOllama } from '../fake-ollama/index.ts';

export interface RelayFixture {
  relay: Relay;
  /** app origin, e.g. http://127.0.0.1:PORT */
  origin: string;
  wsUrl: string;
  token: string;
  /** the account's workspace: null until the first device pairs and claims the account */
  workspaceUrl: string | null;
  /** this test's account (unique on the relay), e.g. for relay.accounts.rotate */
  accountName: string;
  /** the relay's DATA_DIR */
  dataDir: string;
}

interface RelayServer {
  relay: Relay;
  /** the relay's DATA_DIR (tests that look at what it stores) */
  dataDir: string;
  origin: string;
  wsUrl: string;
}

/** Accounts made by this worker process so far: names stay unique on its relay. */
let accountsMade = 0;

/**
 * A real relay serving the built app (dist/) on a free port, one per worker; each test gets an
 * account of its own on it, so no test sees another's workspace (or is unpaired by another's
 * rotation).
 */
export const test = base.extend<{ shell: Page; fake: FakeOllama; relayFx: RelayFixture }, { relayServer: RelayServer }>({
  /** A fresh fake Ollama per test, with the demo models installed. */
  fake: async ({}, use) => {
    const fake = await startFakeOllama({ models: DEMO_MODELS, tokensPerSecond: 200, pullStepDelayMs: 50 });
    await use(fake);
    await fake.close();
  },
  relayServer: [
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'atelier-e2e-'));
      const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir, staticDir: process.env.STATIC_DIR ?? 'dist', log: () => {} });
      const origin = relay.url;
      await use({ relay, dataDir, origin, wsUrl: `${origin.replace(/^http/, 'ws')}/sync` });
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  relayFx: async ({ relayServer }, use, testInfo) => {
    const accountName = `e2e-w${testInfo.workerIndex}-${++accountsMade}`;
    const { account, token } = await relayServer.relay.accounts.create(accountName);
    await use({ ...relayServer, token, workspaceUrl: account.workspaceUrl, accountName });
  },
  /** A page with the app loaded and its workspace open. */
  shell: async ({ page, relayFx }, use) => {
    await page.goto(`${relayFx.origin}/models`);
    await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
    await use(page);
  },
});

export { expect };

/**
 * Pairs the page's device using the relay address and token form of Settings > Sync: the first
 * device of an account (its key becomes the account's). Further devices pair with that device's
 * link, which carries the key: pairAnotherDevice.
 */
export async function pairWithToken(page: Page, fx: RelayFixture): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Sync' }).click();
  await page.getByLabel('Relay address').fill(fx.wsUrl);
  await page.getByLabel('Token').fill(fx.token);
  await page.getByRole('button', { name: 'Pair with token' }).click();
  await expect(page.getByText('Paired. Your workspace now syncs with the relay.')).toBeVisible();
  await expect(page.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
}

/** The pairing link a paired device shows in Settings > Sync (it carries the workspace key). */
export async function pairingLinkOf(page: Page): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Sync' }).click();
  const link = await page.getByRole('textbox', { name: 'Pairing link', exact: true }).inputValue();
  expect(link).toMatch(/\/pair#.*key=/);
  return link;
}

/** Pairs the page's device by opening a pairing link and confirming, as a person does with a QR code. */
export async function pairWithLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Pair this device' }).click();
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  await expect(page.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
}

/** Pairs `page`'s device with the account `paired` is paired with, through `paired`'s link. */
export async function pairAnotherDevice(page: Page, paired: Page): Promise<void> {
  await pairWithLink(page, await pairingLinkOf(paired));
}

export async function createPresetQuick(page: Page, name: string, baseModel = 'llama3.2'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Base model').fill(baseModel);
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await page.getByRole('link', { name: 'Back to models' }).click();
  await expect(page.getByRole('listitem', { name, exact: true })).toBeVisible();
}

/** Points the app's Ollama endpoint at `url` before the app loads (device-local setting). */
export async function useOllamaEndpoint(page: Page, url: string): Promise<void> {
  await page.addInitScript((endpoint: string) => {
    const key = 'atelier.device';
    const s = JSON.parse(localStorage.getItem(key) ?? '{}') as { ollamaEndpoint?: string };
    if (!s.ollamaEndpoint || s.ollamaEndpoint === 'http://localhost:11434') {
      s.ollamaEndpoint = endpoint;
      localStorage.setItem(key, JSON.stringify(s));
    }
  }, url);
}
