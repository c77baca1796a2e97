import * as A from '@automerge/automerge';
import type { PresetDoc } from '../../../shared/schema/index.ts';
import { storedString } from '../../../shared/schema/stored-string.ts';
import { changedFields, groupHistory, type ChangeInfo, type HistoryEntry } from '../../../shared/presets/history.ts';
import type { DeviceDirectory } from '../../../shared/presets/devices.ts';

/** One entry of a preset's history, ready to list. */
export interface Version extends HistoryEntry {
  /** top-level fields the entry changed (all of them for the first one) */
  fields: string[];
  /** the device's name in the workspace, null when unknown */
  deviceName: string | null;
  /** made on this device */
  mine: boolean;
}

/** A top-level text of a document version (text, or a single value in older presets). */
export function textField(doc: unknown, field: string): string {
  const v = (doc as Record<string, unknown>)[field];
  return typeof v === 'string' || A.isImmutableString(v) ? storedString(v) : '';
}

/**
 * Every change Automerge keeps of the preset, grouped (shared/presets/history.ts), newest first.
 * `thisDevice`/`thisActor`: this device's id and the actor it writes this document with now
 * (known before the workspace has recorded it).
 */
export function readHistory(doc: A.Doc<PresetDoc>, dir: DeviceDirectory, thisDevice: string, thisActor: string): Version[] {
  const changes: ChangeInfo[] = A.getAllChanges(doc).map((bytes) => {
    const c = A.decodeChange(bytes);
    return { hash: c.hash ?? '', actor: c.actor, time: c.time, deps: c.deps };
  });
  const deviceOf = (actor: string) => (actor === thisActor ? thisDevice : dir.deviceOf(actor));
  return groupHistory(changes, deviceOf).map((e) => ({
    ...e,
    fields: changedFields(A.diff(doc, e.before, e.after).map((p) => p.path)),
    deviceName: e.device ? dir.nameOf(e.device) : null,
    mine: e.device === thisDevice,
  }));
}

/** The preset as it was at `heads` (read-only). */
export function versionAt(doc: A.Doc<PresetDoc>, heads: readonly string[]): A.Doc<PresetDoc> {
  return A.view(doc, [...heads]);
}
