/**
 * Fills an account of the encrypted relay the way a device's first upload does: every document
 * one encrypted snapshot (`A.save` bytes, here the template's stored chunks concatenated, which
 * `A.load` takes as they are), put through the protocol, a window of puts in flight.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as A from '@automerge/automerge';
import { addConversationEntry, addPresetEntry, initialWorkspace, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { newChunkId, sealChunk } from '../../shared/sync/chunk-crypto.ts';
import { sleep } from './common.ts';
import type { Template, TemplateEntry } from './seed.ts';
import { connectDevice, type V2Account } from './v2-accounts.ts';
import { NackError, type V2Client } from './v2-client.ts';

export interface SeedDoc {
  id: string;
  bytes: Uint8Array;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });
}

/** A template document's stored chunks (NodeFS layout), concatenated. */
export function templateDocBytes(t: Template, entry: TemplateEntry): Uint8Array {
  const id = entry.url.slice('automerge:'.length);
  return new Uint8Array(Buffer.concat(filesUnder(path.join(t.dir, 'docs', id.slice(0, 2), id.slice(2))).map((f) => readFileSync(f))));
}

export interface WorkspaceEntry {
  kind: 'preset' | 'conversation';
  id: string;
  docId: string;
  title: string;
  model: string;
}

/** The workspace document listing `entries`, saved. */
export function workspaceBytes(entries: WorkspaceEntry[]): Uint8Array {
  let ws = A.from(initialWorkspace('Bench workspace', 1_700_000_000_000) as unknown as Record<string, unknown>) as A.Doc<WorkspaceDoc>;
  ws = A.change(ws, (d) => {
    let at = 1_700_000_000_000;
    for (const e of entries) {
      if (e.kind === 'preset') addPresetEntry(d, e.id, `automerge:${e.docId}`, at++);
      else addConversationEntry(d, e.id, { url: `automerge:${e.docId}`, title: e.title, model: e.model }, at++);
    }
  });
  return A.save(ws);
}

/** A put of a new snapshot, retried while the relay answers with a retryable nack (busy). */
async function putRetrying(client: V2Client, account: V2Account, doc: SeedDoc): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const chunk = newChunkId();
    try {
      await client.put(doc.id, chunk, 'snapshot', sealChunk(account.key, doc.id, chunk, 'snapshot', doc.bytes));
      return;
    } catch (err) {
      if (!(err instanceof NackError) || !err.retryable || attempt >= 50) throw err;
      await sleep(50);
    }
  }
}

/** Uploads `docs` to the account from a device of its own; resolves once every put is acknowledged. */
export async function uploadDocs(wsUrl: string, account: V2Account, docs: readonly SeedDoc[], window = 32): Promise<void> {
  const device = await connectDevice(wsUrl, account);
  try {
    let next = 0;
    const worker = async () => {
      while (next < docs.length) await putRetrying(device.client, account, docs[next++]!);
    };
    await Promise.all(Array.from({ length: window }, worker));
  } finally {
    await device.client.close();
  }
}
