/**
 * Two relay processes on one PostgreSQL database (DATABASE_URL), each serving one device:
 * device A talks to relay 1 directly, device B to relay 2 through a TCP proxy standing for the
 * load balancer. They edit the same preset and see each other's edits. Relay 2 is then killed
 * (SIGKILL); B edits while it has no relay, the proxy sends new connections to relay 1 (as a
 * load balancer does when a health check fails), B reconnects through it by itself and nothing
 * either device wrote is lost.
 */
import path from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { PgAccountStore } from '../../server/pg/account-store.ts';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import { spawnRelay, type RelayProcess } from '../helpers/relay-process.ts';
import { startSwitchProxy, type SwitchProxy } from '../helpers/switch-proxy.ts';
import { tempDir } from '../integration/helpers.ts';

const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, 'ws')}/sync`;

async function openEditor(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name, exact: true }).getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
}

async function addTag(page: Page, tag: string): Promise<void> {
  await page.getByLabel('Add a tag').fill(tag);
  await page.getByLabel('Add a tag').press('Enter');
}

let cluster: PgCluster;
const cleanups: (() => unknown)[] = [];
test.beforeAll(async () => {
  cluster = await startPgCluster();
});
test.afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
  await cluster?.destroy();
});

test("devices on two relays of one database edit the same preset, and a killed relay's device carries on through the other without losing anything", async ({ browser }) => {
  const env = { DATABASE_URL: cluster.url, STATIC_DIR: path.resolve(process.env.STATIC_DIR ?? 'dist') };
  const relays: RelayProcess[] = [];
  for (const name of ['one', 'two']) {
    const data = tempDir(`pg-e2e-${name}`);
    cleanups.push(data.remove);
    const r = await spawnRelay({ dataDir: data.dir, env });
    cleanups.push(() => r.kill());
    relays.push(r);
  }
  const [one, two] = relays as [RelayProcess, RelayProcess];
  const lb: SwitchProxy = await startSwitchProxy(two.port);
  cleanups.push(() => lb.close());
  const accounts = new PgAccountStore({ url: cluster.url });
  const { token } = await accounts.create('shared');
  await accounts.close();

  const a = await browser.newContext();
  const b = await browser.newContext();
  cleanups.push(() => a.close(), () => b.close());
  const pageA = await a.newPage();
  const pageB = await b.newPage();

  // A: the account's first device, on relay 1.
  await pageA.goto(`${one.url}/models`);
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await pageA.getByRole('link', { name: 'Sync' }).click();
  await pageA.getByLabel('Relay address').fill(wsUrl(one.url));
  await pageA.getByLabel('Token').fill(token);
  await pageA.getByRole('button', { name: 'Pair with token' }).click();
  await expect(pageA.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();

  // B pairs with A's link, its relay address being the load balancer in front of relay 2.
  const link = new URL(await pageA.getByRole('textbox', { name: 'Pairing link', exact: true }).inputValue());
  const fragment = new URLSearchParams(link.hash.slice(1));
  fragment.set('relay', wsUrl(lb.url));
  await pageB.goto(`${lb.url}/pair#${fragment.toString()}`);
  await pageB.getByRole('button', { name: 'Pair this device' }).click();
  await expect(pageB.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();

  // A makes a preset; B, through the other relay, sees it and edits it; A sees B's edits.
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await pageA.getByRole('link', { name: 'New model' }).click();
  await pageA.getByLabel('Name', { exact: true }).fill('Shared Tutor');
  await pageA.getByLabel('Base model').fill('llama3.2');
  await pageA.getByLabel('System prompt').fill('You are a tutor.');
  await pageA.getByRole('button', { name: 'Save & create' }).click();
  await expect(pageA.getByRole('heading', { name: 'Edit Shared Tutor' })).toBeVisible();
  await openEditor(pageB, 'Shared Tutor');
  await expect(pageB.getByLabel('System prompt')).toHaveValue('You are a tutor.');
  await pageB.getByLabel('Description').fill('Edited on B');
  await addTag(pageA, 'from-a');
  await expect(pageA.getByLabel('Description')).toHaveValue('Edited on B');
  await expect(pageB.getByRole('button', { name: 'Remove tag from-a' })).toBeVisible();

  // Relay 2 dies. B keeps working without a relay meanwhile.
  await two.kill('SIGKILL');
  await expect(pageB.getByRole('status', { name: /Sync status: (Offline|Connecting)/ })).toBeVisible();
  await addTag(pageB, 'while-relay-down');
  await addTag(pageA, 'a-meanwhile');
  // The load balancer sends B's next connection to relay 1: B reconnects by itself.
  lb.switchTo(one.port);
  for (const p of [pageA, pageB]) {
    await expect(p.getByRole('button', { name: 'Remove tag while-relay-down' })).toBeVisible();
    await expect(p.getByRole('button', { name: 'Remove tag a-meanwhile' })).toBeVisible();
    await expect(p.getByRole('button', { name: 'Remove tag from-a' })).toBeVisible();
    await expect(p.getByLabel('Description')).toHaveValue('Edited on B');
    await expect(p.getByLabel('System prompt')).toHaveValue('You are a tutor.');
  }
  await expect(pageB.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
  // And B's new edits go through relay 1 to A.
  await pageB.getByLabel('Description').fill('Edited on B after the failover');
  await expect(pageA.getByLabel('Description')).toHaveValue('Edited on B after the failover');
});
