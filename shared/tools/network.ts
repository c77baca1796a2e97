/*
 * Network access for user code. A tool, filter or action runs in a sandbox frame whose
 * Content-Security-Policy (shared/tools/sandbox-host.ts) decides what it may reach: nothing
 * by default, or the origins the person granted to that tool (or any http(s) host). Only
 * well-formed origins ever reach the policy: the editor, the stored grant and connectSources
 * each pass them through normalizeOrigin, so no entry can widen it or inject a directive.
 */

/** What a tool may reach. Absent on a tool document = nothing. */
export interface NetworkGrant {
  /** any http(s)/ws(s) host */
  all: boolean;
  /** origins such as `https://api.example.com` (ignored when `all`) */
  origins: string[];
}

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

/**
 * The connect-src sources of a call with this grant: none, the granted origins (each passed
 * normalizeOrigin, so nothing in them means anything else in a policy), or any http(s)/ws(s) host.
 */
export function connectSources(grant: NetworkGrant | null | undefined): string[] {
  if (!grantsNetwork(grant)) return [];
  if (grant.all) return ['http:', 'https:', 'ws:', 'wss:'];
  return grant.origins.map(normalizeOrigin).filter((o): o is string => o !== null);
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
