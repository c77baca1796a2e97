import type { DocHandle, DocumentId, Repo } from '@automerge/automerge-repo';
import { ImmutableString } from '@automerge/automerge';
import { createStore, produce } from 'solid-js/store';
import { initialKnowledge, newId, type KnowledgeDoc, type KnowledgeRef } from '../../shared/schema/index.ts';

/*
 * Documents attached to a preset that does not exist yet: their extracted text waits here, in
 * memory, and becomes knowledge documents only when the preset is saved. A person who cancels
 * (or closes the tab) leaves nothing behind in the repo, on this device or on the relay.
 * Draft refs point at them with a `pending:` url until then.
 */

export interface PendingFile {
  name: string;
  type: string;
  size: number;
  text: string;
  wholeDocument: boolean;
}

export interface PendingKnowledge {
  /** keeps the file; returns the url a draft ref uses until the preset is saved */
  add(f: Omit<PendingFile, 'wholeDocument'>): string;
  get(url: string): PendingFile | undefined;
  setWhole(url: string, on: boolean): void;
  /** creates a knowledge document for every pending ref of `refs` and points the ref at it; returns their ids */
  commit(repo: Repo, refs: Record<string, KnowledgeRef>): DocumentId[];
}

/** A knowledge document for an extracted file; its text as one immutable value (see KnowledgeDoc.text). */
export function createKnowledgeDoc(repo: Repo, f: Omit<PendingFile, 'wholeDocument'>, wholeDocument = false): DocHandle<KnowledgeDoc> {
  return repo.create<KnowledgeDoc>({ ...initialKnowledge(f), text: new ImmutableString(f.text), wholeDocument });
}

const PREFIX = 'pending:';
export const isPendingUrl = (url: string | null | undefined): url is string => typeof url === 'string' && url.startsWith(PREFIX);

export function createPendingKnowledge(): PendingKnowledge {
  const [files, setFiles] = createStore<Record<string, PendingFile>>({});
  return {
    add(f) {
      const url = PREFIX + newId();
      setFiles(url, { ...f, wholeDocument: false });
      return url;
    },
    get: (url) => files[url],
    setWhole(url, on) {
      if (files[url]) setFiles(url, 'wholeDocument', on);
    },
    commit(repo, refs) {
      const created: DocumentId[] = [];
      for (const ref of Object.values(refs)) {
        const f = isPendingUrl(ref.url) ? files[ref.url] : undefined;
        if (!f) continue;
        const handle = createKnowledgeDoc(repo, f, f.wholeDocument);
        ref.url = handle.url;
        created.push(handle.documentId);
      }
      // a removed attachment simply stays out: nothing was ever created for it
      setFiles(produce((s) => {
        for (const k of Object.keys(s)) delete s[k];
      }));
      return created;
    },
  };
}
