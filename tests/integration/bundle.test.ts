/**
 * POST /api/bundle against the real relay, the read-only source a device moves a legacy account
 * over from: in one response, every document of the previous relay the device does not list —
 * the workspace first, each loadable by Automerge with its latest changes — and bad requests
 * change nothing. (The documents are written as the previous relay left them on disk.)
 */
import * as A from '@automerge/automerge';
import { generateAutomergeUrl } from '@automerge/automerge-repo';
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import http, { type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { MAX_BUNDLE_REQUEST_BYTES, readBundleRequest, sendBundle } from '../../server/bundle-api.ts';
import { describe, expect, it } from 'vitest';
import { BundleReader, type BundleRecord } from '../../shared/sync/bundle-format.ts';
import { downloadBundle } from '../../client/sync/download-bundle.ts';
import type { StoredDocuments } from '../../client/repo/stored-documents.ts';
import { syncUrl } from '../../server/relay.ts';
import { accountDocumentsDir } from '../../server/accounts.ts';
import { cleanupAfterEach, tempDir } from './helpers.ts';

const { tempRelay } = cleanupAfterEach();

async function postBundle(base: string, token: string, body: string): Promise<Response> {
  return fetch(`${base}/api/bundle`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body });
}

async function readBundle(res: Response): Promise<BundleRecord[]> {
  const reader = new BundleReader();
  const out = reader.push(new Uint8Array(await res.arrayBuffer()));
  reader.finish();
  return out;
}

interface LegacyDoc<T> {
  documentId: string;
  url: string;
  doc(): T;
}

/** Writes a document of the previous relay (NodeFS layout: <2 chars>/<rest>/<kind>/<name>) into the account's folder. */
function writeLegacyChunk(folder: string, documentId: string, kind: 'snapshot' | 'incremental', bytes: Uint8Array): void {
  const dir = path.join(folder, documentId.slice(0, 2), documentId.slice(2), kind);
  mkdirSync(dir, { recursive: true });
  const name = `${kind}-${randomBytes(8).toString('hex')}`;
  // renamed into place, as the previous relay did: the folder's time says when it changed
  writeFileSync(path.join(folder, `.${name}`), bytes);
  renameSync(path.join(folder, `.${name}`), path.join(dir, name));
}

function legacyDoc<T>(folder: string, initial: T): LegacyDoc<T> {
  const url = generateAutomergeUrl();
  const documentId = url.slice('automerge:'.length);
  const d = A.from(initial as Record<string, unknown>) as A.Doc<T>;
  writeLegacyChunk(folder, documentId, 'snapshot', A.save(d));
  return { documentId, url, doc: () => d };
}

/** An account of the previous relay: a workspace and `n` documents, readable on the relay's disk. */
async function accountWithDocs(n: number) {
  const { relay, tmp } = await tempRelay('bundle', { limits: { authFailuresBeforeDelay: 0 } });
  const { token, account: created } = await relay.accounts.create('alice');
  const folder = accountDocumentsDir(tmp.dir, created.id);
  const docs: LegacyDoc<{ n: number; text: string }>[] = [];
  for (let i = 0; i < n; i++) docs.push(legacyDoc(folder, { n: i, text: `conversation ${i} (edited)` }));
  const ws = legacyDoc<Record<string, unknown>>(folder, { bundleTest: docs.map((h) => h.url) });
  // The previous relay made the workspace; a claim records it as it would be for such an account.
  await relay.accounts.claim(created.id, 'a'.repeat(32), ws.url);
  const account = { ...created, workspaceUrl: ws.url };
  return { relay, token, account, docs, ws, folder };
}

