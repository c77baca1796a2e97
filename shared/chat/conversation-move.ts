import { next as A, isImmutableString } from '@automerge/automerge';
import { storableMessage as storableKnownFields, type ChatMessage, type ConversationDoc } from '../schema/conversation.ts';
import { SCHEMA } from '../schema/kinds.ts';
import { immutable, plainValue, storedString, type Plain, type StoredString } from '../schema/stored-string.ts';

/*
 * Moving a conversation written before schema 2 (message text stored as collaborative text,
 * one operation per character, which loading replays) into a fresh document holding the same
 * content as single values, and carrying over what is later written to the document it left.
 * Pure functions over Automerge documents; client/chat/move-conversation.ts decides when.
 * See docs/decisions/2026-12-07-conversation-move.md.
 *
 * Invariants:
 * - a copy has every field of every message (unknown ones too), only re-encoded;
 * - a carry-over applies to the target only what changed in the source between a base (what
 *   the target already holds of it) and the source's current state, message by message and
 *   field by field, so edits made meanwhile in the target to other messages or fields stay;
 *   a top-level field (title, branch shown, models) the target changed since the base keeps
 *   the target's value;
 * - a document's `movedTo` is written once, by the move; concurrent moves leave a conflict
 *   that names every copy (`A.getConflicts`), and the winning copy absorbs the others.
 */

/** Where a moved conversation came from: the old document and the heads of it already carried over. */
export type MovedFrom = { url: StoredString; heads: StoredString[] };

/** The fields a conversation document gains from a move (all optional: absent = never moved). */
export type MoveFields = {
  /** old document: the document it moved to (written once) */
  movedTo?: StoredString;
  movedAt?: number;
  /** new document: the old document and how much of it this one holds */
  movedFrom?: MovedFrom;
  /** new document: other copies made by concurrent moves, by document id, and the heads of each already carried over */
  mergedFrom?: Record<string, MovedFrom>;
};

export type MovableConversation = ConversationDoc & MoveFields;

type PlainConversation = Plain<MovableConversation>;
type PlainMessage = Plain<ChatMessage>;

/** Below this many characters held as collaborative text, a move saves too little to be worth a new document. */
export const MOVE_MIN_TEXT_CHARS = 2_000;

const MOVE_KEYS = new Set(['movedTo', 'movedAt', 'movedFrom', 'mergedFrom']);
/** top-level fields a carry-over follows (the rest is identity: kind, id, createdAt, schema) */
const CARRIED_TOP = ['title', 'titleSource', 'currentId', 'models'] as const;

function textChars(s: StoredString | undefined): number {
  return typeof s === 'string' ? s.length : 0;
}

/**
 * Characters of a conversation stored as collaborative text (one operation each in the history):
 * message texts written before schema 2, and short fields (ids, role, status, model, writer, the
 * branch shown) written before schema 3.
 */
export function collaborativeTextChars(doc: ConversationDoc): number {
  let n = textChars(doc.currentId ?? undefined);
  for (const x of doc.models) n += textChars(x);
  for (const m of Object.values(doc.messages)) {
    n += textChars(m.content) + textChars(m.thinking);
    for (const f of m.files ?? []) n += textChars(f.text);
    n += textChars(m.id) + textChars(m.parentId ?? undefined) + textChars(m.role) + textChars(m.status);
    n += textChars(m.model ?? undefined) + textChars(m.writer);
    for (const x of m.childrenIds) n += textChars(x);
    for (const x of m.models ?? []) n += textChars(x);
  }
  return n;
}

/** A conversation worth moving: never moved, nothing streaming into it, and heavy with text. */
export function shouldMove(doc: MovableConversation, minChars = MOVE_MIN_TEXT_CHARS): boolean {
  if (doc.movedTo !== undefined || doc.movedFrom !== undefined) return false;
  if (Object.values(doc.messages).some((m) => storedString(m.status) === 'streaming')) return false;
  return collaborativeTextChars(doc) >= minChars;
}

/**
 * A message as it is written in a moved document: its known fields in their stored form (schema
 * 3: short fields and texts one value each, shared/schema/conversation.ts), fields this build
 * does not know as plain values (a newer device's are kept, never dropped).
 */
function storableMessage(m: PlainMessage | ChatMessage): ChatMessage {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = plainValue(v);
  return Object.assign(out, storableKnownFields(m)) as ChatMessage;
}

/** A top-level field as a moved document stores it: the branch shown and the models one value each. */
function storableTop(key: string, value: unknown): unknown {
  if (key === 'currentId') return value === null ? null : immutable(value as StoredString);
  if (key === 'models' && Array.isArray(value)) return (value as StoredString[]).map((x) => immutable(x));
  return plainValue(value);
}

/**
 * The content of the new document: every field of `doc` (unknown ones too) except the move's
 * own, every message text as one ImmutableString, and where it came from.
 */
