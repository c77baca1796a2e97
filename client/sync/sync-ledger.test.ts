import { describe, expect, it } from 'vitest';
import { createSyncLedger, type LedgerStore } from './sync-ledger.ts';

function memoryStore(): LedgerStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

describe('sync ledger', () => {
  it('remembers unsynced documents across restarts', () => {
    const store = memoryStore();
    const a = createSyncLedger(store);
    a.markUnsynced('doc1');
    a.markUnsynced('doc2');
    a.markSynced('doc1');
    const b = createSyncLedger(store);
    expect(b.isUnsynced('doc1')).toBe(false);
    expect(b.isUnsynced('doc2')).toBe(true);
    expect(b.unsyncedIds()).toHaveLength(1);
    expect(b.unsyncedIds()).toEqual(['doc2']);
  });

  it('a damaged ledger counts as none (everything is offered again), and no storage still works', () => {
    const store = memoryStore();
    store.map.set('atelier.sync-ledger', '{"v":1,"unsynced":"oops"');
    const ledger = createSyncLedger(store);
    expect(ledger.unsyncedIds()).toEqual([]);
    const none = createSyncLedger(undefined);
    none.markUnsynced('x');
    expect(none.isUnsynced('x')).toBe(true);
  });
});