describe('document bundle', () => {
  it('sends every stored document the device lacks, workspace first, each one loadable and current', async () => {
    const { relay, token, account, docs, ws } = await accountWithDocs(12);
    const res = await postBundle(relay.url, token, JSON.stringify({ have: [] }));
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const reader = new BundleReader();
    const records = reader.push(new Uint8Array(await res.arrayBuffer()));
    reader.finish();
    expect(reader.total).toBe(13);
    expect(records[0]!.documentId).toBe(account.workspaceUrl.slice('automerge:'.length));
    expect(new Set(records.map((r) => r.documentId))).toEqual(new Set([ws, ...docs].map((h) => h.documentId)));
    for (const h of docs) {
      const rec = records.find((r) => r.documentId === h.documentId)!;
      const loaded = A.load<{ n: number; text: string }>(rec.data);
      expect(loaded.text).toBe(h.doc()!.text);
      expect(A.getHeads(loaded).sort()).toEqual(A.getHeads(h.doc()!).sort());
    }
  });

  it('leaves out what the device already has; an empty body means it has nothing', async () => {
    const { relay, token, docs, ws } = await accountWithDocs(5);
    const have = [ws.documentId, docs[0]!.documentId, docs[1]!.documentId, 'not-even-an-id'];
    const some = await readBundle(await postBundle(relay.url, token, JSON.stringify({ have })));
    expect(some.map((r) => r.documentId).sort()).toEqual(docs.slice(2).map((h) => h.documentId).sort());
    const all = await readBundle(await postBundle(relay.url, token, ''));
    expect(all).toHaveLength(6);
  });

  it('with `since`, also sends the documents the device has that changed on the relay after that time', async () => {
    const { relay, token, docs, ws, folder } = await accountWithDocs(6);
    const all = [ws, ...docs].map((h) => h.documentId);
    // past the relay's 2 s slack on folder times
    await new Promise((r) => setTimeout(r, 2_500));
    const asked = Date.now();
    const first = await postBundle(relay.url, token, JSON.stringify({ have: all }));
    const since = Number(first.headers.get('x-bundle-time'));
    // the relay's time when it cut the bundle (same machine clock: between the ask and the answer)
    expect(since).toBeGreaterThanOrEqual(asked);
    expect(since).toBeLessThanOrEqual(Date.now());
    expect(await readBundle(first)).toEqual([]);
    const before = docs[3]!.doc();
    const after = A.change(before, (d) => {
      d.text = 'changed elsewhere';
    });
    writeLegacyChunk(folder, docs[3]!.documentId, 'incremental', A.saveSince(after, A.getHeads(before)));
    const changed = await readBundle(await postBundle(relay.url, token, JSON.stringify({ have: all, since })));
    expect(changed.map((r) => r.documentId)).toEqual([docs[3]!.documentId]);
    expect(A.load<{ text: string }>(changed[0]!.data).text).toBe('changed elsewhere');
    // an older `since` covers more; a bad one is refused
    expect((await readBundle(await postBundle(relay.url, token, JSON.stringify({ have: all, since: 0 })))).length).toBe(7);
    expect((await postBundle(relay.url, token, JSON.stringify({ have: all, since: 'yesterday' }))).status).toBe(400);
  });

  it('serves at most two bundles of one account at once; a third is told to come back later', async () => {
    const { relay, token } = await accountWithDocs(3);
    // Two requests whose bodies never end hold their slots.
    const held = [0, 1].map(() => {
      const req = http.request(`${relay.url}/api/bundle`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Length': '100' } });
      req.on('error', () => {});
      req.write('{"have": [');
      return req;
    });
    // once both hold their slots (the relay has read their headers), a third is refused
    let third = await postBundle(relay.url, token, '');
    while (third.status !== 429) {
      expect(third.status).toBe(200); // served while the held ones were still on their way
      third = await postBundle(relay.url, token, '');
    }
    expect(third.headers.get('retry-after')).toBe('10');
    for (const req of held) req.destroy();
    // slots are given back when those requests end
    await expect.poll(async () => (await postBundle(relay.url, token, '')).status).toBe(200);
  });

  it('ends when the device went away before its first byte, so its slot is given back', async () => {
    // Before, the first write waited for a 'drain' or 'close' that had already happened: the
    // bundle never ended and, after two such reloads, the account was refused every bundle.
    const docs = tempDir('bundle-gone');
    let sent: Promise<'ended'> | null = null;
    const server = http.createServer((req, res) => {
      // The bundle starts once the socket's close has happened (a bundle that never ends is the
      // test timeout's to catch).
      req.socket.once('close', () => {
        sent = sendBundle(res, docs.dir, { have: new Set(), since: null }, null, {}).then(() => 'ended' as const);
      });
      req.socket.destroy();
    });
    try {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' }).catch(() => null);
      await expect.poll(() => sent !== null).toBe(true);
      expect(await sent).toBe('ended');
    } finally {
      server.close();
      docs.remove();
    }
  });

  it('refuses a wrong token, a bad body and the wrong method with a JSON error', async () => {
    const { relay, token } = await accountWithDocs(1);
    const wrong = await postBundle(relay.url, 'nope', '{}');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: expect.any(String) });
    for (const body of ['{"have": "all"}', 'not json', '{"have": [1, 2]}']) {
      const res = await postBundle(relay.url, token, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatch(/JSON|have/);
    }
    const get = await fetch(`${relay.url}/api/bundle`, { headers: { Authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    // an oversized body: read up to the limit, then refused (readBundleRequest, fed like a request)
    const oversized = Readable.from([Buffer.alloc(MAX_BUNDLE_REQUEST_BYTES), Buffer.from('x')]) as unknown as IncomingMessage;
    expect(await readBundleRequest(oversized)).toEqual({ ok: false, status: 413, error: 'request too large' });
    const atLimit = Readable.from([Buffer.from(JSON.stringify({ have: ['a'.repeat(1000)] }))]) as unknown as IncomingMessage;
    expect(await readBundleRequest(atLimit)).toMatchObject({ ok: true, since: null });
    const pre = await fetch(`${relay.url}/api/bundle`, { method: 'OPTIONS' });
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Content-Type');
  });
});

/** The app's StoredDocuments in memory (IndexedDB itself is covered by the e2e test). */
function memoryDocuments(initial: string[] = []): StoredDocuments & { docs: Map<string, Uint8Array>; writes: number } {
  const docs = new Map<string, Uint8Array>(initial.map((id) => [id, new Uint8Array()]));
  const out = {
    docs,
    writes: 0,
    ids: async () => new Set(docs.keys()),
    put: async (records: readonly BundleRecord[]) => {
      out.writes++;
      for (const r of records) docs.set(r.documentId, r.data);
    },
    putChunks: async () => undefined,
    loadChunk: async () => undefined,
    removeChunk: async () => undefined,
    relayChunks: async () => [],
    putSnapshot: async () => undefined,
  };
  return out;
}

describe("the app's bundle download", () => {
  it('stores every document it lacks, in a few writes, and asks only for those', async () => {
    const { relay, token, docs, ws } = await accountWithDocs(30);
    const have = memoryDocuments([ws.documentId]);
    const progress: number[] = [];
    const result = await downloadBundle(syncUrl(relay.url), token, have, { onProgress: (p) => progress.push(p.stored) });
    expect(result.complete).toBe(true);
    expect(result.stored.sort()).toEqual(docs.map((h) => h.documentId).sort());
    expect(have.docs.size).toBe(31);
    // the first document is written at once, the rest in one batch
    expect(have.writes).toBe(2);
    expect(progress.at(-1)).toBe(30);
    const again = await downloadBundle(syncUrl(relay.url), token, have);
    expect(again).toMatchObject({ stored: [], complete: true });
    expect(again.had?.size).toBe(31);
    expect(again.bundleAt).toBeGreaterThanOrEqual(result.bundleAt!);
  });

  it('keeps what arrived when the download is cut short, and stores nothing from a refused token', async () => {
    const { relay, token } = await accountWithDocs(30);
    const abort = new AbortController();
    const docs = memoryDocuments();
    const cut = await downloadBundle(syncUrl(relay.url), token, docs, { signal: abort.signal, onStored: () => abort.abort() });
    expect(cut.complete).toBe(false);
    expect(cut.stored.length).toBeGreaterThan(0);
    expect(docs.docs.size).toBe(cut.stored.length);

    const refused = memoryDocuments();
    expect(await downloadBundle(syncUrl(relay.url), 'wrong', refused)).toMatchObject({ stored: [], complete: false, bundleAt: null });
    expect(refused.docs.size).toBe(0);
  });
});
