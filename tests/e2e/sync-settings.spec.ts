import type { Page } from '@playwright/test';
import * as A from '@automerge/automerge';
import { test, expect, pairAnotherDevice, pairWithToken, createPresetQuick } from './fixtures.ts';
import { newChunkId, newWorkspaceKey, sealChunk } from '../../shared/sync/chunk-crypto.ts';
import { V2Client, docId } from '../integration/v2-client.ts';

/* What Settings › Sync tells a person about the encrypted sync beyond the key: who else is
   connected, and data from the relay that was refused. */

async function openSyncSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Sync' }).click();
}

test('Settings › Sync says how many other devices of the workspace are connected now', async ({ browser, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  await pageA.goto(`${relayFx.origin}/models`);
  await pairWithToken(pageA, relayFx);
  await openSyncSettings(pageA);
  await expect(pageA.getByText('Other devices of this workspace connected now: 0')).toBeVisible();
  await pageB.goto(`${relayFx.origin}/models`);
  await pairAnotherDevice(pageB, pageA);
  await openSyncSettings(pageA);
  await expect(pageA.getByText('Other devices of this workspace connected now: 1')).toBeVisible();
  await b.close();
  await expect(pageA.getByText('Other devices of this workspace connected now: 0')).toBeVisible();
  await a.close();
});

test('data from the relay that does not open with the workspace key is not merged, and Settings › Sync says so', async ({ shell: page, relayFx }) => {
  await pairWithToken(page, relayFx);
  await createPresetQuick(page, 'Kept as it is');
  // Someone holding the token but another key writes a chunk into the account.
  const { client } = await V2Client.connect(relayFx.origin, relayFx.token);
  const foreign = A.save(A.from({ title: 'written with another key' }));
  const chunk = newChunkId();
  const doc = docId();
  const answer = await client.putAndWait(doc, chunk, sealChunk(newWorkspaceKey(), doc, chunk, 'snapshot', foreign), { kind: 'snapshot' });
  expect(answer.t).toBe('ack');
  client.close();

  await openSyncSettings(page);
  await expect(page.getByRole('alert').filter({ hasText: '1 piece(s) of data from the relay did not open' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('listitem', { name: 'Kept as it is', exact: true })).toBeVisible();
  await expect(page.getByText('written with another key')).toHaveCount(0);
});
