import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import * as A from '@automerge/automerge';
import type { AutomergeUrl, DocHandle, DocumentId, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { referencedUrls, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { BundleRecord } from '../../shared/sync/bundle-format.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import type { RelayLink } from '../repo/device-settings.ts';
import type { StoredDocuments } from '../repo/stored-documents.ts';
import type { SyncStatus } from './create-relay-connection.ts';
import { downloadBundle, type BundleProgress, type BundleResult } from './download-bundle.ts';
import { relayLinkKey, type SyncLedger } from './sync-ledger.ts';
import { findAgain } from '../repo/find-again.ts';

const BATCH = 50;
/** Waits before asking again for documents that came back "unavailable" (the relay may still be loading them). */
const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000];
/** How long a pushed document may take to be acknowledged before it stays marked as unsynced. */
const ACK_WAIT_MS = 15_000;

export interface BackgroundPushOptions {
  relay: Accessor<RelayLink | null>;
  documents: StoredDocuments;
  ledger: SyncLedger;
}

/**
 * A document the app is already waiting for (a find() in progress, e.g. the workspace of a
 * device being paired) gets the bundle's copy at once instead of waiting for its sync answer.
 */
function feedWaitingHandles(repo: Repo, records: readonly BundleRecord[]): void {
  for (const { documentId, data } of records) {
    const handle = repo.handles[documentId as DocumentId];
    if (!handle || handle.isReady() || handle.isDeleted()) continue;
    try {
      handle.update((doc) => A.loadIncremental(doc, data));
    } catch {
      /* not loadable: the sync answer will come */
    }
  }
}

function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((h) => b.includes(h));
}

/** Resolves true once the relay has told us it holds exactly this document's current heads. */
async function whenRelayHolds(repo: Repo, handle: DocHandle<unknown>, timeoutMs: number, stillWanted: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillWanted()) {
    const peer = repo.peers.find((p) => p.startsWith('relay-'));
    const storageId = peer ? repo.getStorageIdOfPeer(peer) : undefined;
    const info = storageId ? handle.getSyncInfo(storageId) : undefined;
    if (info && sameHeads(info.lastHeads, handle.heads())) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Gets the workspace's documents onto this device and this device's edits to the relay,
 * without loading every document it has each time it comes online (on a phone with 5,000
 * conversations that was minutes of work, and long pauses while chatting).
 *
 * 1. When the relay comes online, one bundle (download-bundle.ts) brings the documents it
 *    holds that this device lacks, and those this device has that changed on the relay since
 *    the last bundle — a new device's thousands of documents in seconds.
 * 2. The repo only syncs documents it has loaded. Loaded and synced here, in batches so they do
 *    not flood the socket: documents with edits the relay may lack (the sync ledger: saved on
 *    this device and not yet acknowledged), and documents the workspace reaches — presets,
 *    conversations, and what they refer to (avatars, pictures, knowledge) — that are on
 *    neither this device nor in the bundle. Once per relay (a device upgraded from a version
 *    without the ledger, or paired with another relay) every document is offered instead.
 */
export function createBackgroundPush(
  repo: Repo,
  status: Accessor<SyncStatus>,
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>,
  opts: BackgroundPushOptions,
) {
  const { ledger } = opts;
  const [progress, setProgress] = createSignal<BundleProgress | null>(null);
  const none: BundleResult = { stored: [], had: null, complete: false, bundleAt: null };
  /** The current online session's bundle. */
  let bundle: Promise<BundleResult> = Promise.resolve(none);

  createEffect(
    on([status, opts.relay], ([s, link]) => {
      if (s !== 'online' || !link) return;
      const abort = new AbortController();
      onCleanup(() => abort.abort());
      const key = relayLinkKey(link.url, link.token);
      bundle = downloadBundle(link.url, link.token, opts.documents, {
        signal: abort.signal,
        since: ledger.bundleAt(key),
        onProgress: setProgress,
        onStored: (records) => feedWaitingHandles(repo, records),
      }).then((r) => {
        setProgress(null);
        if (r.complete && r.bundleAt !== null) ledger.setBundleAt(key, r.bundleAt);
        return r;
      });
    }),
  );

  let runs = 0;
  createEffect(
    on([status, workspace], async ([s, ws]) => {
      const run = ++runs;
      const link = opts.relay();
      if (s !== 'online' || !ws || !link) return;
      const key = relayLinkKey(link.url, link.token);
      const got = await bundle;
      const current = () => status() === 'online' && run === runs;
      if (!current()) return;
      const delivered = new Set(got.stored);
      const had = got.had;
      // Without the ledger's word for this relay (or without the list of what is stored), offer everything.
      const full = !ledger.fullPushDone(key) || had === null;
      const wanted = (id: string) => {
        if (ledger.isUnsynced(id)) return true;
        const newFromRelay = delivered.has(id) && !had?.has(id);
        if (full) return !newFromRelay;
        return !had?.has(id) && !delivered.has(id);
      };
      const seen = new Set<string>();
      const take = (u: string) => isValidAutomergeUrl(u) && !seen.has(u) && wanted(parseAutomergeUrl(u).documentId);
      const acks: Promise<unknown>[] = [];
      const confirm = (handle: DocHandle<unknown>) => {
        if (!ledger.isUnsynced(handle.documentId)) return;
        acks.push(
          whenRelayHolds(repo, handle, ACK_WAIT_MS, current).then((held) => {
            if (held) ledger.markSynced(handle.documentId);
          }),
        );
      };
      confirm(ws.handle as DocHandle<unknown>);
      // Everything the index lists (presets, conversations, tools…), then what those refer to.
      let queue = [...referencedUrls(ws.handle.doc())].filter(take);
      for (let round = 0; ; round++) {
        const missing: string[] = [];
        while (queue.length) {
          const batch = queue.slice(0, BATCH).filter((u) => !seen.has(u));
          queue = queue.slice(BATCH);
          for (const u of batch) seen.add(u);
          if (!current()) return;
          const handles = await Promise.allSettled(batch.map((u) => findAgain(repo, u as AutomergeUrl)));
          handles.forEach((h, i) => {
            if (h.status !== 'fulfilled') {
              missing.push(batch[i]!);
              return;
            }
            confirm(h.value as DocHandle<unknown>);
            for (const ref of referencedUrls(h.value.doc())) if (take(ref)) queue.push(ref);
          });
        }
        // A document can be unavailable for a while (the relay is loading it, the socket dropped):
        // ask again later, so a new device ends up with everything without the person opening it.
        const delay = RETRY_DELAYS_MS[round];
        if (missing.length === 0) {
          if (full && current()) ledger.setFullPushDone(key);
          break;
        }
        if (delay === undefined) break;
        await new Promise((r) => setTimeout(r, delay));
        for (const u of missing) seen.delete(u);
        queue = missing;
      }
      await Promise.all(acks);
    }),
  );

  return { bundleProgress: progress };
}
