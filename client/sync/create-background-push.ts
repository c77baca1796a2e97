import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import * as A from '@automerge/automerge';
import type { AutomergeUrl, DocumentId, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { referencedUrls, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { BundleRecord } from '../../shared/sync/bundle-format.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import type { RelayLink } from '../repo/device-settings.ts';
import type { StoredDocuments } from '../repo/stored-documents.ts';
import type { SyncStatus } from './create-relay-connection.ts';
import { downloadBundle, type BundleProgress } from './download-bundle.ts';
import { findAgain } from '../repo/find-again.ts';

const BATCH = 50;
/** Waits before asking again for documents that came back "unavailable" (the relay may still be loading them). */
const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

export interface BackgroundPushOptions {
  relay: Accessor<RelayLink | null>;
  documents: StoredDocuments;
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

/**
 * Gets every document of the workspace onto this device and every offline edit to the relay.
 *
 * 1. When the relay comes online, the documents it holds that this device lacks arrive in one
 *    bundle (download-bundle.ts) — a new device's thousands of documents in seconds.
 * 2. The repo only syncs documents it has loaded: every document the workspace reaches —
 *    presets, conversations, and what they refer to (avatars, pictures, knowledge) — that did
 *    not just come in the bundle is loaded, in batches so thousands do not flood the socket,
 *    so edits made offline in documents not opened since reach the relay, and anything the
 *    bundle missed (not yet on the relay's disk, a cut download) is asked for over sync.
 */
export function createBackgroundPush(
  repo: Repo,
  status: Accessor<SyncStatus>,
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>,
  opts: BackgroundPushOptions,
) {
  const [progress, setProgress] = createSignal<BundleProgress | null>(null);
  /** The current online session's bundle: the ids it stored (empty if it failed). */
  let bundle: Promise<Set<string>> = Promise.resolve(new Set());

  createEffect(
    on([status, opts.relay], ([s, link]) => {
      if (s !== 'online' || !link) return;
      const abort = new AbortController();
      onCleanup(() => abort.abort());
      bundle = downloadBundle(link.url, link.token, opts.documents, {
        signal: abort.signal,
        onProgress: setProgress,
        onStored: (records) => feedWaitingHandles(repo, records),
      }).then((r) => {
        setProgress(null);
        return new Set(r.stored);
      });
    }),
  );

  let runs = 0;
  createEffect(
    on([status, workspace], async ([s, ws]) => {
      const run = ++runs;
      if (s !== 'online' || !ws) return;
      const delivered = await bundle;
      if (status() !== 'online' || run !== runs) return;
      const seen = new Set<string>();
      const skip = (u: string) => seen.has(u) || (isValidAutomergeUrl(u) && delivered.has(parseAutomergeUrl(u).documentId));
      // Everything the index lists (presets, conversations, tools…), then what those refer to.
      let queue = [...referencedUrls(ws.handle.doc())];
      for (let round = 0; ; round++) {
        const missing: string[] = [];
        while (queue.length) {
          const batch = queue.slice(0, BATCH).filter((u) => !skip(u) && isValidAutomergeUrl(u));
          queue = queue.slice(BATCH);
          for (const u of batch) seen.add(u);
          if (status() !== 'online' || run !== runs) return;
          const handles = await Promise.allSettled(batch.map((u) => findAgain(repo, u as AutomergeUrl)));
          handles.forEach((h, i) => {
            if (h.status !== 'fulfilled') {
              missing.push(batch[i]!);
              return;
            }
            for (const ref of referencedUrls(h.value.doc())) if (!skip(ref)) queue.push(ref);
          });
        }
        // A document can be unavailable for a while (the relay is loading it, the socket dropped):
        // ask again later, so a new device ends up with everything without the person opening it.
        const delay = RETRY_DELAYS_MS[round];
        if (missing.length === 0 || delay === undefined) return;
        await new Promise((r) => setTimeout(r, delay));
        for (const u of missing) seen.delete(u);
        queue = missing;
      }
    }),
  );

  return { bundleProgress: progress };
}
