/** Conversions between the relay's WebSocket endpoint and its HTTP base. */
export function relayHttpBase(wsUrl: string): string {
  const u = new URL(wsUrl);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '';
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/$/, '');
}

/** The relay serving this page, as a WebSocket URL (the usual case: the app comes from the relay). */
export function sameOriginRelay(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/sync`;
}

/** Accepts ws(s):// or http(s):// addresses and returns the ws(s)://…/sync endpoint, or null. */
export function normaliseRelayUrl(input: string): string | null {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    return null;
  }
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol !== 'ws:' && u.protocol !== 'wss:') return null;
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/sync';
  u.search = '';
  u.hash = '';
  return u.toString();
}
