import { markKept, setEntryModel, type WorkspaceDoc } from '../../../shared/schema/index.ts';

/** Anything that changes the workspace document (its DocStore in the app, a DocHandle in tests). */
export interface WorkspaceWriter {
  change(fn: (d: WorkspaceDoc) => void): void;
}

export interface EntryBookDeps {
  /** undefined while the workspace is not open: the entry is then left as it is */
  workspace: () => WorkspaceWriter | undefined;
  now: () => number;
}

export interface EntryBook {
  /**
   * The conversation's index entry was used: `updatedAt` now, the model of its last answer.
   * `edited`: the change is an edit made in this opening (see `markKept`), kept once per opening.
   */
  touch(id: string, model: string | undefined, edited?: boolean): void;
  /** An edit that does not otherwise touch the entry (a regenerated or retried answer). */
  markEdited(id: string): void;
}

/**
 * The workspace index side of a conversation being used. Invariant: an opening of a
 * conversation (one EntryBook) writes a fresh `keptBy` at its first edit only, not per message,
 * so the workspace does not grow with every message while a purge made elsewhere is still voided.
 */
export function makeEntryBook({ workspace, now }: EntryBookDeps): EntryBook {
  let keptIn: string | undefined;
  const firstEditIn = (id: string): boolean => {
    if (keptIn === id) return false;
    keptIn = id;
    return true;
  };
  return {
    touch(id, model, edited = false) {
      const kept = edited && firstEditIn(id);
      const at = now();
      workspace()?.change((d) => {
        const e = d.conversations[id];
        if (!e) return;
        e.updatedAt = at;
        if (model) setEntryModel(e, model);
        if (kept) markKept(e);
      });
    },
    markEdited(id) {
      if (firstEditIn(id)) workspace()?.change((d) => markKept(d.conversations[id]));
    },
  };
}
