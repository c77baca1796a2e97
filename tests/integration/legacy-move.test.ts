/**
 * Moving over, end to end on the real relay: an account as the previous relay left it
 * (accounts.json without a key id, documents written by automerge-repo's NodeFS adapter under
 * the account's folder) is moved over by a paired device running the real engine and the real
 * bundle download; a fresh device with the key then gets every document from the encrypted log
 * alone, before and after `purge-legacy` removed the readable files.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { Repo, parseAutomergeUrl, type AutomergeUrl, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { accountDocumentsDir, accountsFilePath, generateToken, hashToken } from '../../server/accounts.ts';
import { startRelay, syncUrl } from '../../server/relay.ts';
import { newWorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { downloadBundle } from '../../client/sync/download-bundle.ts';
import { relayHttpBase } from '../../client/repo/relay-url.ts';
import type { StoredDocuments } from '../../client/repo/stored-documents.ts';
import type { LegacyMigration } from '../../client/sync/engine/engine.ts';
import { makeDevice, whenEngine, type Device } from './engine-devices.ts';
import { cleanupAfterEach, sameHeads, tempDir } from './helpers.ts';
import { V2Client } from './v2-client.ts';
import { filesWithBytes, readableIn } from '../helpers/plaintext-scan.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { cleanups } = cleanupAfterEach();

type Workspace = { name: string; presets: string[]; conversations: string[] };
type Preset = { name: string; system: string };
type Conversation = { title: string; messages: { role: string; text: string }[] };

/** Texts that must never appear readable in what the relay keeps after the purge. */
const SECRETS = ['legacy workspace', 'Old careful reviewer', 'never tell the relay', 'old private question', 'answer from the past', 'written on the device since'];

/**
 * Writes an account the way the previous relay did: its documents through automerge-repo's
 * NodeFS adapter in the account's folder, then accounts.json (workspaceUrl set, no keyId).
 * Returns the token and every document's URL with its content at the old relay.
 */
async function previousRelayAccount(dataDir: string) {
  const id = randomBytes(12).toString('hex');
  const token = generateToken();
  const old = new Repo({ storage: new NodeFSStorageAdapter(accountDocumentsDir(dataDir, id)), network: [], peerId: 'old-relay' as PeerId });
  const preset = old.create<Preset>({ name: 'Old careful reviewer', system: 'never tell the relay' });
  const conversation = old.create<Conversation>({ title: 'old private question', messages: [{ role: 'user', text: 'old private question' }] });
  conversation.change((c) => c.messages.push({ role: 'assistant', text: 'answer from the past' }));
  const workspace = old.create<Workspace>({ name: 'legacy workspace', presets: [preset.url], conversations: [conversation.url] });
  const handles: DocHandle<unknown>[] = [workspace, preset, conversation];
  const docs = new Map(handles.map((h) => [h.url, A.clone(h.doc() as A.Doc<unknown>)]));
  await old.flush();
  await old.shutdown();
  writeFileSync(
    accountsFilePath(dataDir),
    JSON.stringify({ version: 1, accounts: [{ id, name: 'alice', workspaceUrl: workspace.url, createdAt: 1, tokenHash: hashToken(token) }] }),
  );
  return { id, token, workspaceUrl: workspace.url, presetUrl: preset.url, conversationUrl: conversation.url, docs };
}

