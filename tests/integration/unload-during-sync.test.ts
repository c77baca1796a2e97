/**
 * A document that exists on the relay's disk must never be answered as missing (or as an empty
 * document) because idle unloading picked it in the middle of a client's request.
 *
 * Between a request arriving and the relay's answer there is one more disk read: the sync state
 * the relay keeps for the client's storage id. Under load (the relay-memory benchmark: 10
 * clients asking for 20,000 documents at once) that read can take longer than the idle
 * threshold, and the sweep used to unload the document meanwhile; the answer was then computed
 * from the unloaded, empty handle, and the client never got the document. Here the read is held
 * back on purpose (a storage wrapper), so the window is wide open whatever the machine's speed.
 */
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { describe, expect, it } from 'vitest';
import { startRelay, type Relay } from '../../server/relay.ts';
import { connectClient, findOnRelay, sleep, tempDir, waitFor, waitForAck, type Client, cleanupAfterEach } from './helpers.ts';

const { cleanups, track } = cleanupAfterEach();
/** automerge-repo's default throttle for saving sync states (Repo `saveDebounceRate`). */
const SYNC_STATE_THROTTLE_MS = 100;

/** Holds back reads of sync states while armed; everything else goes straight through. */
class SyncStateGate implements StorageAdapterInterface {
  readonly #inner: StorageAdapterInterface;
  #armed = false;
  #release: Promise<void> = Promise.resolve();
  #open: () => void = () => {};
  held = 0;

  constructor(inner: StorageAdapterInterface) {
    this.#inner = inner;
  }

  arm(): void {
    this.#armed = true;
    this.#release = new Promise((resolve) => (this.#open = resolve));
  }

  open(): void {
    this.#armed = false;
    this.#open();
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    if (this.#armed && key[1] === 'sync-state') {
      this.held++;
      await this.#release;
    }
    return this.#inner.load(key);
  }

  save(key: StorageKey, data: Uint8Array): Promise<void> {
    return this.#inner.save(key, data);
  }

  remove(key: StorageKey): Promise<void> {
    return this.#inner.remove(key);
  }

  loadRange(prefix: StorageKey): Promise<Chunk[]> {
    return this.#inner.loadRange(prefix);
  }

  removeRange(prefix: StorageKey): Promise<void> {
    return this.#inner.removeRange(prefix);
  }
}

async function loaded(relay: Relay, accountId: string): Promise<number> {
  return (await relay.stats()).accounts.find((a) => a.accountId === accountId)?.loadedDocuments ?? 0;
}

interface Note {
  title: string;
  lines: string[];
}

describe('idle unloading never races a request', () => {
  it('answers a request with the stored document even when the sweep runs while its sync state loads', async () => {
    const tmp = tempDir('unload-race');
    cleanups.push(tmp.remove);
    const gates = new Map<string, SyncStateGate>();
    const relay = await startRelay({
      port: 0,
      host: '127.0.0.1',
      dataDir: tmp.dir,
      staticDir: null,
      log: () => {},
      // Documents idle for 100 ms go; nothing else would unload them during the test.
      idle: { documentMs: 100, accountMs: 60_000, maxLoadedDocuments: 0 },
      wrapStorage: (accountId, storage) => {
        const gate = new SyncStateGate(storage);
        gates.set(accountId, gate);
        return gate;
      },
    });
    cleanups.push(() => relay.close());
    const { account, token } = await relay.accounts.create('alice');

    // A device stores a few documents on the relay and leaves.
    const writer = track(connectClient(relay.url, token));
    await waitFor(() => writer.repo.peers.length > 0, 'the relay connection');
    const notes = Array.from({ length: 3 }, (_, i) => writer.repo.create<Note>({ title: `note ${i}`, lines: [`line of ${i}`] }));
    for (const h of notes) await waitForAck(writer, h);
    await writer.close();
    await waitFor(async () => (await loaded(relay, account.id)) === 0, 'the documents to be unloaded');

    // A second device (with storage of its own, hence a sync state on the relay) asks for them.
    const gate = gates.get(account.id)!;
    gate.arm();
    const storageDir = tempDir('unload-race-client');
    // Removed a moment after the reader closes (cleanups run last first): the repo writes sync
    // states on a throttle timer that shutdown() does not cancel, and a write into a removed
    // folder is an unhandled rejection in the library.
    cleanups.push(async () => {
      await sleep(SYNC_STATE_THROTTLE_MS * 3);
      storageDir.remove();
    });
    const reader = track(connectClient(relay.url, token, undefined, { storage: new NodeFSStorageAdapter(storageDir.dir) }));
    const found = notes.map((h) => findOnRelay<Note>(reader, h.url).then((r) => ({ ok: true as const, doc: r.doc() }), (err: unknown) => ({ ok: false as const, err })));
    // The relay has loaded the documents and is reading the reader's sync states...
    await waitFor(() => gate.held >= notes.length, 'the relay to load the sync states');
    expect(await loaded(relay, account.id)).toBe(notes.length);
    // ...for longer than the idle threshold, while the sweep runs.
    await sleep(300);
    await relay.sweep();
    gate.open();

    const results = await Promise.all(found); // a request never answered fails at the test timeout
    for (let i = 0; i < notes.length; i++) {
      const r = results[i]!;
      expect(r.ok ? r.doc : String(r.err)).toEqual({ title: `note ${i}`, lines: [`line of ${i}`] });
    }
  });
});
