/**
 * The relay's small HTTP API:
 * - GET /healthz;
 * - GET /api/account: `{name, workspaceUrl, keyId}` for a device being paired (workspaceUrl and
 *   keyId are null until a first device claims the account);
 * - POST /api/bundle: a legacy account's readable documents of the previous relay, streamed from
 *   disk (bundle-api.ts), the read-only source a device moves them over from;
 * - POST /api/legacy/done: that device has re-uploaded everything encrypted (server/legacy.ts).
 * The token travels only in `Authorization: Bearer` (never in a URL: proxies log those). The
 * app may be served from another origin than the relay (e.g. `npm run dev`), so /api answers
 * CORS; it authenticates with a bearer token, not cookies, so `Access-Control-Allow-Origin: *`
 * exposes nothing to other sites. A refusal says why: 401 `{error}` with 'missing bearer
 * token', 'unknown token' or 'token revoked', or 429 + Retry-After (auth-gate.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountDocumentsDir, type AccountStore } from './accounts.ts';
import { clientAddress, type AuthGate } from './auth-gate.ts';
import { readBundleRequest, sendBundle } from './bundle-api.ts';

const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Expose-Headers': 'Retry-After, X-Bundle-Time',
  'Access-Control-Max-Age': '600',
};

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(text);
}

export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

export interface ApiOptions {
  /** Token checks, shared with /sync so failed attempts count together. */
  auth: AuthGate;
  trustProxy?: boolean;
  /** Where accounts' documents are stored (for /api/bundle). */
  dataDir: string;
  /** For POST /api/legacy/done. */
  accounts: AccountStore;
}

const ROUTES: Readonly<Record<string, string>> = { '/api/account': 'GET', '/api/bundle': 'POST', '/api/legacy/done': 'POST' };
/**
 * Bundles being sent per account at most: each reads the whole account from disk, and a
 * person has a few devices; more at once is a device stuck in a loop (or worse).
 */
export const MAX_BUNDLES_PER_ACCOUNT = 2;

/** Returns a handler that answers API routes and returns false for everything else. */
export function createApiHandler(opts: ApiOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const { auth, trustProxy = false, dataDir, accounts } = opts;
  const bundlesInFlight = new Map<string, number>();
  return async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://relay.invalid');

    if (pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'method not allowed' }, { Allow: 'GET, HEAD' });
      } else {
        sendJson(res, 200, { ok: true });
      }
      return true;
    }

    if (pathname !== '/api' && !pathname.startsWith('/api/')) return false;

    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS_HEADERS, 'Content-Length': '0' });
      res.end();
      return true;
    }
    const method = ROUTES[pathname];
    if (!method) {
      sendJson(res, 404, { error: 'not found' }, CORS_HEADERS);
      return true;
    }
    if (req.method !== method) {
      sendJson(res, 405, { error: 'method not allowed' }, { ...CORS_HEADERS, Allow: `${method}, OPTIONS` });
      return true;
    }
    const token = bearerToken(req.headers.authorization);
    const result = await auth.check(clientAddress(req, trustProxy), token);
    if (!result.ok) {
      const extra: Record<string, string> =
        result.status === 429 ? { 'Retry-After': String(result.retryAfterS ?? 60) } : { 'WWW-Authenticate': 'Bearer' };
      const error = result.reason === 'missing token' ? 'missing bearer token' : result.reason;
      sendJson(res, result.status, { error }, { ...CORS_HEADERS, ...extra });
      return true;
    }
    const { account } = result;
    if (pathname === '/api/bundle') {
      const inFlight = bundlesInFlight.get(account.id) ?? 0;
      if (inFlight >= MAX_BUNDLES_PER_ACCOUNT) {
        // The app then syncs over the WebSocket as it did before bundles existed.
        sendJson(res, 429, { error: 'too many bundles at once for this account' }, { ...CORS_HEADERS, 'Retry-After': '10' });
        return true;
      }
      bundlesInFlight.set(account.id, inFlight + 1);
      try {
        const body = await readBundleRequest(req);
        if (!body.ok) {
          sendJson(res, body.status, { error: body.error }, CORS_HEADERS);
          return true;
        }
        const workspaceId = account.workspaceUrl?.replace(/^automerge:/, '') ?? null;
        await sendBundle(res, accountDocumentsDir(dataDir, account.id), body, workspaceId, CORS_HEADERS);
      } finally {
        const left = (bundlesInFlight.get(account.id) ?? 1) - 1;
        if (left > 0) bundlesInFlight.set(account.id, left);
        else bundlesInFlight.delete(account.id);
      }
      return true;
    }
    if (pathname === '/api/legacy/done') {
      // Idempotent: a device retrying after a lost answer gets the same 200.
      const marked = await accounts.markLegacyDone(account.id);
      if (!marked) {
        sendJson(res, 401, { error: 'unknown token' }, { ...CORS_HEADERS, 'WWW-Authenticate': 'Bearer' });
        return true;
      }
      sendJson(res, 200, { legacy: false, doneAt: marked.legacyDoneAt }, CORS_HEADERS);
      return true;
    }
    // Unclaimed: both null (a device pairing without the account's key is told so before it changes anything).
    sendJson(res, 200, { name: account.name, workspaceUrl: account.workspaceUrl, keyId: account.keyId }, CORS_HEADERS);
    return true;
  };
}
