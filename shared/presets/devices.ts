import { immutable, storedString, type WorkspaceDoc } from '../schema/index.ts';

/*
 * Which device made a change. Automerge names a change's author by an actor id, new for each
 * document in each session, so every device records its actors under its own device id in the
 * workspace (synced), with a name the person can change. Written inside a workspace change.
 */

/**
 * Records that `actor` is one of `deviceId`'s; the device entry is made with `name` if absent.
 * True if it wrote. Two devices making `devices` at once: one map wins the merge, so a device
 * writes its actors again when they went missing (client/models/history/record-actors.ts).
 */
export function noteDeviceActor(w: WorkspaceDoc, deviceId: string, actor: string, name: string): boolean {
  w.devices ??= {};
  const entry = w.devices[deviceId];
  if (!entry) {
    w.devices[deviceId] = { name: immutable(name), actors: { [actor]: true } };
    return true;
  }
  if (entry.actors[actor]) return false;
  entry.actors[actor] = true;
  return true;
}

/** Renames a device; a blank name changes nothing (returns false). */
export function renameDevice(w: WorkspaceDoc, deviceId: string, name: string): boolean {
  const clean = name.trim();
  if (!clean) return false;
  w.devices ??= {};
  const entry = w.devices[deviceId];
  if (!entry) w.devices[deviceId] = { name: immutable(clean), actors: {} };
  else entry.name = immutable(clean);
  return true;
}

export interface DeviceDirectory {
  /** the device id of an actor, or null when no device recorded it */
  deviceOf(actor: string): string | null;
  /** a device's name (null when the workspace does not have it) */
  nameOf(deviceId: string): string | null;
}

/** Reads the workspace's devices once (an actor → device index). */
export function deviceDirectory(devices: WorkspaceDoc['devices'] | { [id: string]: { name: string; actors: Record<string, true> } } | undefined): DeviceDirectory {
  const byActor = new Map<string, string>();
  const names = new Map<string, string>();
  for (const [id, d] of Object.entries(devices ?? {})) {
    names.set(id, storedString(d.name));
    for (const actor of Object.keys(d.actors ?? {})) byActor.set(actor, id);
  }
  return { deviceOf: (actor) => byActor.get(actor) ?? null, nameOf: (id) => names.get(id) ?? null };
}
