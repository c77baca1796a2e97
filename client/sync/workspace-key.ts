/**
 * The workspace's end-to-end key as this device holds it.
 *
 * Invariants: the key lives only in this device's settings (localStorage, never synced) and in
 * pairing links' fragments / QR codes; nothing here sends it anywhere. A device makes at most
 * one key however many tabs start at once (made under a Web Lock, the settings read again
 * inside it), and never replaces a key it already holds.
 */
import { decodeKey, encodeKey, newWorkspaceKey, type WorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import type { DeviceSettings, DeviceSettingsStore } from '../repo/device-settings.ts';

/** The key in these settings, or null when there is none (device settings validate its shape on read). */
export function deviceWorkspaceKey(settings: Pick<DeviceSettings, 'workspaceKey'>): WorkspaceKey | null {
  return settings.workspaceKey ? decodeKey(settings.workspaceKey) : null;
}

/**
 * This device's key: the stored one, or a new one saved before it is returned. Called before a
 * device claims a fresh account (the engine) and when pairing with one.
 */
export async function ensureWorkspaceKey(device: Pick<DeviceSettingsStore, 'reread' | 'update'>): Promise<WorkspaceKey> {
  const run = async (): Promise<WorkspaceKey> => {
    const held = deviceWorkspaceKey(device.reread());
    if (held) return held;
    const made = newWorkspaceKey();
    device.update({ workspaceKey: encodeKey(made) });
    return made;
  };
  // Same lock discipline as findOrCreateWorkspace: two tabs must never make two keys.
  return navigator.locks ? navigator.locks.request('atelier.workspace-key', run) : run();
}
