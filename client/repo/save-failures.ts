import { createSignal, type Accessor } from 'solid-js';
import { classifySaveError, type SaveFailure } from '../device/save-error.ts';

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
