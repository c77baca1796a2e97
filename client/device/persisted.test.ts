import { afterEach, describe, expect, it, vi } from 'vitest';
import * as v from 'valibot';
import { makePersisted, validItems, type StorageLike } from './persisted.ts';
import { deviceStorageProblems, dismissDeviceStorageProblems } from './storage-problems.ts';

/** One browser profile's localStorage as far as these stores use it (Node has none). */
function memoryStorage(): StorageLike & { map: Map<string, string>; failWith: DOMException | null } {
  const map = new Map<string, string>();
  const s = {
    map,
    failWith: null as DOMException | null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, value: string) => {
      if (s.failWith) throw s.failWith;
      map.set(k, value);
    },
    removeItem: (k: string) => void map.delete(k),
  };
  return s;
}

const Item = v.object({ name: v.string(), size: v.number() });
const list = (storage: StorageLike, keepInvalid = false) =>
  makePersisted({ key: 'test.list', what: 'knownModels', schema: v.array(Item), fallback: () => [], salvage: validItems(Item), keepInvalid, storage: () => storage });

afterEach(() => {
  dismissDeviceStorageProblems();
  vi.unstubAllGlobals();
});

describe('a persisted device store', () => {
  it('keeps the items of an old-shaped value that still validate, and falls back on text that is not JSON', () => {
    const storage = memoryStorage();
    storage.map.set('test.list', JSON.stringify([{ name: 'a', size: 1 }, { name: 'b' }, 'junk', { name: 'c', size: 3 }]));
    expect(list(storage).read()).toEqual([{ name: 'a', size: 1 }, { name: 'c', size: 3 }]);
    storage.map.set('test.list', '[{"name":"a",');
    expect(list(storage).read()).toEqual([]);
    // a cache: nothing to tell the person
    expect(deviceStorageProblems()).toEqual([]);
  });

  it("keeps an invalid value of the person's data aside, once, and reports it", () => {
    const storage = memoryStorage();
    storage.map.set('test.list', '{"oops":');
    expect(list(storage, true).read()).toEqual([]);
    storage.map.set('test.list', '[1]');
    list(storage, true).read();
    expect(storage.map.get('test.list.unreadable')).toBe('{"oops":');
    expect(deviceStorageProblems()).toEqual([{ key: 'test.list', what: 'knownModels', kind: 'unreadable', keptAt: 'test.list.unreadable' }]);
  });

  it('reports a refused write with its kind, and forgets it once a write succeeds', () => {
    const storage = memoryStorage();
    const store = list(storage);
    storage.failWith = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    expect(store.write([{ name: 'a', size: 1 }])).toBe(false);
    expect(deviceStorageProblems()).toMatchObject([{ key: 'test.list', kind: 'unwritable', failure: { kind: 'quota', detail: 'The quota has been exceeded.' } }]);
    storage.failWith = null;
    expect(store.write([{ name: 'a', size: 1 }])).toBe(true);
    expect(deviceStorageProblems()).toEqual([]);
  });

  it('reports storage the browser does not give at all (private mode) on write, and reads the default', () => {
    const store = makePersisted({ key: 'test.text', what: 'language', schema: v.string(), fallback: () => 'none', text: true, storage: () => undefined });
    expect(store.read()).toBe('none');
    store.write('fr');
    expect(deviceStorageProblems()).toMatchObject([{ key: 'test.text', kind: 'unwritable', failure: { kind: 'refused' } }]);
  });

  it("updates from the freshest stored value, so a tab with an old view keeps another tab's write", () => {
    const storage = memoryStorage();
    const settings = (s: StorageLike) =>
      makePersisted({ key: 'test.settings', what: 'deviceSettings', schema: v.object({ relay: v.nullable(v.string()), endpoint: v.string() }), fallback: () => ({ relay: null, endpoint: 'default' }), storage: () => s });
    const staleTab = settings(storage);
    const seen = staleTab.read();
    settings(storage).update((fresh) => ({ ...fresh, relay: 'wss://paired' }));
    staleTab.update((fresh) => ({ ...fresh, endpoint: 'http://127.0.0.1:9' }));
    expect(seen.relay).toBeNull();
    expect(staleTab.read()).toEqual({ relay: 'wss://paired', endpoint: 'http://127.0.0.1:9' });
  });

  it("follows another tab's writes of its key (validated), and of a cleared storage, and only those", () => {
    const storage = memoryStorage();
    const win = new EventTarget();
    vi.stubGlobal('window', win);
    const seen: unknown[] = [];
    const stop = list(storage).follow((now, was) => seen.push({ now, was }));
    const fire = (key: string | null, oldValue: string | null, newValue: string | null, area: unknown = storage) =>
      win.dispatchEvent(Object.assign(new Event('storage'), { key, oldValue, newValue, storageArea: area }));
    fire('test.list', null, JSON.stringify([{ name: 'a', size: 1 }, { name: 'bad' }]));
    fire('other.key', null, '[]');
    fire('test.list', null, '[]', memoryStorage());
    fire(null, null, null);
    stop();
    fire('test.list', null, '[]');
    expect(seen).toEqual([
      { now: [{ name: 'a', size: 1 }], was: [] },
      { now: [], was: [] },
    ]);
  });
});
