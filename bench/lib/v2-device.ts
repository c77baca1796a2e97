/**
 * A device on the encrypted relay as the relay figures need it: real Automerge documents, each
 * edit uploaded as `A.saveSince` of the change, sealed with the workspace key (shared/sync/
 * chunk-crypto.ts) and put; every entry received is opened with the key and, when the device
 * has the document open, applied with `A.loadIncremental`. What the app's sync engine does
 * (docs/architecture.md), without IndexedDB.
 *
 * Compaction as the engine does it: once a document has more than COMPACT_AFTER chunks on the
 * relay and this device's last change is acknowledged, it puts `A.save(doc)` as a snapshot
 * covering the chunk ids it knows. A snapshot received from another device counts as covering
 * everything before it (entries do not carry their covers), so two devices do not both compact.
 */
import * as A from '@automerge/automerge';
import { generateAutomergeUrl } from '@automerge/automerge-repo';
import { newChunkId, openChunk, sealChunk, type WorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import type { LogEntry, PutResult, V2Client } from './v2-client.ts';

/** The engine's compaction threshold (chunks of one document on the relay). */
export const COMPACT_AFTER = 32;

/** A new document id, as automerge-repo makes them (the relay checks their shape). */
export function newDocId(): string {
  return generateAutomergeUrl().slice('automerge:'.length);
}

interface Held {
  doc: A.Doc<unknown>;
  /** chunk ids of this document believed live on the relay */
  chunks: string[];
  /** this device's puts of the document not answered yet: a snapshot covers only acknowledged chunks */
  inFlight: number;
  compacting: boolean;
}

/** Told after each entry of a watched document is applied; `openedAt` is when it was decrypted (performance.now()). */
export type EntryWatcher = (doc: A.Doc<unknown>, openedAt: number) => void;

export interface DeviceOptions {
  /** open every document an entry arrives for (a device syncing its whole workspace); default false: only documents opened with `open` */
  openAll?: boolean;
  /** every entry that opened, with its plaintext (a new device stores what it does not apply) */
  onOpened?: (entry: LogEntry, plain: Uint8Array) => void;
}

export class BenchDevice {
  readonly #docs = new Map<string, Held>();
  readonly #watchers = new Map<string, Set<EntryWatcher>>();
  readonly #openAll: boolean;
  readonly #onOpened: DeviceOptions['onOpened'];
  /** entries received, and those that did not open with the key (must stay 0) */
  received = 0;
  failed = 0;
  /** documents that had at least one entry opened */
  readonly seenDocs = new Set<string>();
  /** puts that failed (compaction's own, which nobody awaits) */
  putErrors = 0;

  constructor(
    readonly client: V2Client,
    readonly key: WorkspaceKey,
    opts: DeviceOptions = {},
  ) {
    this.#openAll = opts.openAll ?? false;
    this.#onOpened = opts.onOpened;
    client.onEntry((e) => this.#receive(e));
  }

  #receive(e: LogEntry): void {
    this.received++;
    const plain = openChunk(this.key, e.doc, e.chunk, e.kind, e.sealed);
    const openedAt = performance.now();
    if (!plain) {
      this.failed++;
      return;
    }
    this.seenDocs.add(e.doc);
    this.#onOpened?.(e, plain);
    let held = this.#docs.get(e.doc);
    if (!held && this.#openAll) this.#docs.set(e.doc, (held = { doc: A.init(), chunks: [], inFlight: 0, compacting: false }));
    if (!held) return;
    held.doc = A.loadIncremental(held.doc, plain);
    if (e.kind === 'snapshot') held.chunks = [e.chunk];
    else held.chunks.push(e.chunk);
    const ws = this.#watchers.get(e.doc);
    if (ws) for (const w of [...ws]) w(held.doc, openedAt);
  }

  /** Opens a document this device will receive (applies its entries from now on). */
  open(docId: string): void {
    if (!this.#docs.has(docId)) this.#docs.set(docId, { doc: A.init(), chunks: [], inFlight: 0, compacting: false });
  }

  doc<T>(docId: string): A.Doc<T> | undefined {
    return this.#docs.get(docId)?.doc as A.Doc<T> | undefined;
  }

  /** Calls `fn` after each entry of `docId` is applied; returns the unsubscribe. */
  watch(docId: string, fn: EntryWatcher): () => void {
    let set = this.#watchers.get(docId);
    if (!set) this.#watchers.set(docId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.#watchers.delete(docId);
    };
  }

  /** A new document, uploaded whole as a snapshot (first upload). */
  create<T extends Record<string, unknown>>(docId: string, initial: T): Promise<PutResult> {
    const doc = A.from(initial) as A.Doc<unknown>;
    const chunk = newChunkId();
    this.#docs.set(docId, { doc, chunks: [chunk], inFlight: 0, compacting: false });
    return this.client.put(docId, chunk, 'snapshot', sealChunk(this.key, docId, chunk, 'snapshot', A.save(doc)));
  }

  /** One edit: a real change, its bytes (`saveSince` the heads before it) sealed and put. Resolves on the ack. */
  change<T>(docId: string, fn: A.ChangeFn<T>): Promise<PutResult> {
    const held = this.#docs.get(docId);
    if (!held) throw new Error(`document ${docId} is not open on this device`);
    const before = A.getHeads(held.doc);
    held.doc = A.change(held.doc as A.Doc<T>, fn) as A.Doc<unknown>;
    const bytes = A.saveSince(held.doc, before);
    const chunk = newChunkId();
    held.chunks.push(chunk);
    held.inFlight++;
    const acked = this.client.put(docId, chunk, 'change', sealChunk(this.key, docId, chunk, 'change', bytes));
    void acked.then(
      () => {
        held.inFlight--;
        this.#maybeCompact(docId, held);
      },
      () => {
        held.inFlight--;
      },
    );
    return acked;
  }

  #maybeCompact(docId: string, held: Held): void {
    if (held.compacting || held.inFlight > 0 || held.chunks.length <= COMPACT_AFTER) return;
    held.compacting = true;
    const covers = [...held.chunks];
    const chunk = newChunkId();
    const sealed = sealChunk(this.key, docId, chunk, 'snapshot', A.save(held.doc));
    this.client.put(docId, chunk, 'snapshot', sealed, covers).then(
      () => {
        held.chunks = [chunk, ...held.chunks.filter((c) => !covers.includes(c))];
        held.compacting = false;
      },
      () => {
        this.putErrors++;
        held.compacting = false;
      },
    );
  }
}
