import { normaliseRelayUrl } from '../repo/relay-url.ts';

export interface PairingInfo {
  relay: string;
  token: string;
  workspace: string | null;
}

/**
 * Pairing links carry everything in the fragment (`/pair#relay=…&token=…&workspace=…`)
 * so the token never reaches any server log.
 */
export function makePairingLink(appOrigin: string, info: PairingInfo): string {
  const p = new URLSearchParams({ relay: info.relay, token: info.token });
  if (info.workspace) p.set('workspace', info.workspace);
  return `${appOrigin}/pair#${p.toString()}`;
}

export function parsePairingLink(input: string): PairingInfo | null {
  const text = input.trim();
  const hashAt = text.indexOf('#');
  const fragment = hashAt >= 0 ? text.slice(hashAt + 1) : text;
  const p = new URLSearchParams(fragment);
  const relay = normaliseRelayUrl(p.get('relay') ?? '');
  const token = p.get('token')?.trim();
  if (!relay || !token) return null;
  const workspace = p.get('workspace');
  return { relay, token, workspace: workspace?.startsWith('automerge:') ? workspace : null };
}
