import { decodeKey, encodeKey, type WorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { normaliseRelayUrl } from '../repo/relay-url.ts';

export interface PairingInfo {
  relay: string;
  token: string;
  workspace: string | null;
  /** the workspace's end-to-end key, when the link carries it (links made by a paired device do) */
  key: WorkspaceKey | null;
}

/** Why a text is not a pairing link this device can use. */
export type PairingLinkProblem = 'not-a-link' | 'bad-key';

export type ParsedPairingLink = { ok: true; info: PairingInfo } | { ok: false; problem: PairingLinkProblem };

/**
 * Pairing links carry everything in the fragment (`/pair#relay=…&token=…&key=…&workspace=…`):
 * browsers never send a fragment to a server, so neither the token nor the key reaches a log,
 * and the key never reaches the relay. The QR code encodes the same link.
 */
export function makePairingLink(appOrigin: string, info: PairingInfo): string {
  const p = new URLSearchParams({ relay: info.relay, token: info.token });
  if (info.key) p.set('key', encodeKey(info.key));
  if (info.workspace) p.set('workspace', info.workspace);
  return `${appOrigin}/pair#${p.toString()}`;
}

/**
 * Reads a pairing link (or its fragment alone). A link whose `key=` is present but not a
 * 32-byte base64url key is refused as a whole ('bad-key'): pairing on without it would leave
 * the device unable to read the account, and guessing at a truncated key helps nobody.
 */
export function parsePairingLink(input: string): ParsedPairingLink {
  const text = input.trim();
  const hashAt = text.indexOf('#');
  const fragment = hashAt >= 0 ? text.slice(hashAt + 1) : text;
  const p = new URLSearchParams(fragment);
  const relay = normaliseRelayUrl(p.get('relay') ?? '');
  const token = p.get('token')?.trim();
  if (!relay || !token) return { ok: false, problem: 'not-a-link' };
  const keyText = p.get('key');
  const key = keyText === null ? null : decodeKey(keyText);
  if (keyText !== null && !key) return { ok: false, problem: 'bad-key' };
  const workspace = p.get('workspace');
  return { ok: true, info: { relay, token, key, workspace: workspace?.startsWith('automerge:') ? workspace : null } };
}
