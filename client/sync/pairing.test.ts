import { describe, expect, it } from 'vitest';
import { encodeKey, newWorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { readAccountBody, type AccountInfo } from './account-api.ts';
import { planPairing } from './pair-device.ts';
import { makePairingLink, parsePairingLink } from './pairing-link.ts';

const ORIGIN = 'http://192.168.1.20:3030';
const RELAY = 'ws://192.168.1.20:3030/sync';
const WS = 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ';

describe('pairing links', () => {
  it('carry the workspace key in the fragment only, and read back the same key', () => {
    const key = newWorkspaceKey();
    const link = makePairingLink(ORIGIN, { relay: RELAY, token: 'tok', workspace: WS, key });
    const url = new URL(link);
    expect(url.search).toBe('');
    expect(url.pathname).toBe('/pair');
    expect(url.hash).toContain(`key=${encodeKey(key)}`);
    const parsed = parsePairingLink(link);
    expect(parsed.ok && parsed.info.key?.keyId).toBe(key.keyId);
    expect(parsed.ok && parsed.info).toMatchObject({ relay: RELAY, token: 'tok', workspace: WS });
  });

  it('without a key still parse (a token-only link), with key null', () => {
    const parsed = parsePairingLink(`${ORIGIN}/pair#relay=${encodeURIComponent(RELAY)}&token=tok`);
    expect(parsed).toEqual({ ok: true, info: { relay: RELAY, token: 'tok', workspace: null, key: null } });
  });

  it('with a damaged key are refused as a bad key, not read as keyless', () => {
    const key = encodeKey(newWorkspaceKey());
    for (const bad of [key.slice(0, 42), `${key}A`, `${key.slice(0, 42)}!`, '']) {
      const parsed = parsePairingLink(`${ORIGIN}/pair#relay=${encodeURIComponent(RELAY)}&token=tok&key=${encodeURIComponent(bad)}`);
      expect(parsed).toEqual({ ok: false, problem: 'bad-key' });
    }
  });

  it('without a relay or a token are not links', () => {
    expect(parsePairingLink('hello')).toEqual({ ok: false, problem: 'not-a-link' });
    expect(parsePairingLink(`#relay=${encodeURIComponent(RELAY)}`)).toEqual({ ok: false, problem: 'not-a-link' });
  });
});

describe("the relay's account answer", () => {
  it('reads a claimed account, a fresh one, and one from a relay that sends no key id', () => {
    const keyId = newWorkspaceKey().keyId;
    expect(readAccountBody({ name: 'me', workspaceUrl: WS, keyId })).toEqual({ name: 'me', workspaceUrl: WS, keyId });
    expect(readAccountBody({ name: 'me', workspaceUrl: null, keyId: null })).toEqual({ name: 'me', workspaceUrl: null, keyId: null });
    expect(readAccountBody({ name: 'me', workspaceUrl: WS })).toEqual({ name: 'me', workspaceUrl: WS, keyId: null });
    expect(readAccountBody({ name: 'me', workspaceUrl: '', keyId: null })).toEqual({ name: 'me', workspaceUrl: null, keyId: null });
  });

  it('refuses answers that are not an account', () => {
    expect(readAccountBody({ name: 'me', workspaceUrl: 'https://elsewhere', keyId: null })).toBeNull();
    expect(readAccountBody({ name: 'me', workspaceUrl: WS, keyId: 'not-hex' })).toBeNull();
    expect(readAccountBody({ workspaceUrl: WS })).toBeNull();
    expect(readAccountBody('me')).toBeNull();
  });
});

describe('pairing plan', () => {
  const key = newWorkspaceKey();
  const other = newWorkspaceKey();
  const claimed: AccountInfo = { name: 'me', workspaceUrl: WS, keyId: key.keyId };
  const fresh: AccountInfo = { name: 'me', workspaceUrl: null, keyId: null };

  it("joins an encrypted account only with its key: the link's, or else this device's own", () => {
    expect(planPairing(claimed, { key, workspace: WS }, null)).toEqual({ kind: 'join', workspace: WS, key });
    expect(planPairing(claimed, { key: null, workspace: null }, key)).toEqual({ kind: 'join', workspace: WS, key });
  });

  it('refuses an encrypted account with another key, or with none', () => {
    expect(planPairing(claimed, { key: other, workspace: WS }, null)).toEqual({ kind: 'refuse' });
    expect(planPairing(claimed, { key: null, workspace: null }, null)).toEqual({ kind: 'refuse' });
    expect(planPairing(claimed, { key: null, workspace: null }, other)).toEqual({ kind: 'refuse' });
    // a link with another key is a wrong link even when this device holds the right key
    expect(planPairing(claimed, { key: other, workspace: WS }, key)).toEqual({ kind: 'refuse' });
  });

  it("keeps this device's workspace and key for a fresh account (its key claims it)", () => {
    expect(planPairing(fresh, { key: null, workspace: null }, null)).toEqual({ kind: 'keep', key: null });
    expect(planPairing(fresh, { key: null, workspace: null }, other)).toEqual({ kind: 'keep', key: null });
  });

  it("joins the linking device's workspace and key when its link reaches the account before its claim", () => {
    expect(planPairing(fresh, { key, workspace: WS }, other)).toEqual({ kind: 'join', workspace: WS, key });
  });

  it("joins an unclaimed account's existing workspace (an account synced by the previous relay)", () => {
    expect(planPairing({ name: 'me', workspaceUrl: WS, keyId: null }, { key: null, workspace: null }, null)).toEqual({ kind: 'join', workspace: WS, key: null });
  });
});
