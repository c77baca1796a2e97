/**
 * A new device pairs with an account that already holds many conversations: they reach its
 * IndexedDB through the relay's bundle (one HTTP response), not one sync exchange each, and
 * they open offline with their messages. Coming back online later neither loads nor syncs
 * every document: what changed elsewhere comes in the next bundle, and what was edited here
 * (the sync ledger) is pushed.
 */
import * as A from '@automerge/automerge';
import { Repo, type AutomergeUrl, type PeerId } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import type { Page } from '@playwright/test';
import { test, expect, pairWithToken } from './fixtures.ts';
import { addConversationEntry, initialConversation, type ConversationDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { addTurn } from '../../shared/chat/branch.ts';
import { answerPlaceholder, finishAnswer, userMessage } from '../../shared/chat/messages.ts';
import { BundleReader } from '../../shared/sync/bundle-format.ts';

const CONVERSATIONS = 120;

function seederRepo(wsUrl: string, token: string): Repo {
  return new Repo({
    network: [new WebSocketClientAdapter(`${wsUrl}?token=${token}`, 500)],
    peerId: `e2e-seeder-${Date.now()}` as PeerId,
    sharePolicy: async () => true,
  });
}

/**
 * The relay's stored copy of every document, by id (read through the bundle). The relay
 * serves two bundles per account at once; the page's own and one a reload has just cut short
 * can hold both for a moment, so a 429 is read as nothing yet and the caller's poll asks again.
 */
async function relayDocs(origin: string, token: string): Promise<Map<string, Uint8Array>> {
  const res = await fetch(`${origin}/api/bundle`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (res.status === 429) {
    // the callers poll: a bundle refused while two are in flight reads as "not there yet"
    await res.body?.cancel();
    return new Map();
  }
  if (!res.ok) throw new Error(`the relay answered ${res.status} to a bundle: ${await res.text()}`);
  const reader = new BundleReader();
  const records = reader.push(new Uint8Array(await res.arrayBuffer()));
  reader.finish();
  return new Map(records.map((r) => [r.documentId, r.data]));
}


/** The title of a conversation as stored in the page's IndexedDB (all its chunks, loaded together). */
async function storedTitle(page: Page, documentId: string): Promise<string | undefined> {
  const chunks = await page.evaluate(
    (id) =>
      new Promise<number[][]>((resolve, reject) => {
        const req = indexedDB.open('atelier');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          // Keys are [documentId, 'snapshot' | 'incremental' | …, hash]; arrays sort after strings.
          const all = req.result.transaction('documents').objectStore('documents').getAll(IDBKeyRange.bound([id], [id, []]));
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            req.result.close();
            const rows = all.result as { key: string[]; binary: Uint8Array }[];
            resolve(rows.filter((r) => r.key[1] === 'snapshot' || r.key[1] === 'incremental').map((r) => Array.from(r.binary)));
          };
        };
      }),
    documentId,
  );
  let doc = A.init<ConversationDoc>();
  for (const c of chunks) doc = A.loadIncremental(doc, new Uint8Array(c));
  return doc.title;
}

function storedDocIds(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open('atelier');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const keys = req.result.transaction('documents').objectStore('documents').getAllKeys();
          keys.onsuccess = () => {
            const ids = new Set(keys.result.filter((k) => Array.isArray(k) && (k[1] === 'snapshot' || k[1] === 'incremental')).map((k) => String((k as string[])[0])));
            req.result.close();
            resolve(ids.size);
          };
        };
      }),
  );
}

