import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { encodeKey, type WorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { mergeWorkspaceInto, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DeviceSettingsStore } from '../repo/device-settings.ts';
import { openDoc, type Opened } from '../repo/open-doc.ts';
import { fetchAccount, type AccountInfo } from './account-api.ts';
import type { PairingInfo } from './pairing-link.ts';
import { deviceWorkspaceKey, ensureWorkspaceKey } from './workspace-key.ts';

export type PairResult =
  | { ok: true }
  | {
      ok: false;
      /** key-mismatch: the account is encrypted and neither the link nor this device holds its key */
      reason: 'refused' | 'unreachable' | 'bad-response' | 'timeout' | 'key-mismatch';
    };

/**
 * What pairing will do, decided before anything on the device changes.
 *  refuse  the account has a key and the key at hand is not it (the link's, or else this device's own)
 *  keep    no shared workspace to join yet (a fresh account): this device keeps its workspace
 *          and its key (`key`, or one it holds or makes); the sync engine then claims the account
 *  join    join `workspace` (found once the engine downloads it) with `key` (null: this device's
 *          own or a new one, for an account no device has claimed yet), merging this device's
 *          own workspace into it
 */
export type PairingPlan =
  | { kind: 'refuse' }
  | { kind: 'keep'; key: WorkspaceKey | null }
  | { kind: 'join'; workspace: string; key: WorkspaceKey | null };

export function planPairing(account: AccountInfo, link: Pick<PairingInfo, 'key' | 'workspace'>, deviceKey: WorkspaceKey | null): PairingPlan {
  // A link that carries a key speaks for itself: one with another key is a wrong link, even when
  // this device happens to hold the right key.
  const key = link.key ?? (account.keyId === null ? null : deviceKey);
  if (account.keyId !== null && key?.keyId !== account.keyId) return { kind: 'refuse' };
  // An account not yet claimed, paired from a link of a device that will claim it: that device's
  // workspace (and key) is the one to join, so both devices end up with one key and one workspace.
  const workspace = account.workspaceUrl ?? (link.key ? link.workspace : null);
  return workspace ? { kind: 'join', workspace, key } : { kind: 'keep', key };
}

/** How long the shared workspace is waited for while nothing moves (the sync neither changes state nor stores more). */
const FIND_TIMEOUT_MS = 20_000;
const FIND_POLL_MS = 500;

/**
 * Waits for a document that the sync is downloading: `open` until it opens, gives up once
 * `quietMs` passed with `progress` (anything that changes while the sync makes headway: its state
 * and the entries stored so far) unchanged. A slow device with a large workspace keeps waiting as
 * long as the download moves. Null when it never came, or came unreadable.
 */
export async function waitWhileSyncMoves<T>(
  open: () => Promise<Opened<T>>,
  progress: () => unknown,
  { quietMs = FIND_TIMEOUT_MS, pollMs = FIND_POLL_MS }: { quietMs?: number; pollMs?: number } = {},
): Promise<DocHandle<T> | null> {
  let seen = progress();
  let deadline = Date.now() + quietMs;
  while (Date.now() < deadline) {
    const opened = await open();
    if (opened.status === 'ok') return opened.handle;
    if (opened.status === 'invalid' || opened.status === 'newer') return null;
    await new Promise((r) => setTimeout(r, pollMs));
    const now = progress();
    if (now !== seen) {
      seen = now;
      deadline = Date.now() + quietMs;
    }
  }
  return null;
}

/**
 * Joins this device to the account behind the token. The key is settled first (refused: nothing
 * on the device changes); then the device links to the relay, fetches the account's workspace,
 * copies into it whatever this device made before pairing, and makes it this device's workspace.
 * If the workspace never arrives, the device is left as it was (relay link and key).
 */
export async function pairDevice(repo: Repo, device: DeviceSettingsStore, info: PairingInfo, progress: () => unknown = () => null): Promise<PairResult> {
  const check = await fetchAccount(info.relay, info.token);
  if (!check.ok) return check;
  const plan = planPairing(check.account, info, deviceWorkspaceKey(device.reread()));
  if (plan.kind === 'refuse') return { ok: false, reason: 'key-mismatch' };

  const previousRelay = device.settings.relay;
  const previousKey = device.settings.workspaceKey;
  // The key goes in before the relay link, so the engine never talks to the account without it.
  if (plan.key) device.update({ workspaceKey: encodeKey(plan.key) });
  else await ensureWorkspaceKey(device);
  device.update({ relay: { url: info.relay, token: info.token } });
  if (plan.kind === 'keep') return { ok: true };

  const localUrl = device.settings.workspaceUrl;
  if (localUrl === plan.workspace) return { ok: true };
  const shared = await waitWhileSyncMoves(() => openDoc<WorkspaceDoc>(repo, plan.workspace, 'atelier/workspace'), progress);
  if (!shared) {
    // Leave the device as it was: unpaired (or paired as before), its own workspace untouched.
    // A key this device held or made stays: the engine may have claimed the account with it
    // meanwhile, and a held key harms nothing. A link's key goes back to what was there.
    device.update(plan.key ? { relay: previousRelay, workspaceKey: previousKey } : { relay: previousRelay });
    return { ok: false, reason: 'timeout' };
  }
  if (localUrl) {
    const local = await openDoc<WorkspaceDoc>(repo, localUrl, 'atelier/workspace');
    if (local.status === 'ok') {
      const source = local.handle.doc();
      shared.change((d) => {
        mergeWorkspaceInto(d, source);
      });
    }
  }
  device.update({ workspaceUrl: plan.workspace as AutomergeUrl });
  return { ok: true };
}
