import { createEffect, on, type Accessor } from 'solid-js';
import type { AutomergeUrl, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl } from '@automerge/automerge-repo';
import { referencedUrls, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import type { SyncStatus } from './create-relay-connection.ts';
import { findAgain } from '../repo/find-again.ts';

const BATCH = 50;
/** Waits before asking again for documents that came back "unavailable" (the relay may still be loading them). */
const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/**
 * The repo only syncs documents it has loaded. When the relay comes online, load every
 * document the workspace reaches — presets, conversations, and what they refer to
 * (avatars, pictures, knowledge) — in batches so thousands do not flood the socket.
 * Edits made offline in documents not opened since then reach the relay, and a new
 * device receives everything.
 */
export function createBackgroundPush(
  repo: Repo,
  status: Accessor<SyncStatus>,
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>,
) {
  let runs = 0;
  createEffect(
    on([status, workspace], async ([s, ws]) => {
      const run = ++runs;
      if (s !== 'online' || !ws) return;
      const seen = new Set<string>();
      // Everything the index lists (presets, conversations, tools…), then what those refer to.
      let queue = [...referencedUrls(ws.handle.doc())];
      for (let round = 0; ; round++) {
        const missing: string[] = [];
        while (queue.length) {
          const batch = queue.slice(0, BATCH).filter((u) => !seen.has(u) && isValidAutomergeUrl(u));
          queue = queue.slice(BATCH);
          for (const u of batch) seen.add(u);
          if (status() !== 'online' || run !== runs) return;
          const handles = await Promise.allSettled(batch.map((u) => findAgain(repo, u as AutomergeUrl)));
          handles.forEach((h, i) => {
            if (h.status !== 'fulfilled') {
              missing.push(batch[i]!);
              return;
            }
            for (const ref of referencedUrls(h.value.doc())) if (!seen.has(ref)) queue.push(ref);
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
}
