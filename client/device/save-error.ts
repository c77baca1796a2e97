/* What a failed write to the browser's storage (IndexedDB or localStorage) means to the person. */

/** Why saving failed, as far as the person can act on it. */
export type SaveFailureKind = 'quota' | 'refused' | 'other';

export interface SaveFailure {
  kind: SaveFailureKind;
  /** the browser's own message, shown as a detail */
  detail: string;
}

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
