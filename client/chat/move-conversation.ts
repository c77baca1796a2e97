import { next as A } from '@automerge/automerge';
import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { immutable, storedString, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { carryOver, movedCopy, movedToAll, shouldMove, storedHeads, viewAt, MOVE_MIN_TEXT_CHARS, type MovableConversation } from '../../shared/chat/conversation-move.ts';
import { openDoc } from '../repo/open-doc.ts';

/*
 * When this device opens a conversation: follows `movedTo` (an old link, or a copy that lost a
 * concurrent move), moves a conversation heavy with collaborative text into a fresh document,
 * and carries over what other devices wrote to the old document (or to a losing copy) after
 * the move. The workspace entry is pointed at the document every device agrees on: the old
 * document's `movedTo` (Automerge keeps one of concurrent writes, the same on every device).
 * Nothing here throws: a failure leaves the conversation where it was, working.
 * See docs/decisions/2026-12-07-conversation-move.md.
 */

type Handle = DocHandle<MovableConversation>;

/** How many `movedTo` links are followed (a chain is at most old → losing copy → winner). */
const MAX_HOPS = 4;

async function open(repo: Repo, url: string): Promise<Handle | undefined> {
  if (!isValidAutomergeUrl(url)) return undefined;
  const o = await openDoc<MovableConversation>(repo, url, 'atelier/conversation');
  return o.status === 'ok' ? o.handle : undefined;
}

function docId(url: string): string {
  return parseAutomergeUrl(url as AutomergeUrl).documentId;
}

export interface SettleOptions {
  /** collaborative-text characters from which a conversation is moved (tests lower it) */
  minChars?: number;
  /** runs the carry-over from the old document (which loads it) later, off the opening path; default: at once */
  defer?: (work: () => void) => void;
}

/**
 * The URL to open for the conversation `id` whose entry holds `url`, after following, moving or
 * carrying over as needed; the entry is pointed at it. Returns `url` when anything fails.
 */
export async function settleConversation(repo: Repo, workspace: DocHandle<WorkspaceDoc>, id: string, url: string, options: SettleOptions = {}): Promise<string> {
  try {
    let current = url;
    let handle = await open(repo, url);
    if (!handle) return url;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const to = handle.doc().movedTo;
      if (to === undefined || storedString(to) === current) break;
      const target = await open(repo, storedString(to));
      if (!target) break;
      await carryInto(repo, target, handle, current);
      current = target.url;
      handle = target;
    }
    if (handle.doc().movedFrom !== undefined) {
      const h = handle;
      const at = current;
      // also run again whenever a source changes: an answer another device still streams into
      // the old document appears here checkpoint by checkpoint. One run at a time; a change
      // during a run brings one more run after it.
      let running = false;
      let pending = false;
      const again = () => {
        if (running) {
          pending = true;
          return;
        }
        running = true;
        queueMicrotask(() =>
          void work().finally(() => {
            running = false;
            if (pending) {
              pending = false;
              again();
            }
          }),
        );
      };
      const work = async () => {
        try {
          const winner = await absorb(repo, h, at, again);
          pointEntry(workspace, id, at, winner);
          return winner;
        } catch {
          return at;
        }
      };
      if (options.defer) options.defer(again);
      else current = await work();
    } else if (shouldMove(handle.doc(), options.minChars ?? MOVE_MIN_TEXT_CHARS)) {
      current = moveConversation(repo, handle);
    }
    pointEntry(workspace, id, url, current);
    return current;
  } catch {
    return url;
  }
}

/** Inside the workspace: the entry now names `to`, if it still named `from` (a change made meanwhile elsewhere wins). */
function pointEntry(workspace: DocHandle<WorkspaceDoc>, id: string, from: string, to: string): void {
  if (from === to) return;
  workspace.change((d) => {
    const e = d.conversations[id];
    if (e && storedString(e.url) === from) e.url = immutable(to);
  });
}

/** Copies the conversation into a new document and marks the old one moved. Returns the new URL. */
export function moveConversation(repo: Repo, old: Handle): string {
  const doc = old.doc();
  const copy = repo.create<MovableConversation>(movedCopy(doc, old.url, A.getHeads(doc)));
  old.change((d) => {
    // written once: concurrent moves stay visible as conflicts of this field (movedToAll)
    if (d.movedTo !== undefined) return;
    d.movedTo = immutable(copy.url);
    d.movedAt = Date.now();
  });
  return copy.url;
}

