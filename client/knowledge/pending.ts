import type { DocHandle, Repo } from '@automerge/automerge-repo';
import { createStore, produce } from 'solid-js/store';
import { newId, type KnowledgeDoc, type KnowledgeRef } from '../../shared/schema/index.ts';
import { knowledgeInitial } from './knowledge-bytes.ts';
import type { StoredKnowledge } from './knowledge-store.ts';

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
  /**
   * Stores a knowledge document for every pending ref of `refs` (one after the other, with
   * `store`) and points the ref at it; resolves with what was stored. If one cannot be stored it
   * rejects, and every attachment stays pending (a second try stores them all again).
   */
  commit(store: (f: PendingFile) => Promise<StoredKnowledge>, refs: Record<string, KnowledgeRef>): Promise<StoredKnowledge[]>;
}

/** A knowledge document for an extracted file, made on the page; its text as one immutable value (see KnowledgeDoc.text). */
export function createKnowledgeDoc(repo: Repo, f: Omit<PendingFile, 'wholeDocument'>, wholeDocument = false): DocHandle<KnowledgeDoc> {
  return repo.create<KnowledgeDoc>(knowledgeInitial(f, wholeDocument));
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
    async commit(store, refs) {
      const stored: Array<{ ref: KnowledgeRef; doc: StoredKnowledge }> = [];
      for (const ref of Object.values(refs)) {
        const f = isPendingUrl(ref.url) ? files[ref.url] : undefined;
        if (f) stored.push({ ref, doc: await store({ ...f }) });
      }
      for (const { ref, doc } of stored) ref.url = doc.url;
      // a removed attachment simply stays out: nothing was ever created for it
      setFiles(produce((s) => {
        for (const k of Object.keys(s)) delete s[k];
      }));
      return stored.map((x) => x.doc);
    },
  };
}
