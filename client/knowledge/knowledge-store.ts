import { generateAutomergeUrl, parseAutomergeUrl, stringifyAutomergeUrl, type AutomergeUrl, type DocumentId, type Repo } from '@automerge/automerge-repo';
import type { KnowledgeDoc } from '../../shared/schema/knowledge.ts';
import { knowledgeInitial, type KnowledgeFile } from './knowledge-bytes.ts';
import type { BuildReply, BuildRequest } from './knowledge-doc.worker.ts';

/*
 * Storing an attached document. A knowledge document holds megabytes of text, and creating it
 * on the page (repo.create, then the repo's save, which compresses the whole document) was one
 * main-thread task of hundreds of milliseconds. Here the document is built and saved in a
 * worker; the page writes those bytes into the device's storage as the document's snapshot, in
 * one IndexedDB transaction, and marks it for upload. The repo then loads it from storage like
 * any document stored before (repo.find), so automerge-repo's public API is all it sees, and
 * the text still syncs, encrypted, to the other devices.
 *
 * Invariant: the url is returned only once the document is durable on this device, so a
 * preset never points at a document that is not stored.
 */

export interface BuiltKnowledge {
  /** the whole document, as `A.save` writes it */
  bytes: Uint8Array;
  /** its storage name */
  name: string;
}

export type BuildKnowledge = (file: KnowledgeFile, wholeDocument: boolean, createdAt: number) => Promise<BuiltKnowledge>;

/** Where built documents go: the device's document storage and the list of documents to upload. */
export interface KnowledgeStorage {
  /** durable when it resolves */
  putSnapshot(documentId: string, name: string, data: Uint8Array): Promise<void>;
  markUnsynced(documentId: string): void;
}

export interface StoredKnowledge {
  url: AutomergeUrl;
  documentId: DocumentId;
  /** built on the page because the worker could not do it (the page may have paused meanwhile) */
  onPage: boolean;
}

export interface StoreKnowledgeOptions {
  /** builds the document's bytes; default the knowledge document worker */
  build?: BuildKnowledge;
  /** a failed save of a document built on the page (it stays in memory: the person can retry) */
  onSaveFailed?: (err: unknown) => void;
}

/**
 * Creates the knowledge document for an extracted file and stores it. When the worker fails,
 * the page builds it the way it always did (repo.create, then a flush). Rejects, having
 * created nothing the preset could point at, when the storage refuses the bytes.
 */
export async function storeKnowledge(repo: Repo, storage: KnowledgeStorage, file: KnowledgeFile, wholeDocument: boolean, opts: StoreKnowledgeOptions = {}): Promise<StoredKnowledge> {
  const createdAt = Date.now();
  let built: BuiltKnowledge;
  try {
    built = await (opts.build ?? workerBuild)(file, wholeDocument, createdAt);
  } catch (err) {
    console.warn('Atelier: the document worker failed; the document is built on the page', err);
    const handle = repo.create<KnowledgeDoc>(knowledgeInitial(file, wholeDocument, createdAt));
    await repo.flush([handle.documentId]).catch((e: unknown) => opts.onSaveFailed?.(e));
    return { url: handle.url, documentId: handle.documentId, onPage: true };
  }
  const { documentId } = parseAutomergeUrl(generateAutomergeUrl());
  // marked first, as the repo's own saves are: content written but not marked would never be uploaded
  storage.markUnsynced(documentId);
  await storage.putSnapshot(documentId, built.name, built.bytes);
  return { url: stringifyAutomergeUrl({ documentId }), documentId, onPage: false };
}

/**
 * Builds in the knowledge document worker, started on first use and ended when it has nothing
 * left to build (Automerge's memory in it only grows). Rejects when the worker cannot start,
 * fails to load or fails to build.
 */
export const workerBuild: BuildKnowledge = (file, wholeDocument, createdAt) =>
  new Promise<BuiltKnowledge>((resolve, reject) => {
    const w = (current ??= startWorker());
    const id = nextId++;
    w.waiting.set(id, { resolve, reject });
    w.worker.postMessage({ id, file, wholeDocument, createdAt } satisfies BuildRequest);
  });

interface RunningWorker {
  worker: Worker;
  waiting: Map<number, { resolve: (b: BuiltKnowledge) => void; reject: (e: Error) => void }>;
}

let current: RunningWorker | null = null;
let nextId = 1;

function startWorker(): RunningWorker {
  const worker = new Worker(new URL('./knowledge-doc.worker.ts', import.meta.url), { type: 'module', name: 'knowledge-doc' });
  const running: RunningWorker = { worker, waiting: new Map() };
  const stop = () => {
    if (current === running) current = null;
    worker.terminate();
  };
  const fail = (reason: string) => {
    stop();
    for (const p of running.waiting.values()) p.reject(new Error(reason));
    running.waiting.clear();
  };
  worker.onmessage = (e: MessageEvent<BuildReply>) => {
    const r = e.data;
    const p = running.waiting.get(r.id);
    if (!p) return;
    running.waiting.delete(r.id);
    if (r.ok) p.resolve({ bytes: r.bytes, name: r.name });
    else p.reject(new Error(r.error));
    if (running.waiting.size === 0) stop();
  };
  worker.onerror = (e) => {
    e.preventDefault();
    fail(e.message || 'the document worker could not run');
  };
  worker.onmessageerror = () => fail('the document worker sent an unreadable reply');
  return running;
}
