import type { DocumentId } from '@automerge/automerge-repo';

export interface FlushSoonDeps {
  /** writes these documents to storage now (the repo's `flush`) */
  flush(ids: DocumentId[]): Promise<void>;
  /** documents that go along every time (the workspace, whose index entry changed too) */
  alongWith(): DocumentId[];
  /** runs `fn` in a task of its own (setTimeout 0 in the app) */
  nextTask(fn: () => void): void;
  /** a failed write: reported, never dropped silently */
  onError(err: unknown): void;
}

/**
 * What the person typed goes to storage at once, not after the repo's save debounce: it must
 * never be lost. "At once" is the next task: encoding and storing is then not part of the task
 * that creates the conversation and renders it (a page closing before it is covered by the
 * repo's journal, client/repo/journaled-storage.ts).
 */
export function makeFlushSoon(deps: FlushSoonDeps): (id: DocumentId) => void {
  return (id) => {
    const ids = [id, ...deps.alongWith()];
    deps.nextTask(() => void deps.flush(ids).catch(deps.onError));
  };
}
