import { createMemo, createResource, type Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import type { DocKind } from '../../shared/schema/index.ts';
import { openDoc, type Opened } from '../repo/open-doc.ts';
import { createDocStore, type DocStore } from './create-doc-store.ts';

export interface OpenedDoc<T> {
  store: Accessor<DocStore<T> | undefined>;
  readOnly: Accessor<boolean>;
  /** set when the document is invalid or unavailable */
  problem: Accessor<string | null>;
}

/** Opens (finds, checks, migrates) the document at `url` and keeps a reactive store of it. */
export function createOpenedDoc<T extends object>(repo: Repo, url: Accessor<string | undefined>, kind: DocKind): OpenedDoc<T> {
  const [opened] = createResource(url, (u) => openDoc<T>(repo, u, kind));
  const current = (): Opened<T> | undefined => (opened.state === 'ready' ? opened() : undefined);
  const store = createMemo<DocStore<T> | undefined>(() => {
    const o = current();
    return o && (o.status === 'ok' || o.status === 'newer') ? createDocStore(o.handle) : undefined;
  });
  return {
    store,
    readOnly: () => current()?.status === 'newer',
    problem: () => {
      const o = current();
      return o && (o.status === 'invalid' || o.status === 'unavailable') ? o.message : null;
    },
  };
}
