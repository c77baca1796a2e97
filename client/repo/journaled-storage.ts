import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import { isChunkKey } from '../../shared/sync/chunk-key.ts';

/*
 * The journal uses localStorage directly, not client/device/persisted.ts: it is a write-ahead log
 * of binary chunks under one key per write in flight (enumerated at the next start, replayed, then
 * removed), not one validated value merged over the freshest copy and followed across tabs.
 * Its failures still reach the person: through `ContentWriteObserver.failed`, per document.
 */

/** The synchronous part of `Storage` (localStorage) the journal needs; injectable for tests. */
export type JournalStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const PREFIX = 'atelier:journal:';

/**
 * Told the outcome of every write of a document's content: to IndexedDB, to the journal at
 * `pagehide`, and of a journaled copy replayed at the next start.
 */
export interface ContentWriteObserver {
  written(documentId: string): void;
  failed(documentId: string, err: unknown): void;
}

interface Pending {
  key: StorageKey;
  data: Uint8Array;
}

function encode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const entryName = (key: StorageKey) => PREFIX + JSON.stringify(key);

/**
 * Storage that survives the page being closed mid-write.
 *
 * Chromium aborts IndexedDB transactions that have not committed when a page unloads, so an
 * edit made a moment before a reload or a tab close was lost (the repo writes ~100 ms after a
 * change, and `repo.flush()` at `pagehide` cannot finish). This wrapper remembers every write
 * still in flight; `journal()` — called synchronously at `pagehide` right after `repo.flush()`
 * has handed the latest changes to `save()` — copies them into localStorage, whose writes are
 * synchronous. The next start replays the copies into IndexedDB under the very keys the repo
 * chose, before the repo reads anything, so storage ends up as if the writes had finished.
 * Replaying twice is harmless: same key, same bytes.
 */
export class JournaledStorage implements StorageAdapterInterface {
  readonly #inner: StorageAdapterInterface;
  readonly #store: JournalStore | undefined;
  readonly #pending = new Map<string, Pending>();
  readonly #ready: Promise<void>;

  readonly #onContentSaved: ((documentId: string) => void) | undefined;
  readonly #onContentWritten: ContentWriteObserver | undefined;

  /**
   * `onContentSaved` is told, before the write, each time a document's content (not its sync
   * state) is saved; `onContentWritten` after it, with the error if the write failed (the repo's
   * own debounced saves have no caller that would see it).
   */
  constructor(
    inner: StorageAdapterInterface,
    store: JournalStore | undefined,
    onContentSaved?: (documentId: string) => void,
    onContentWritten?: ContentWriteObserver,
  ) {
    this.#inner = inner;
    this.#store = store;
    this.#onContentSaved = onContentSaved;
    this.#onContentWritten = onContentWritten;
    this.#ready = this.#replay();
  }

  /** Writes of the previous session that were journaled, once replayed (for tests). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  async #replay(): Promise<void> {
    const store = this.#store;
    if (!store) return;
    const names: string[] = [];
    for (let i = 0; i < store.length; i++) {
      const name = store.key(i);
      if (name?.startsWith(PREFIX)) names.push(name);
    }
    for (const name of names) {
      let key: StorageKey;
      let data: Uint8Array | undefined;
      try {
        key = JSON.parse(name.slice(PREFIX.length)) as StorageKey;
        const value = store.getItem(name);
        data = value === null ? undefined : decode(value);
      } catch (err) {
        // A damaged entry (not ours to read) must not stop the app from starting; the rest still replays.
        console.warn(`Atelier: unreadable journal entry ${name} dropped`, err);
        store.removeItem(name);
        continue;
      }
      try {
        if (data) await this.#inner.save(key, data);
        store.removeItem(name);
      } catch (err) {
        // IndexedDB refused the copy: it stays in the journal for the next start, and the person is told.
        if (isChunkKey(key)) this.#onContentWritten?.failed(String(key[0]), err);
        else console.error(`Atelier: journaled write ${name} not replayed`, err);
      }
    }
  }

  /** Copies every write not yet committed into the journal. Synchronous: safe at `pagehide`. */
  journal(): number {
    const store = this.#store;
    if (!store) return 0;
    let written = 0;
    for (const [name, { key, data }] of this.#pending) {
      try {
        store.setItem(name, encode(data));
        written++;
      } catch (err) {
        // Quota: keep going, smaller entries may still fit. This write now lives only in the
        // IndexedDB transaction the unload may abort: said until a later write of the document succeeds.
        if (isChunkKey(key)) this.#onContentWritten?.failed(String(key[0]), err);
        else console.error(`Atelier: ${name} could not be journaled`, err);
      }
    }
    return written;
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    await this.#ready;
    return this.#inner.load(key);
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    // Sync state is re-derived on the next connection: not worth journaling.
    const name = key[1] === 'sync-state' ? null : entryName(key);
    if (name) this.#pending.set(name, { key, data });
    const content = isChunkKey(key);
    if (content) this.#onContentSaved?.(String(key[0]));
    try {
      await this.#ready;
      await this.#inner.save(key, data);
      if (content) this.#onContentWritten?.written(String(key[0]));
      if (name) {
        // Committed: the journal copy (if `pagehide` fired but the page lived on) is not needed.
        if (this.#pending.get(name)?.data === data) this.#pending.delete(name);
        this.#store?.removeItem(name);
      }
    } catch (err) {
      if (name && this.#pending.get(name)?.data === data) this.#pending.delete(name);
      if (content) this.#onContentWritten?.failed(String(key[0]), err);
      throw err;
    }
  }

  async remove(key: StorageKey): Promise<void> {
    await this.#ready;
    // a chunk compacted away must not come back from the journal at the next start
    const name = entryName(key);
    this.#pending.delete(name);
    this.#store?.removeItem(name);
    return this.#inner.remove(key);
  }

  async loadRange(keyPrefix: StorageKey): Promise<Chunk[]> {
    await this.#ready;
    return this.#inner.loadRange(keyPrefix);
  }

  async removeRange(keyPrefix: StorageKey): Promise<void> {
    await this.#ready;
    const prefix = JSON.stringify(keyPrefix).slice(0, -1);
    for (const name of [...this.#pending.keys()]) {
      if (!name.slice(PREFIX.length).startsWith(prefix)) continue;
      this.#pending.delete(name);
      this.#store?.removeItem(name);
    }
    return this.#inner.removeRange(keyPrefix);
  }
}
