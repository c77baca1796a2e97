import { createSignal } from 'solid-js';
import { classifySaveError, type SaveFailure } from './save-error.ts';

/** What a device-local store holds, named for the person in the alert (failures.stored.*). */
export type StoredThing =
  | 'deviceSettings'
  | 'drafts'
  | 'lastModels'
  | 'knownModels'
  | 'connections'
  | 'connectionModels'
  | 'language'
  | 'deviceId'
  | 'communityUrl'
  | 'modelsView'
  | 'syncLedger';

export type DeviceStorageProblem =
  /** the stored value did not validate: what did is in use, the text is kept under `keptAt` */
  | { key: string; what: StoredThing; kind: 'unreadable'; keptAt: string }
  /** the latest write of `key` failed: the value lives only in this tab */
  | { key: string; what: StoredThing; kind: 'unwritable'; failure: SaveFailure };

/*
 * Every problem of this device's own storage (localStorage), one per key and kind, for the
 * alert in the shell. Module state: the stores that report here live outside any component
 * (drafts, the sync ledger, the language before the first render).
 * Invariant: an `unwritable` entry stays exactly until a later write of the same key succeeds
 * (or the person dismisses it); an `unreadable` one until dismissed.
 */
const [problems, setProblems] = createSignal<ReadonlyMap<string, DeviceStorageProblem>>(new Map());

const id = (key: string, kind: DeviceStorageProblem['kind']) => `${kind}\0${key}`;

export function deviceStorageProblems(): DeviceStorageProblem[] {
  return [...problems().values()];
}

export function reportUnreadable(key: string, what: StoredThing, keptAt: string): void {
  const k = id(key, 'unreadable');
  if (problems().has(k)) return;
  console.warn(`Atelier: the stored ${key} did not validate; kept under ${keptAt}`);
  setProblems(new Map(problems()).set(k, { key, what, kind: 'unreadable', keptAt }));
}

export function reportUnwritable(key: string, what: StoredThing, err: unknown): void {
  console.error(`Atelier: ${key} could not be stored`, err);
  setProblems(new Map(problems()).set(id(key, 'unwritable'), { key, what, kind: 'unwritable', failure: classifySaveError(err) }));
}

/** A write of `key` succeeded: its earlier write failure no longer holds. */
export function storedAgain(key: string): void {
  const k = id(key, 'unwritable');
  if (!problems().has(k)) return;
  const next = new Map(problems());
  next.delete(k);
  setProblems(next);
}

/** The person has read these; `key` given: only that store's. */
export function dismissDeviceStorageProblems(key?: string): void {
  if (key === undefined) return void setProblems(new Map());
  const next = new Map(problems());
  for (const [k, p] of next) if (p.key === key) next.delete(k);
  setProblems(next);
}
