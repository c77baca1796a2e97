import { relayHttpBase } from '../repo/relay-url.ts';

export interface AccountInfo {
  name: string;
  workspaceUrl: string;
}

export type AccountCheck =
  | { ok: true; account: AccountInfo }
  | { ok: false; reason: 'refused' | 'unreachable' | 'bad-response' };

/** Asks the relay which account a token belongs to (and so which workspace to join). */
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
  try {
    const body: unknown = await res.json();
    const b = body as Partial<AccountInfo>;
    if (typeof b.name === 'string' && typeof b.workspaceUrl === 'string') {
      return { ok: true, account: { name: b.name, workspaceUrl: b.workspaceUrl } };
    }
  } catch {
    /* fall through */
  }
  return { ok: false, reason: 'bad-response' };
}
