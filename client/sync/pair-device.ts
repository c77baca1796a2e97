import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { mergeWorkspaceInto, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DeviceSettingsStore } from '../repo/device-settings.ts';
import { openDoc } from '../repo/open-doc.ts';
import { fetchAccount } from './account-api.ts';
import type { PairingInfo } from './pairing-link.ts';

export type PairResult = { ok: true } | { ok: false; reason: 'refused' | 'unreachable' | 'bad-response' | 'timeout' };

const FIND_TIMEOUT_MS = 20_000;

async function findWorkspace(repo: Repo, url: string): Promise<DocHandle<WorkspaceDoc> | null> {
  const deadline = Date.now() + FIND_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const opened = await openDoc<WorkspaceDoc>(repo, url, 'atelier/workspace');
    if (opened.status === 'ok') return opened.handle;
    if (opened.status === 'invalid' || opened.status === 'newer') return null;
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

/**
 * Joins this device to the account behind the token: connects to the relay,
 * fetches the account's workspace, copies into it whatever this device made
 * before pairing, and makes it this device's workspace.
 */
export async function pairDevice(repo: Repo, device: DeviceSettingsStore, info: PairingInfo): Promise<PairResult> {
  const check = await fetchAccount(info.relay, info.token);
  if (!check.ok) return check;
  const target = check.account.workspaceUrl;
  const localUrl = device.settings.workspaceUrl;
  const previousRelay = device.settings.relay;
  device.update({ relay: { url: info.relay, token: info.token } });
  if (localUrl === target) return { ok: true };
  const shared = await findWorkspace(repo, target);
  if (!shared) {
    // Leave the device as it was: unpaired (or paired as before), its own workspace untouched.
    device.update({ relay: previousRelay });
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
  device.update({ workspaceUrl: target as AutomergeUrl });
  return { ok: true };
}
