import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type Relay } from '../../server/relay.ts';

export interface RelayFixture {
  relay: Relay;
  /** app origin, e.g. http://127.0.0.1:PORT */
  origin: string;
  wsUrl: string;
  token: string;
  workspaceUrl: string;
}

/** A real relay serving the built app (dist/) on a free port, with one account, per worker. */
export const test = base.extend<{ shell: Page }, { relayFx: RelayFixture }>({
  relayFx: [
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'atelier-e2e-'));
      const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir, staticDir: 'dist', log: () => {} });
      const { account, token } = await relay.accounts.create('e2e');
      const origin = relay.url;
      await use({ relay, origin, wsUrl: `${origin.replace(/^http/, 'ws')}/sync`, token, workspaceUrl: account.workspaceUrl });
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  /** A page with the app loaded and its workspace open. */
  shell: async ({ page, relayFx }, use) => {
    await page.goto(`${relayFx.origin}/models`);
    await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
    await use(page);
  },
});

export { expect };

/** Pairs the page's device using the relay address and token form of Settings > Sync. */
export async function pairWithToken(page: Page, fx: RelayFixture): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Sync' }).click();
  await page.getByLabel('Relay address').fill(fx.wsUrl);
  await page.getByLabel('Token').fill(fx.token);
  await page.getByRole('button', { name: 'Pair with token' }).click();
  await expect(page.getByText('Paired. Your workspace now syncs with the relay.')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible({ timeout: 15_000 });
}

export async function createPresetQuick(page: Page, name: string, baseModel = 'llama3.2'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('button', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Base model').fill(baseModel);
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('listitem', { name })).toBeVisible();
}
