import { createEffect, on, type Accessor } from 'solid-js';
import type { AutomergeUrl, Repo } from '@automerge/automerge-repo';
import type { WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import type { SyncStatus } from './create-relay-connection.ts';

const BATCH = 50;

/**
 * The repo only syncs documents it has loaded. When the relay comes online, load
 * every document the workspace lists (in batches, so thousands do not flood the
 * socket) so that edits made offline, in documents not opened since, reach the relay,
 * and a new device receives everything.
 */
export function createBackgroundPush(
  repo: Repo,
  status: Accessor<SyncStatus>,
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>,
) {
  createEffect(
    on([status, workspace], async ([s, ws]) => {
      if (s !== 'online' || !ws) return;
      const urls = [
        ...Object.values(ws.doc.presets).filter((e) => e.purgedAt === null).map((e) => e.url),
        ...Object.values(ws.doc.conversations).filter((e) => e.purgedAt === null).map((e) => e.url),
      ];
      for (let i = 0; i < urls.length; i += BATCH) {
        if (status() !== 'online') return;
        await Promise.allSettled(urls.slice(i, i + BATCH).map((u) => repo.find(u as AutomergeUrl)));
      }
    }),
  );
}
