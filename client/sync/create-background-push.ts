import { createEffect, on, type Accessor } from 'solid-js';
import type { AutomergeUrl, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl } from '@automerge/automerge-repo';
import { referencedUrls, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import type { SyncStatus } from './create-relay-connection.ts';

const BATCH = 50;

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
  createEffect(
    on([status, workspace], async ([s, ws]) => {
      if (s !== 'online' || !ws) return;
      const seen = new Set<string>();
      // Everything the index lists (presets, conversations, tools…), then what those refer to.
      let queue = [...referencedUrls(ws.handle.doc())];
      while (queue.length) {
        const batch = queue.slice(0, BATCH).filter((u) => !seen.has(u) && isValidAutomergeUrl(u));
        queue = queue.slice(BATCH);
        for (const u of batch) seen.add(u);
        if (status() !== 'online') return;
        const handles = await Promise.allSettled(batch.map((u) => repo.find(u as AutomergeUrl)));
        for (const h of handles) {
          if (h.status !== 'fulfilled') continue;
          for (const ref of referencedUrls(h.value.doc())) if (!seen.has(ref)) queue.push(ref);
        }
      }
    }),
  );
}
