import * as v from 'valibot';
import { relayHttpBase } from '../repo/relay-url.ts';

export interface AccountInfo {
  name: string;
  /** the account's workspace document; null for a fresh account no device has claimed yet */
  workspaceUrl: string | null;
  /** key id of the account's end-to-end key (shared/sync/chunk-crypto.ts); null until a device claims it */
  keyId: string | null;
}

export type AccountCheck =
  | { ok: true; account: AccountInfo }
  | { ok: false; reason: 'refused' | 'unreachable' | 'bad-response' };

const AccountBody = v.object({
  name: v.string(),
  // Unclaimed: null (an empty string from a relay that keeps the field a string reads the same).
  workspaceUrl: v.pipe(
    v.nullable(v.string()),
    v.transform((url) => url || null),
    v.nullable(v.pipe(v.string(), v.startsWith('automerge:'))),
  ),
  // A relay of the previous version does not send keyId: its accounts have no key yet.
  keyId: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/))), null),
});

/** The account a response body describes, or null when it is not one. */
export function readAccountBody(body: unknown): AccountInfo | null {
  const parsed = v.safeParse(AccountBody, body);
  return parsed.success ? parsed.output : null;
}

/** Asks the relay which account a token belongs to (its workspace, and the key id its devices share). */
export async function fetchAccount(relayWsUrl: string, token: string, signal?: AbortSignal): Promise<AccountCheck> {
  let res: Response;
  try {
    res = await fetch(`${relayHttpBase(relayWsUrl)}/api/account`, {
      headers: { Authorization: `Bearer ${token}` },
      cache: 'no-store',
      signal,
    });
  } catch {
    return { ok: false, reason: 'unreachable' };
  }
  if (res.status === 401 || res.status === 403) return { ok: false, reason: 'refused' };
  if (!res.ok) return { ok: false, reason: 'bad-response' };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, reason: 'bad-response' };
  }
  const account = readAccountBody(body);
  return account ? { ok: true, account } : { ok: false, reason: 'bad-response' };
}