/**
 * Carries into `target` what `source` holds beyond what the target already has of it: for the
 * old document, beyond `movedFrom.heads`; for another copy, beyond `mergedFrom[its id]`, or at
 * first beyond the old document's state it was copied from. Records the heads carried.
 */
export async function carryInto(repo: Repo, target: Handle, source: Handle, sourceUrl: string): Promise<void> {
  const t = target.doc();
  const s = source.doc();
  const key = docId(sourceUrl);
  const fromOld = t.movedFrom !== undefined && storedString(t.movedFrom.url) === sourceUrl;
  let base: MovableConversation | undefined;
  let baseHeads: string[] = [];
  if (fromOld) {
    baseHeads = storedHeads(t.movedFrom?.heads);
    base = viewAt(s, baseHeads);
  } else if (t.mergedFrom?.[key]) {
    baseHeads = storedHeads(t.mergedFrom[key].heads);
    base = viewAt(s, baseHeads);
  } else if (s.movedFrom !== undefined) {
    // another copy of the same old document: it started as the old document at its heads
    const old = await open(repo, storedString(s.movedFrom.url));
    if (old) base = viewAt(old.doc(), storedHeads(s.movedFrom.heads));
  }
  if (!base) return;
  const heads = A.getHeads(s);
  if (baseHeads.length === heads.length && heads.every((h) => baseHeads.includes(h))) return;
  const from = base;
  target.change((d) => {
    carryOver(d, from, s);
    const recorded = heads.map((h) => immutable(h));
    if (fromOld && d.movedFrom) d.movedFrom.heads = recorded;
    else {
      d.mergedFrom ??= {};
      d.mergedFrom[key] = { url: immutable(sourceUrl), heads: recorded };
    }
  });
}

/**
 * For a moved conversation: carries over from the old document and from every other copy a
 * concurrent move made, each of which is pointed at the winner. Returns the URL of the copy
 * every device agrees on (the old document's `movedTo`), which is `url` unless this copy lost.
 */
async function absorb(repo: Repo, handle: Handle, url: string, onSourceChange: () => void): Promise<string> {
  const from = handle.doc().movedFrom;
  if (!from) return url;
  const oldUrl = storedString(from.url);
  const old = await open(repo, oldUrl);
  if (!old) return url;
  watch(old, onSourceChange);
  const copies = movedToAll(old.doc());
  const winnerUrl = old.doc().movedTo === undefined ? url : storedString(old.doc().movedTo!);
  const winner = winnerUrl === url ? handle : await open(repo, winnerUrl);
  if (!winner) return url;
  await carryInto(repo, winner, old, oldUrl);
  for (const copyUrl of new Set([...copies, url])) {
    if (copyUrl === winnerUrl) continue;
    const copy = copyUrl === url ? handle : await open(repo, copyUrl);
    if (!copy) continue;
    watch(copy, onSourceChange);
    copy.change((d) => {
      if (d.movedTo !== undefined) return;
      d.movedTo = immutable(winnerUrl);
      d.movedAt = Date.now();
    });
    await carryInto(repo, winner, copy, copyUrl);
  }
  return winnerUrl;
}

/** One listener per source document: the latest conversation settled over it. */
const watchers = new WeakMap<Handle, () => void>();

function watch(source: Handle, onChange: () => void): void {
  if (!watchers.has(source)) source.on('change', () => watchers.get(source)?.());
  watchers.set(source, onChange);
}

/** Work for when the main thread is idle (loading an old document is a long task), else soon. */
export function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: 5_000 });
  else setTimeout(work, 0);
}

/**
 * For createConversationDoc: the URL to open for the conversation the chat shows, settled
 * (followed, moved, carried over) first; the carry-over from an old document runs when idle.
 */
export function conversationSettler(repo: Repo, workspace: () => { handle: DocHandle<WorkspaceDoc> } | undefined, conversationId: () => string | undefined) {
  return async (url: string): Promise<string> => {
    const ws = workspace();
    const id = conversationId();
    return ws && id ? settleConversation(repo, ws.handle, id, url, { defer: whenIdle }) : url;
  };
}