test('a new device gets a workspace of many conversations in one download, and they open offline', async ({ browser, relayFx }) => {
  // Another account on the same relay, filled by a Node device.
  const { account, token } = await relayFx.relay.accounts.create('bundle-e2e');
  const repo = seederRepo(relayFx.wsUrl, token);
  const urls: AutomergeUrl[] = [];
  try {
    await expect.poll(() => repo.peers.length).toBeGreaterThan(0);
    const ws = await repo.find<WorkspaceDoc>(account.workspaceUrl as AutomergeUrl);
    for (let i = 0; i < CONVERSATIONS; i++) {
      const id = `bundle-conv-${i}`;
      const title = `Bundled conversation ${i}`;
      const h = repo.create<ConversationDoc>(initialConversation(id, title, ['llama3.2:latest'], 1_700_000_000_000 + i));
      h.change((d) => {
        addTurn(d, userMessage({ id: `u${i}`, parentId: null, content: `Question number ${i}`, models: ['llama3.2:latest'], now: 1 }), [
          answerPlaceholder({ id: `a${i}`, parentId: `u${i}`, model: 'llama3.2:latest', writer: 'seed', now: 1 }),
        ]);
        const m = d.messages[`a${i}`]!;
        A.splice(d, ['messages', `a${i}`, 'content'], 0, 0, `Answer number ${i}`);
        finishAnswer(m, { status: 'done' }, 2);
      });
      ws.change((d) => addConversationEntry(d, id, { url: h.url, title, model: 'llama3.2:latest' }, 1_700_000_000_000 + i));
      urls.push(h.url);
    }
    // everything on the relay's disk before the new device comes
    await expect.poll(async () => (await relayDocs(relayFx.origin, token)).size).toBe(CONVERSATIONS + 1);
  } finally {
    await repo.shutdown();
  }

  const context = await browser.newContext();
  const page = await context.newPage();
  let bundles = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/bundle') && r.method() === 'POST') bundles++;
  });
  let framesSent = 0;
  page.on('websocket', (socket) => socket.on('framesent', () => framesSent++));
  await page.goto(`${relayFx.origin}/models`);
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  await pairWithToken(page, { ...relayFx, token, workspaceUrl: account.workspaceUrl });
  // the device's own (empty) workspace + every conversation and the account's workspace
  await expect.poll(() => storedDocIds(page)).toBeGreaterThanOrEqual(CONVERSATIONS + 1);
  expect(bundles).toBeGreaterThanOrEqual(1);
  // One request per document over the socket would be 120+ frames; the bundle needs a handful.
  expect(framesSent).toBeLessThan(CONVERSATIONS / 2);

  // Offline, a conversation that was never opened shows its messages from what was stored
  // (the chat page's code is loaded first: the service worker may not control this first visit).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  const sidebar = page.getByRole('navigation', { name: 'Conversations' });
  await expect(sidebar.getByRole('searchbox')).toBeVisible();
  await context.setOffline(true);
  await sidebar.getByRole('searchbox').fill('Bundled conversation 77');
  await sidebar.getByRole('listitem', { name: 'Bundled conversation 77', exact: true }).getByRole('link').click();
  await expect(page.getByText('Question number 77')).toBeVisible();
  await expect(page.getByText('Answer number 77')).toBeVisible();

  // Still offline: another device edits conversation 5, this one renames conversation 9.
  const elsewhere = seederRepo(relayFx.wsUrl, token);
  try {
    await expect.poll(() => elsewhere.peers.length).toBeGreaterThan(0);
    const five = await elsewhere.find<ConversationDoc>(urls[5]!);
    five.change((d) => A.splice(d, ['messages', 'u5', 'content'], 0, 0, 'Edited elsewhere: '));
    await expect
      .poll(async () => A.load<ConversationDoc>((await relayDocs(relayFx.origin, token)).get(five.documentId)!).messages.u5?.content)
      .toBe('Edited elsewhere: Question number 5');
  } finally {
    await elsewhere.shutdown();
  }
  await sidebar.getByRole('searchbox').fill('Bundled conversation 9');
  const nine = sidebar.getByRole('listitem', { name: 'Bundled conversation 9', exact: true });
  await nine.getByRole('button', { name: 'Actions for Bundled conversation 9' }).click();
  await nine.getByRole('button', { name: 'Rename' }).click();
  const input = sidebar.getByRole('textbox', { name: 'New title for “Bundled conversation 9”' });
  await input.fill('Renamed while offline');
  await input.press('Enter');
  await sidebar.getByRole('searchbox').fill('Renamed while offline');
  await expect(sidebar.getByRole('listitem', { name: 'Renamed while offline' })).toBeVisible();
  // The repo saves the change a moment later: reload once it is in IndexedDB.
  const nineId = urls[9]!.slice('automerge:'.length);
  await expect.poll(async () => storedTitle(page, nineId)).toBe('Renamed while offline');

  // Back online in a fresh page: nothing is loaded, so only the ledger and the bundle can do it.
  await context.setOffline(false);
  framesSent = 0;
  await page.reload();
  await expect(page.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
  await expect
    .poll(async () => A.load<ConversationDoc>((await relayDocs(relayFx.origin, token)).get(nineId)!).title)
    .toBe('Renamed while offline');
  expect(framesSent).toBeLessThan(CONVERSATIONS / 2);

  // Conversation 5 came in the bundle: offline again, it shows the other device's edit.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(sidebar.getByRole('searchbox')).toBeVisible();
  await context.setOffline(true);
  await sidebar.getByRole('searchbox').fill('Bundled conversation 5');
  await sidebar.getByRole('listitem', { name: 'Bundled conversation 5', exact: true }).getByRole('link').click();
  await expect(page.getByText('Edited elsewhere: Question number 5')).toBeVisible();
  await context.close();
});
