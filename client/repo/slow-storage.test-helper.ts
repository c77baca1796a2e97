import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';

/**
 * Storage in memory whose loads of a document's chunks wait until `release()`: a busy IndexedDB
 * (a new device's bundle filling it), so a document's load ends after other things happened.
 */
export class SlowStorage implements StorageAdapterInterface {
  readonly data = new Map<string, { key: StorageKey; bytes: Uint8Array }>();
  /** resolves when a load of chunks has begun (the handle is then loading) */
  readonly loading: Promise<void>;
  readonly #gate: Promise<void>;
  #began!: () => void;
  release!: () => void;

  constructor() {
    this.#gate = new Promise((r) => (this.release = r));
    this.loading = new Promise((r) => (this.#began = r));
  }

  async load(key: StorageKey) {
    return this.data.get(key.join('/'))?.bytes;
  }
  async save(key: StorageKey, bytes: Uint8Array) {
    this.data.set(key.join('/'), { key, bytes });
  }
  async remove(key: StorageKey) {
    this.data.delete(key.join('/'));
  }
  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    if (prefix[1] === 'snapshot' || prefix[1] === 'incremental') {
      this.#began();
      await this.#gate;
    }
    return [...this.data.values()].filter(({ key }) => prefix.every((p, i) => key[i] === p)).map(({ key, bytes }) => ({ key, data: bytes }));
  }
  async removeRange(prefix: StorageKey) {
    for (const [k, { key }] of this.data) if (prefix.every((p, i) => key[i] === p)) this.data.delete(k);
  }
}
