/**
 * A new device pairs, with a link carrying the workspace key, with an account that already holds
 * many conversations: they reach its IndexedDB in one catch-up over its socket (the relay streams
 * the encrypted log, several entries per frame; the device asks once), not one exchange each, and
 * they open offline with their messages. Coming back online later neither loads nor syncs every
 * document: what changed elsewhere comes in the catch-up, and what was edited here is pushed.
 */
import * as A from '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';
import type { Page } from '@playwright/test';
import { test, expect, pairWithLink, type RelayFixture } from './fixtures.ts';
import { startNodeDevice } from './node-device.ts';
import { addConversationEntry, immutable, initialConversation, initialWorkspace, type ConversationDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { addTurn } from '../../shared/chat/branch.ts';
import { answerPlaceholder, finishAnswer, userMessage, writeAnswerText } from '../../shared/chat/messages.ts';
import { newWorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { makePairingLink } from '../../client/sync/pairing-link.ts';

const CONVERSATIONS = 120;

async function accountIdOf(fx: RelayFixture): Promise<string> {
  const account = (await fx.relay.accounts.list()).find((a) => a.name === fx.accountName);
  if (!account) throw new Error(`no account ${fx.accountName} on the relay`);
  return account.id;
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

test('a new device paired with a link gets a workspace of many conversations in one catch-up, and they open offline', async ({ browser, relayFx }) => {
  // The account's first device, in Node: it claims the account with its key and fills it.
  const key = newWorkspaceKey();
  let workspaceUrl: string | null = null;
  const seeder = startNodeDevice({ url: relayFx.wsUrl, token: relayFx.token }, key, () => workspaceUrl);
  const accountId = await accountIdOf(relayFx);
  const ws = seeder.repo.create<WorkspaceDoc>(initialWorkspace('Seeded workspace', 1_700_000_000_000));
  workspaceUrl = ws.url;
  const conversations: DocHandle<ConversationDoc>[] = [];
  try {
    for (let i = 0; i < CONVERSATIONS; i++) {
      const id = `bundle-conv-${i}`;
      const title = `Bundled conversation ${i}`;
      const h = seeder.repo.create<ConversationDoc>(initialConversation(id, title, ['llama3.2:latest'], 1_700_000_000_000 + i));
      h.change((d) => {
        addTurn(d, userMessage({ id: `u${i}`, parentId: null, content: `Question number ${i}`, models: ['llama3.2:latest'], now: 1 }), [
          answerPlaceholder({ id: `a${i}`, parentId: `u${i}`, model: 'llama3.2:latest', writer: 'seed', now: 1 }),
        ]);
        const m = d.messages[`a${i}`]!;
        writeAnswerText(m, { content: `Answer number ${i}` });
        finishAnswer(m, { status: 'done' }, 2);
      });
      ws.change((d) => addConversationEntry(d, id, { url: h.url, title, model: 'llama3.2:latest' }, 1_700_000_000_000 + i));
      conversations.push(h);
    }
    // everything acknowledged by the relay before the new device comes
    await expect.poll(() => seeder.holdsOnRelay(accountId, [ws, ...conversations])).toBe(true);

    const context = await browser.newContext();
    const page = await context.newPage();
    let framesSent = 0;
    let framesReceived = 0;
    page.on('websocket', (socket) => {
      socket.on('framesent', () => framesSent++);
      socket.on('framereceived', () => framesReceived++);
    });
    await page.goto(`${relayFx.origin}/models`);
    await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
    const link = makePairingLink(relayFx.origin, { relay: relayFx.wsUrl, token: relayFx.token, key, workspace: workspaceUrl });
    await pairWithLink(page, link);
    // the device's own (empty) workspace + every conversation and the account's workspace
    await expect.poll(() => storedDocIds(page)).toBeGreaterThanOrEqual(CONVERSATIONS + 1);
    // One exchange per document would be 120+ frames each way; the catch-up needs a handful.
    expect(framesSent).toBeLessThan(CONVERSATIONS / 2);
    expect(framesReceived).toBeLessThan(CONVERSATIONS / 2);

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

    // Still offline: the other device edits conversation 5, this one renames conversation 9.
    const five = conversations[5]!;
    // (a sent message is one value: the other device replaces it)
    five.change((d) => {
      d.messages['u5']!.content = immutable('Edited elsewhere: Question number 5');
    });
    await expect.poll(() => seeder.holdsOnRelay(accountId, [five])).toBe(true);
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
    const nineHandle = conversations[9]!;
    await expect.poll(async () => storedTitle(page, nineHandle.documentId)).toBe('Renamed while offline');

    // Back online in a fresh page: nothing is loaded, so only what the device marked for upload
    // can bring the rename to the other device.
    await context.setOffline(false);
    framesSent = 0;
    await page.reload();
    await expect(page.getByRole('status', { name: /Sync status: Synced/ })).toBeVisible();
    await expect.poll(() => nineHandle.doc().title).toBe('Renamed while offline');
    expect(framesSent).toBeLessThan(CONVERSATIONS / 2);

    // Conversation 5 came in the catch-up: offline again, it shows the other device's edit.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await expect(sidebar.getByRole('searchbox')).toBeVisible();
    await context.setOffline(true);
    await sidebar.getByRole('searchbox').fill('Bundled conversation 5');
    await sidebar.getByRole('listitem', { name: 'Bundled conversation 5', exact: true }).getByRole('link').click();
    await expect(page.getByText('Edited elsewhere: Question number 5')).toBeVisible();
    await context.close();
  } finally {
    await seeder.close();
  }
});
