/*
 * What the message list last showed of each recently read conversation (the HTML of the turns
 * in view), kept on this device only. Opening a conversation has to load its whole Automerge
 * document, about half a second for 1,000 messages on a slow machine; the saved view is shown
 * (inert) at once and the live list replaces it as soon as the document is open. Never synced,
 * never the source of truth: a stale view is only visible for that half second.
 */

const DB = 'atelier-chat-views';
const STORE = 'views';
/** conversations remembered; older views are dropped */
const KEEP = 30;

export interface SavedView {
  id: string;
  /** the turns' HTML, oldest first */
  turns: string[];
  /** the interface language it was saved in (its buttons and labels) */
  locale: string;
  savedAt: number;
}

/** a start tag as outerHTML serialises it: every attribute value in double quotes, `"` escaped inside */
const START_TAG = /<[A-Za-z][^\s/>]*(?:\s+[^\s"'=/>]+(?:="[^"]*")?)*\s*\/?>/g;
const STYLE_ATTR = /\s+style="[^"]*"/g;

/**
 * The HTML without any `style` attribute. Saved views are painted with innerHTML, and the
 * app's CSP (`style-src 'self'`) blocks inline style attributes, logging an error for each:
 * views are saved without them and read back without them (older saved views had some).
 * Text cannot hold a tag (its `<` is escaped), so only real start tags are touched.
 */
export function withoutInlineStyles(html: string): string {
  return html.replace(START_TAG, (tag) => tag.replace(STYLE_ATTR, ''));
}

let opening: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  opening ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    } catch {
      resolve(null); // no IndexedDB (private mode in some browsers): no saved views
    }
  });
  return opening;
}

export async function loadView(id: string): Promise<SavedView | null> {
  const db = await open();
  if (!db) return null;
  return new Promise((resolve) => {
    try {
      const req = db.transaction(STORE).objectStore(STORE).get(id);
      req.onsuccess = () => {
        const v = req.result as SavedView | undefined;
        const ok = v && typeof v.locale === 'string' && Array.isArray(v.turns) && v.turns.every((t) => typeof t === 'string');
        resolve(ok ? { ...v, turns: v.turns.map(withoutInlineStyles) } : null);
      };
      req.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

/** Resolves when the transaction is over, whatever its outcome. */
const settled = (tx: IDBTransaction) =>
  new Promise<void>((resolve) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => resolve();
    tx.onabort = () => resolve();
  });

export async function saveView(view: SavedView): Promise<void> {
  const db = await open();
  if (!db) return;
  try {
    const tx = db.transaction(STORE, 'readwrite');
    const done = settled(tx);
    const store = tx.objectStore(STORE);
    store.put({ ...view, turns: view.turns.map(withoutInlineStyles) });
    const count = store.count();
    count.onsuccess = () => {
      if (count.result <= KEEP) return;
      const all = store.getAll();
      all.onsuccess = () => {
        const views = (all.result as SavedView[]).sort((a, b) => a.savedAt - b.savedAt);
        for (const old of views.slice(0, views.length - KEEP)) store.delete(old.id);
      };
    };
    await done;
  } catch {
    // a view is a nicety: failing to save one changes nothing else
  }
}

export async function forgetView(id: string): Promise<void> {
  const db = await open();
  if (!db) return;
  try {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(id);
    await settled(tx);
  } catch {
    // nothing to forget
  }
}
