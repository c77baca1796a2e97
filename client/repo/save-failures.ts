import { createSignal, type Accessor } from 'solid-js';

/** Why saving failed, as far as the person can act on it. */
export type SaveFailureKind = 'quota' | 'refused' | 'other';

export interface SaveFailure {
  kind: SaveFailureKind;
  /** the browser's own message, shown as a detail */
  detail: string;
}

/**
 * Every failed write of the person's data, until a later write of the same thing succeeds.
 * Invariant: `failure()` is non-null exactly while some document's latest save failed (or an
 * explicit save failed and no retry has succeeded since), so a failing save is never invisible.
 */
export interface SaveFailures {
  failure: Accessor<SaveFailure | null>;
  /** the storage layer: a document's content could not be written */
  failed(documentId: string, err: unknown): void;
  /** the storage layer: a document's content was written */
  saved(documentId: string): void;
  /** for an explicit save: `repo.flush(ids).catch(saves.report)` */
  report: (err: unknown) => void;
  /** forgets every failure (after a retry that wrote everything) */
  clear(): void;
}

const EXPLICIT = '\0explicit';

export function classifySaveError(err: unknown): SaveFailure {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  const detail = err instanceof Error || err instanceof DOMException ? err.message || err.name : String(err);
  // Chromium reports a full disk as QuotaExceededError; Firefox's private windows and storage
  // turned off for the site surface as InvalidStateError / SecurityError / NotAllowedError.
  if (name === 'QuotaExceededError' || /quota/i.test(detail)) return { kind: 'quota', detail };
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'NotAllowedError' || name === 'UnknownError') {
    return { kind: 'refused', detail };
  }
  return { kind: 'other', detail };
}

export function createSaveFailures(): SaveFailures {
  const [failures, setFailures] = createSignal<ReadonlyMap<string, SaveFailure>>(new Map());
  const put = (key: string, err: unknown) => {
    const next = new Map(failures());
    next.set(key, classifySaveError(err));
    setFailures(next);
  };
  const failure = () => {
    let last: SaveFailure | null = null;
    for (const f of failures().values()) last = f;
    return last;
  };
  return {
    failure,
    failed: put,
    saved(documentId) {
      if (!failures().has(documentId)) return;
      const next = new Map(failures());
      next.delete(documentId);
      setFailures(next);
    },
    report: (err) => {
      console.error('Atelier: a save failed', err);
      put(EXPLICIT, err);
    },
    clear: () => setFailures(new Map()),
  };
}
