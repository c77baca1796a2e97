/*
 * The Markdown renderer (marked, DOMPurify, highlight.js core) is a chunk of its own, loaded
 * with the first answer shown (or the first saved view of a conversation).
 */

export type Renderer = typeof import('./render.ts');

let loaded: Renderer | undefined;
let loading: Promise<Renderer> | undefined;

/** once loaded, later answers render at once (no flash of plain text when switching versions) */
export const loadedRenderer = (): Renderer | undefined => loaded;

/**
 * Loads the renderer once. A load that failed (offline before the service worker cached the
 * chunk) is not kept: the next call tries again.
 */
export function loadRenderer(): Promise<Renderer> {
  loading ??= import('./render.ts').then(
    (r) => (loaded = r),
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}