/** The app's legacy move-over (create-sync-engine.ts) over a Node device's storage: the real bundle download and POST /api/legacy/done. */
function legacyMigration(device: Device, relayWs: string, token: string): LegacyMigration {
  const documents: StoredDocuments = {
    ids: () => device.local.ids(),
    put: (records, chunkName) => device.local.put(records.map((r) => ({ documentId: r.documentId, name: chunkName, data: r.data }))),
    putChunks: (chunks) => device.local.put(chunks),
    loadChunk: (doc, name) => device.local.load(doc, name),
    removeChunk: (doc, name) => device.local.remove(doc, name),
    relayChunks: (doc) => device.local.received(doc),
    putSnapshot: async () => {
      throw new Error('not used by the move-over');
    },
  };
  return {
    download: async () => (await downloadBundle(relayWs, token, documents)).complete,
    done: async () => (await fetch(`${relayHttpBase(relayWs)}/api/legacy/done`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).ok,
  };
}

function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/account-cli.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const online = (d: Device) => whenEngine(d.engine!, (s) => s.status === 'online');

/** Every document of `expected` is in the device's storage, and loads with the same heads and content. */
async function holdsEverything(device: Device, expected: Map<AutomergeUrl, A.Doc<unknown>>): Promise<void> {
  const ids = await device.local.ids();
  for (const url of expected.keys()) expect(ids.has(url.slice('automerge:'.length))).toBe(true);
  for (const [url, doc] of expected) {
    const h = await device.repo.find<unknown>(url);
    expect(sameHeads(A.getHeads(h.doc() as A.Doc<unknown>), A.getHeads(doc))).toBe(true);
    expect(h.doc()).toEqual(doc);
  }
}

describe('moving over from the previous relay', () => {
  it('an old-format account moves over complete: a fresh device gets every document from the encrypted log, before and after purge-legacy', async () => {
    const tmp = tempDir('legacy-move');
    cleanups.push(tmp.remove);
    const old = await previousRelayAccount(tmp.dir);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relay.close());
    const relayWs = syncUrl(relay.url);
    const link = { url: relayWs, token: old.token };
    const key = newWorkspaceKey();

    const before = await V2Client.connect(relay.url, old.token);
    cleanups.push(() => before.client.close());
    expect(before.welcome).toMatchObject({ legacy: true, keyId: null, workspace: old.workspaceUrl });

    // The paired device: it holds the workspace (synced back then) with an edit the relay never saw,
    // and a conversation written since; the preset and the old conversation it does NOT hold.
    const first = makeDevice(link, key, () => old.workspaceUrl);
    cleanups.push(() => first.close());
    const ws = first.repo.import<Workspace>(A.save(old.docs.get(old.workspaceUrl)! as A.Doc<Workspace>), { docId: parseAutomergeUrl(old.workspaceUrl).documentId });
    ws.change((w) => (w.name = 'legacy workspace, renamed'));
    const since = first.repo.create<Conversation>({ title: 'written on the device since', messages: [] });
    await first.repo.flush();
    expect([...(await first.local.ids())].sort()).toEqual([ws.documentId, since.documentId].sort());

    first.connect({ legacy: legacyMigration(first, relayWs, old.token) });
    await whenEngine(first.engine!, (s) => s.migrating);
    await whenEngine(first.engine!, (s) => !s.migrating);
    expect(first.engine!.snapshot().status).toBe('online');

    // The relay now says so, to sockets and over HTTP.
    const after = await V2Client.connect(relay.url, old.token);
    cleanups.push(() => after.client.close());
    expect(after.welcome.legacy ?? false).toBe(false);
    expect(after.welcome.keyId).toBe(key.keyId);
    const account = await fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${old.token}` } });
    expect(await account.json()).toMatchObject({ workspaceUrl: old.workspaceUrl, keyId: key.keyId });

    // What the account holds now: the old documents merged with the device's edits, and the device's own.
    const expected = new Map<AutomergeUrl, A.Doc<unknown>>();
    for (const url of [...old.docs.keys(), since.url]) expected.set(url, A.clone((await first.repo.find<unknown>(url)).doc() as A.Doc<unknown>));
    expect((expected.get(old.workspaceUrl) as Workspace).name).toBe('legacy workspace, renamed');
    expect(expected.get(old.presetUrl)).toEqual(old.docs.get(old.presetUrl));
    expect(expected.get(old.conversationUrl)).toEqual(old.docs.get(old.conversationUrl));

    // A fresh device with the key: no bundle, only the encrypted log.
    const second = makeDevice(link, key);
    cleanups.push(() => second.close());
    second.connect();
    await online(second);
    await holdsEverything(second, expected);

    // The operator removes the readable files; the encrypted log alone still serves everything.
    const purge = await cli(tmp.dir, 'purge-legacy', 'alice');
    expect(purge.code).toBe(0);
    const folder = accountDocumentsDir(tmp.dir, old.id);
    for (const url of old.docs.keys()) expect(existsSync(path.join(folder, url.slice('automerge:'.length, 'automerge:'.length + 2)))).toBe(false);
    await holdsEverything(second, expected);
    const third = makeDevice(link, key);
    cleanups.push(() => third.close());
    third.connect();
    await online(third);
    await holdsEverything(third, expected);

    // Nothing readable is left on the relay's disk: no known text, no Automerge chunk header.
    const files = await filesWithBytes(tmp.dir);
    expect(files.length).toBeGreaterThan(0);
    expect(readableIn(files, SECRETS)).toEqual([]);
  });
});
