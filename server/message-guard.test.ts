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

  it("drops (without rejecting) another peer's ephemeral messages echoed back by a client", () => {
    const echo = { type: 'ephemeral', senderId: 'other-device', targetId: RELAY, documentId: docId, sessionId: 's', count: 2, data: enc({ cursor: 3 }) };
    expect(checkFrame(enc(echo), 'p', RELAY).kind).toBe('ignore');
    // but a sync under another sender id is still impersonation
    expect(checkFrame(enc({ ...echo, type: 'sync', data: syncData }), 'p', RELAY).kind).toBe('reject');
  });

  it('checks the storage id a join announces (it names a file on the relay)', () => {
    const join = (peerMetadata: unknown) => checkFrame(enc({ type: 'join', senderId: 'p', peerMetadata }), null, RELAY).kind;
    expect(join({ storageId: '3f2c9b4e-0a7d-4c1e-9f00-1b2c3d4e5f60', isEphemeral: false })).toBe('join');
    expect(join({ isEphemeral: true })).toBe('join');
    for (const bad of [{ storageId: '../../x' }, { storageId: 5 }, { storageId: 'x'.repeat(65) }, { storageId: '' }, { isEphemeral: 'no' }]) {
      expect(join(bad), JSON.stringify(bad)).toBe('reject');
    }
  });
});
