import { describe, expect, it } from 'vitest';
import { createSyncLedger, relayLinkKey, type LedgerStore } from './sync-ledger.ts';

function memoryStore(): LedgerStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

describe('sync ledger', () => {
  it('remembers unsynced documents and per-relay state across restarts', () => {
    const store = memoryStore();
    const a = createSyncLedger(store);
    const link = relayLinkKey('ws://relay/sync', 'token-1');
    a.markUnsynced('doc1');
    a.markUnsynced('doc2');
    a.markSynced('doc1');
    a.setBundleAt(link, 1234);
    a.setFullPushDone(link);
    const b = createSyncLedger(store);
    expect(b.isUnsynced('doc1')).toBe(false);
    expect(b.isUnsynced('doc2')).toBe(true);
    expect(b.unsyncedCount()).toBe(1);
    expect(b.bundleAt(link)).toBe(1234);
    expect(b.fullPushDone(link)).toBe(true);
  });

  it('another relay or token starts from nothing; the token is not stored', () => {
    const store = memoryStore();
    const ledger = createSyncLedger(store);
    const one = relayLinkKey('ws://relay/sync', 'secret-token-1');
    ledger.setFullPushDone(one);
    expect(ledger.fullPushDone(relayLinkKey('ws://relay/sync', 'secret-token-2'))).toBe(false);
    expect(ledger.bundleAt(relayLinkKey('ws://other/sync', 'secret-token-1'))).toBeNull();
    expect([...store.map.values()].join()).not.toContain('secret-token');
  });

  it('a damaged ledger counts as none (everything is offered again), and no storage still works', () => {
    const store = memoryStore();
    store.map.set('atelier.sync-ledger', '{"v":1,"unsynced":"oops"');
    const ledger = createSyncLedger(store);
    expect(ledger.unsyncedCount()).toBe(0);
    expect(ledger.fullPushDone(relayLinkKey('ws://r/sync', 't'))).toBe(false);
    const none = createSyncLedger(undefined);
    none.markUnsynced('x');
    expect(none.isUnsynced('x')).toBe(true);
  });
});
