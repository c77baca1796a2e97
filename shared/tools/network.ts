/*
 * Network access for user code. A tool, filter or action runs in a sandbox page
 * (/sandbox.html) whose Content-Security-Policy, sent by the relay, decides what it may
 * reach: nothing by default, or the origins the person granted to that tool (or any
 * http(s) host). The grant travels in the page's query (`?connect=`); the relay checks it
 * with `parseConnectParam` and refuses anything that is not a list of origins, so no
 * query can widen the policy beyond what it names, or inject a directive.
 */

/** What a tool may reach. Absent on a tool document = nothing. */
export interface NetworkGrant {
  /** any http(s)/ws(s) host */
  all: boolean;
  /** origins such as `https://api.example.com` (ignored when `all`) */
  origins: string[];
}

export const SANDBOX_PATH = '/sandbox.html';
const ALL = '*';

/** `https://host[:port]` exactly as the URL parser serializes it, or null. */
export function normalizeOrigin(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) return null;
  // The URL parser lets through host characters (`;`, `,`, `'`…) that mean something in a
  // policy header: only DNS names (IDNs arrive as punycode), IPv4 and [IPv6] pass.
  return SAFE_ORIGIN.test(u.origin) ? u.origin : null;
}

const SAFE_ORIGIN = /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

export type ParsedOrigins = { ok: true; grant: NetworkGrant } | { ok: false; bad: string } | { ok: false; empty: true };

/** The editor's text (one origin per line, or `*` for any) → a grant, or the first entry that is not an origin. */
export function parseOriginsText(text: string): ParsedOrigins {
  const entries = text.split(/[\s,]+/).filter((s) => s !== '');
  if (entries.length === 0) return { ok: false, empty: true };
  const origins: string[] = [];
  for (const e of entries) {
    if (e === ALL) continue;
    const o = normalizeOrigin(e);
    if (o === null) return { ok: false, bad: e };
    if (!origins.includes(o)) origins.push(o);
  }
  return { ok: true, grant: entries.includes(ALL) ? { all: true, origins: [] } : { all: false, origins } };
}

export function grantText(grant: NetworkGrant | null | undefined): string {
  if (!grant) return '';
  return grant.all ? ALL : grant.origins.join('\n');
}

/** True when the grant lets the code reach anything. */
export function grantsNetwork(grant: NetworkGrant | null | undefined): grant is NetworkGrant {
  return !!grant && (grant.all || grant.origins.length > 0);
}

/** The sandbox page's URL (path and query) for a call with this grant. */
export function sandboxPageUrl(grant: NetworkGrant | null | undefined): string {
  if (!grantsNetwork(grant)) return SANDBOX_PATH;
  return `${SANDBOX_PATH}?connect=${encodeURIComponent(grant.all ? ALL : grant.origins.join(' '))}`;
}

/** `?connect=` → the connect-src sources; null when the parameter is present but not a valid list. */
export function parseConnectParam(value: string | null): string[] | null {
  if (value === null) return [];
  if (value === ALL) return ['http:', 'https:', 'ws:', 'wss:'];
  const parts = value.split(' ');
  const out: string[] = [];
  for (const p of parts) {
    const o = normalizeOrigin(p);
    // exact form only: what sandboxPageUrl writes, nothing the parser had to repair
    if (o === null || o !== p) return null;
    out.push(o);
  }
  return out.length > 0 ? out : null;
}

/**
 * The sandbox page's policy. `sandbox allow-scripts` gives the page an opaque origin even when
 * it is opened directly (no cookies, no IndexedDB or localStorage of the app); the worker it
 * starts from a blob: URL inherits this policy, so `connect-src` governs fetch, XMLHttpRequest,
 * WebSocket, EventSource and sendBeacon of the user's code; only the app may frame it.
 */
export function sandboxPolicy(connect: readonly string[]): string {
  return [
    'sandbox allow-scripts',
    "default-src 'none'",
    "script-src 'self' blob:",
    'worker-src blob:',
    `connect-src ${connect.length > 0 ? connect.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * A grant as stored on a tool document (synced, so possibly written by another version):
 * anything malformed means no network, and only well-formed origins are kept.
 */
export function storedGrant(x: unknown): NetworkGrant | null {
  if (typeof x !== 'object' || x === null) return null;
  const g = x as { all?: unknown; origins?: unknown };
  if (g.all === true) return { all: true, origins: [] };
  if (!Array.isArray(g.origins)) return null;
  const origins = g.origins.map((o) => (typeof o === 'string' ? normalizeOrigin(o) : null)).filter((o): o is string => o !== null);
  return origins.length > 0 ? { all: false, origins } : null;
}