export function movedCopy(doc: MovableConversation, fromUrl: string, heads: string[]): MovableConversation {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (MOVE_KEYS.has(k) || v === undefined) continue;
    out[k] = k === 'messages' ? Object.fromEntries(Object.entries(doc.messages).map(([id, m]) => [id, storableMessage(m)])) : storableTop(k, v);
  }
  // written in this build's shape, whatever the old document's schema
  out.schema = SCHEMA.conversation;
  out.movedFrom = { url: immutable(fromUrl), heads: heads.map((h) => immutable(h)) };
  return out as MovableConversation;
}

export function equalPlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => equalPlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Inside a change: the list gains what the source added and loses what it removed (others'
 * additions stay). The target holds stored strings (compared by value), added ids one value each.
 */
function carryList(target: StoredString[], base: string[], current: string[]): void {
  const at = (id: string) => target.findIndex((x) => storedString(x) === id);
  for (const id of base) {
    if (current.includes(id)) continue;
    const i = at(id);
    if (i >= 0) target.splice(i, 1);
  }
  for (const id of current) if (!base.includes(id) && at(id) < 0) target.push(immutable(id));
}

function carryMessage(target: ChatMessage, base: PlainMessage | undefined, current: PlainMessage): void {
  const t = target as unknown as Record<string, unknown>;
  const b = (base ?? {}) as Record<string, unknown>;
  const c = current as unknown as Record<string, unknown>;
  const stored = storableMessage(current) as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(b), ...Object.keys(c)])) {
    if (k === 'id' || equalPlain(b[k], c[k])) continue;
    if (k === 'childrenIds') carryList(target.childrenIds, (b[k] as string[] | undefined) ?? [], current.childrenIds);
    else if (c[k] === undefined) delete t[k];
    else if (!equalPlain(plainValue(t[k]), c[k])) t[k] = stored[k];
  }
}

/**
 * Inside a change of the target: what the source changed since `base` (both read as plain
 * values). Messages added there are added, changed fields written, deleted ones deleted; a
 * message the target deleted meanwhile stays deleted. Returns whether anything differed.
 */
export function carryOver(target: MovableConversation, base: PlainConversation | MovableConversation, current: PlainConversation | MovableConversation): boolean {
  const b = plainValue(base) as PlainConversation;
  const c = plainValue(current) as PlainConversation;
  let changed = false;
  for (const [id, m] of Object.entries(c.messages)) {
    const before = b.messages[id];
    if (before && equalPlain(before, m)) continue;
    changed = true;
    const t = target.messages[id];
    if (t) carryMessage(t, before, m);
    else if (!before) target.messages[id] = storableMessage(m);
  }
  for (const id of Object.keys(b.messages)) {
    if (c.messages[id] || !target.messages[id]) continue;
    changed = true;
    delete target.messages[id];
  }
  const t = target as unknown as Record<string, unknown>;
  for (const k of CARRIED_TOP) {
    if (equalPlain(b[k], c[k])) continue;
    changed = true;
    const here = plainValue(t[k]);
    // changed in the target since the base (the branch a person chose here, a rename here): that
    // choice stands, and a later carry-over of the same base cannot switch it back
    if (!equalPlain(here, b[k])) continue;
    const v = c[k];
    if (v === undefined) delete t[k];
    else if (k === 'currentId' && v !== null && !target.messages[v as string]) continue;
    else t[k] = storableTop(k, v);
  }
  dedupeChildren(target);
  return changed;
}

/**
 * Inside a change: each child listed once. Two devices carrying the same addition over at once
 * both insert it (list inserts never merge); the next carry-over on any device removes the extra.
 */
export function dedupeChildren(target: MovableConversation): void {
  for (const m of Object.values(target.messages)) {
    const list = m.childrenIds;
    const ids = list.map((x) => storedString(x));
    for (let i = list.length - 1; i >= 0; i--) if (ids.indexOf(ids[i]!) < i) list.splice(i, 1);
  }
}

/** The heads of a document, as a move stores them. */
export function storedHeads(heads: StoredString[] | undefined): string[] {
  return (heads ?? []).map(storedString);
}

/** The document as it was at `heads`, or undefined when this device does not hold all of them yet. */
export function viewAt<T>(doc: A.Doc<T>, heads: string[]): A.Doc<T> | undefined {
  if (heads.length === 0 || !A.hasHeads(doc, heads)) return undefined;
  return A.view(doc, heads);
}

/** Every document a concurrent move wrote as `movedTo` of this old document (the winner first). */
export function movedToAll(doc: A.Doc<MovableConversation>): string[] {
  const winner = doc.movedTo === undefined ? undefined : storedString(doc.movedTo);
  const all = new Set<string>(winner ? [winner] : []);
  for (const v of Object.values(A.getConflicts(doc, 'movedTo') ?? {})) {
    if (typeof v === 'string' || isImmutableString(v)) all.add(storedString(v));
  }
  return [...all];
}
