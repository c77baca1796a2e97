import { next as A } from '@automerge/automerge';
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { CLOSE, checkFrame } from './message-guard.ts';

const RELAY = 'relay-0123456789abcdef01234567';
const docId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
const [, syncData] = A.generateSyncMessage(A.from({ a: 1 }), A.initSyncState());
const enc = (v: unknown) => cbor.encode(v);

describe('checkFrame', () => {
  it('accepts a join and binds its peer id', () => {
    const v = checkFrame(enc({ type: 'join', senderId: 'phone-1', peerMetadata: {}, supportedProtocolVersions: ['1'] }), null, RELAY);
    expect(v).toMatchObject({ kind: 'join', peerId: 'phone-1' });
  });

  it('forwards well-formed repo messages from the joined peer', () => {
    for (const m of [
      { type: 'sync', senderId: 'p', targetId: RELAY, documentId: docId, data: syncData },
      { type: 'request', senderId: 'p', targetId: RELAY, documentId: docId, data: syncData },
      { type: 'ephemeral', senderId: 'p', targetId: RELAY, documentId: docId, sessionId: 's', count: 1, data: enc({ cursor: 3 }) },
      { type: 'doc-unavailable', senderId: 'p', targetId: RELAY, documentId: docId },
    ]) {
      expect(checkFrame(enc(m), 'p', RELAY).kind, m.type).toBe('forward');
    }
  });

  it('ignores message types the relay does not use', () => {
    expect(checkFrame(enc({ type: 'remote-subscription-change', senderId: 'p', targetId: RELAY }), 'p', RELAY).kind).toBe('ignore');
  });

  it.each([
    ['undecodable bytes', new Uint8Array([0xff, 0xff, 0xff])],
    ['a CBOR array', enc([1, 2])],
    ['a CBOR string', enc('join')],
    ['no type', enc({ senderId: 'p' })],
    ['no sender', enc({ type: 'sync' })],
  ])('rejects %s', (_label, bytes) => {
    expect(checkFrame(bytes, 'p', RELAY)).toMatchObject({ kind: 'reject', rejection: { code: CLOSE.policyViolation } });
  });

  it('rejects messages before join, after a second join, and under another sender id', () => {
    const sync = { type: 'sync', senderId: 'p', targetId: RELAY, documentId: docId, data: syncData };
    expect(checkFrame(enc(sync), null, RELAY).kind).toBe('reject');
    expect(checkFrame(enc({ ...sync, senderId: 'other' }), 'p', RELAY).kind).toBe('reject');
    expect(checkFrame(enc({ type: 'join', senderId: 'p' }), 'p', RELAY).kind).toBe('reject');
    expect(checkFrame(enc({ type: 'join', senderId: RELAY }), null, RELAY).kind).toBe('reject');
    expect(checkFrame(enc({ type: 'join', senderId: 'x'.repeat(200) }), null, RELAY).kind).toBe('reject');
  });

  it('rejects sync messages with bad fields', () => {
    const base = { type: 'sync', senderId: 'p', targetId: RELAY, documentId: docId, data: syncData };
    for (const bad of [
      { ...base, targetId: 'someone' },
      { ...base, documentId: 'nope' },
      { ...base, data: new Uint8Array([1, 2, 3]) },
      { ...base, data: new Uint8Array() },
      { ...base, data: 'str' },
    ]) {
      expect(checkFrame(enc(bad), 'p', RELAY).kind).toBe('reject');
    }
  });
});
