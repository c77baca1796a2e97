import * as v from 'valibot';
import { KIND, SCHEMA } from './kinds.ts';
import { newId } from './ids.ts';
import { immutable, storedString, storedStringSchema, type StoredString } from './stored-string.ts';
import { looseAs } from './loose.ts';

/*
 * The workspace document: its valibot schema (WorkspaceSchema) is the one list of its fields; the
 * types below are inferred from it and `checkDoc` validates with it. `v.object` lets unknown keys
 * pass (a newer device may add fields; checkDoc keeps the document as it is). Fields added after
 * schema 1 are optional: older workspaces lack them.
 */

const nullableNumber = v.nullable(v.number());

/** The Trash and purge fields every index entry has (entryState and purgeHolds below read them). */
const tombstoneFields = {
  /** tombstone: set when moved to the Trash, null when live */
  deletedAt: nullableNumber,
  /** set when purged from the Trash; kept so a stale device cannot bring it back */
  purgedAt: nullableNumber,
  /** the `deletedAt` the purge saw (see entryState); absent in purges made before it existed */
  purgedFrom: v.optional(nullableNumber),
  /** the latest edit's token (see markKept); absent until an edit wrote one */
  keptBy: v.optional(v.nullable(storedStringSchema)),
  /** the `keptBy` the purge saw (see purgeHolds) */
  purgedKept: v.optional(v.nullable(storedStringSchema)),
};

/** One preset (or tool) in the workspace index. Keyed by the preset's internal id, so two devices adding presets never clash. */
export const PresetEntrySchema = v.object({
  /** automerge URL of the preset document (read with storedString) */
  url: storedStringSchema,
  addedAt: v.number(),
  ...tombstoneFields,
  /**
   * personal order of the presets (shared/presets/order.ts): one number per entry, so moves of
   * different presets on two devices merge; absent = by `addedAt`, newest first
   */
  order: v.optional(nullableNumber),
  /** pinned to the top of the chat's model selector; absent = not pinned */
  pinned: v.optional(v.boolean()),
});
export type PresetEntry = v.InferOutput<typeof PresetEntrySchema>;

/**
 * Its strings are single values (ImmutableString) since schema 2, plain strings in entries
 * written before: read them with storedString. A rename replaces the whole title (last writer wins).
 */
export const ConversationEntrySchema = v.object({
  url: storedStringSchema,
  title: storedStringSchema,
  /** model reference of the last answer (see shared/chat/model-ref.ts) */
  model: storedStringSchema,
  createdAt: v.number(),
  updatedAt: v.number(),
  pinned: v.boolean(),
  ...tombstoneFields,
});
export type ConversationEntry = v.InferOutput<typeof ConversationEntrySchema>;

/** Retrieval settings of the workspace (RAG). */
export const DocumentsSettingsSchema = v.object({
  /** Ollama embedding model; '' = none chosen */
  embeddingModel: v.string(),
  chunkSize: v.number(),
  chunkOverlap: v.number(),
  /** number of passages given to the model */
  topK: v.number(),
  /** prompt template with {{CONTEXT}} and {{QUERY}} */
  template: v.string(),
});
export type DocumentsSettings = v.InferOutput<typeof DocumentsSettingsSchema>;

export const WorkspaceSettingsSchema = v.object({
  /** how many models may answer at once (the seed's two, up to four) */
  maxModels: v.number(),
  /** each model continues its own thread instead of the selected answer */
  ownThread: v.boolean(),
  /** let the model propose a title after the first answer */
  autoTitle: v.boolean(),
  /**
   * Settings › Documents (optional, added after schema 1; missing = defaults). Not validated: its
   * readers take it through documentsSettings (shared/rag/settings.ts), which puts a default in
   * place of a missing, mistyped or out-of-range value, so a workspace is never refused over it.
   */
  documents: v.optional(looseAs(DocumentsSettingsSchema)),
  /**
   * Settings › General: the person's name, for `{{USER_NAME}}` in system prompts. In the workspace
   * (one per account), not on the device: it is the same person on every device. Absent = not set.
   */
  userName: v.optional(storedStringSchema),
  /** the chat's model selector groups presets by tag (optional; missing = one "Presets" group) */
  groupByTag: v.optional(v.boolean()),
});
export type WorkspaceSettings = v.InferOutput<typeof WorkspaceSettingsSchema>;

/** A device as the workspace knows it. */
export const DeviceEntrySchema = v.object({
  /** one value (last writer wins): the person may rename the device */
  name: storedStringSchema,
  /** actor ids this device used (one per document per session): actor → true */
  actors: v.record(v.string(), v.literal(true)),
});
export type DeviceEntry = v.InferOutput<typeof DeviceEntrySchema>;

export const WorkspaceSchema = v.object({
  schema: v.number(),
  kind: v.literal(KIND.workspace),
  id: v.string(),
  name: v.string(),
  createdAt: v.number(),
  presets: v.record(v.string(), PresetEntrySchema),
  conversations: v.record(v.string(), ConversationEntrySchema),
  settings: WorkspaceSettingsSchema,
  /** tools, filters and actions (optional, added after schema 1): entries like presets' */
  tools: v.optional(v.record(v.string(), PresetEntrySchema)),
  /**
   * Devices that changed documents of this workspace, keyed by a device id kept on each device
   * (shared/presets/devices.ts): their name and their Automerge actors, so a preset's history
   * can say which device made a change. Absent until a device wrote its entry.
   */
  devices: v.optional(v.record(v.string(), DeviceEntrySchema)),
});
export type WorkspaceDoc = v.InferOutput<typeof WorkspaceSchema>;

export const DEFAULT_WORKSPACE_SETTINGS: WorkspaceSettings = { maxModels: 2, ownThread: false, autoTitle: false };

/** Initial content of a workspace. Create it once per account: two independently created workspaces share no history. */
export function initialWorkspace(name: string, now = Date.now()): WorkspaceDoc {
  return {
    schema: SCHEMA.workspace,
    kind: KIND.workspace,
    id: newId(),
    name,
    createdAt: now,
    presets: {},
    conversations: {},
    settings: { ...DEFAULT_WORKSPACE_SETTINGS },
  };
}

export type EntryState = 'live' | 'trash' | 'purged';

type Tombstoned = {
  deletedAt: number | null;
  purgedAt: number | null;
  purgedFrom?: number | null;
  keptBy?: StoredString | null;
  purgedKept?: StoredString | null;
};

const token = (s: StoredString | null | undefined): string | null => (s == null ? null : storedString(s));

/**
 * A purge holds only if nothing it had not seen happened to the entry. It records the
 * `deletedAt` it purged: a restore or a new delete made on a device that had not seen the purge
 * changes `deletedAt` (concurrently; the purge never writes it when the item is already in the
 * Trash). It records the edit token it saw (`keptBy`): an edit of the item on a device that had
 * not seen the purge, or not even the delete, writes a new one (markKept). Such a purge is void:
 * the item is back (live, or in the Trash), with its edits. Every device decides from the merged
 * entry alone, so all agree without writing anything. Purges written before `purgedFrom` existed
 * hold as they did unless a token was written since; a missing token reads as none.
 */
export function purgeHolds(e: Tombstoned): boolean {
  if (e.purgedAt === null) return false;
  if (token(e.keptBy) !== token(e.purgedKept)) return false;
  if (e.purgedFrom === undefined) return true;
  return e.deletedAt !== null && e.deletedAt === e.purgedFrom;
}

/** A purge that an edit made elsewhere, without seeing it, undid (the person is told). */
export function purgeUndone(e: Tombstoned): boolean {
  return e.purgedAt !== null && !purgeHolds(e);
}

export function entryState(e: Tombstoned): EntryState {
  if (purgeHolds(e)) return 'purged';
  if (e.deletedAt !== null) return 'trash';
  return 'live';
}

/** Mutators, meant to run inside `handle.change`. Each touches only the fields it must, so concurrent edits merge. */
export function addPresetEntry(d: WorkspaceDoc, presetId: string, url: string, now = Date.now()): void {
  d.presets[presetId] = { url: immutable(url), addedAt: now, deletedAt: null, purgedAt: null };
}

export function addConversationEntry(
  d: WorkspaceDoc,
  id: string,
  entry: { url: string; title: string; model: string },
  now = Date.now(),
): void {
  d.conversations[id] = {
    url: immutable(entry.url),
    title: immutable(entry.title),
    model: immutable(entry.model),
    createdAt: now,
    updatedAt: now,
    pinned: false,
    deletedAt: null,
    purgedAt: null,
  };
}

/** Inside a change: the entry's title, written only when it differs (a write is a new value even when equal). */
export function setEntryTitle(e: ConversationEntry, title: string): void {
  if (storedString(e.title) !== title) e.title = immutable(title);
}

/** Inside a change: the model of the entry's last answer, written only when it differs. */
export function setEntryModel(e: ConversationEntry, model: string): void {
  if (storedString(e.model) !== model) e.model = immutable(model);
}

export function moveToTrash(e: Tombstoned | undefined, now = Date.now()): void {
  if (e && !purgeHolds(e)) e.deletedAt = now;
}

export function restoreFromTrash(e: Tombstoned | undefined): void {
  if (e && !purgeHolds(e)) e.deletedAt = null;
}

/**
 * Inside a change: the item was edited here (its own document, which a purge does not touch), so
 * a purge made elsewhere without seeing this must not hold (see purgeHolds). A fresh token, one
 * value: write it once per editing session (an opened editor, a conversation opened and sent
 * in), not per keystroke, so the workspace does not grow. Nothing is written for an entry whose
 * purge this device has seen.
 */
export function markKept(e: Tombstoned | undefined): void {
  if (e && !purgeHolds(e)) e.keptBy = immutable(newId());
}

/**
 * Purge keeps the entry as a tombstone (no document URL is reachable from the UI afterwards),
 * and records the delete it purges (see purgeHolds).
 */
export function purge(e: Tombstoned | undefined, now = Date.now()): void {
  if (!e) return;
  if (e.deletedAt === null) e.deletedAt = now;
  e.purgedAt = now;
  e.purgedFrom = e.deletedAt;
  const kept = token(e.keptBy);
  e.purgedKept = kept === null ? null : immutable(kept);
}

/** Inside a change, once the person was told a purge was undone: the entry is an ordinary one again. */
export function forgetUndonePurge(e: Tombstoned | undefined): void {
  if (!e || !purgeUndone(e)) return;
  e.purgedAt = null;
  e.purgedFrom = null;
}

/** The fields of an entry schema that hold a StoredString (possibly optional or nullable). */
function storedStringFields(schema: { entries: Record<string, v.GenericSchema> }): ReadonlySet<string> {
  const unwrap = (s: v.GenericSchema): v.GenericSchema => ('wrapped' in s ? unwrap(s.wrapped as v.GenericSchema) : s);
  return new Set(Object.keys(schema.entries).filter((k) => unwrap(schema.entries[k]!) === storedStringSchema));
}
const PRESET_ENTRY_STRINGS = storedStringFields(PresetEntrySchema);
const CONVERSATION_ENTRY_STRINGS = storedStringFields(ConversationEntrySchema);

/**
 * A copy of an entry for another workspace (inside a change): every field, those a newer build
 * added included, its stored strings as single values whatever the source held (text, an
 * ImmutableString, or the `{ val }` a clone or a backup file makes of one).
 */
function copyEntry<E extends object>(e: E, oneValue: ReadonlySet<string>): E {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(e)) {
    if (val === undefined) continue;
    out[k] = oneValue.has(k) && val !== null ? immutable(val as StoredString) : val;
  }
  return out as E;
}

/**
 * Copies into `target` (inside a change) every preset, tool and conversation entry of
 * `source` that it does not have yet. Used when a device that already has data
 * joins an account's workspace: nothing made before pairing is left behind.
 */
export function mergeWorkspaceInto(target: WorkspaceDoc, source: WorkspaceDoc): number {
  let copied = 0;
  for (const [id, e] of Object.entries(source.presets)) {
    if (!target.presets[id]) {
      target.presets[id] = copyEntry(e, PRESET_ENTRY_STRINGS);
      copied++;
    }
  }
  for (const [id, e] of Object.entries(source.tools ?? {})) {
    if (!target.tools) target.tools = {};
    if (!target.tools[id]) {
      target.tools[id] = copyEntry(e, PRESET_ENTRY_STRINGS);
      copied++;
    }
  }
  for (const [id, e] of Object.entries(source.conversations)) {
    if (!target.conversations[id]) {
      target.conversations[id] = copyEntry(e, CONVERSATION_ENTRY_STRINGS);
      copied++;
    }
  }
  return copied;
}

/** Inside a change: the order numbers a move planned (shared/presets/order.ts planMove), one field per preset. */
export function setPresetOrders(d: WorkspaceDoc, plan: Record<string, number>): void {
  for (const [id, order] of Object.entries(plan)) {
    const e = d.presets[id];
    if (e && e.order !== order) e.order = order;
  }
}

/** Inside a change: pins or unpins a preset in the chat's model selector. */
export function setPresetPinned(d: WorkspaceDoc, id: string, pinned: boolean): void {
  const e = d.presets[id];
  if (e && (e.pinned === true) !== pinned) e.pinned = pinned;
}

export function addToolEntry(d: WorkspaceDoc, toolId: string, url: string, now = Date.now()): void {
  if (!d.tools) d.tools = {};
  d.tools[toolId] = { url: immutable(url), addedAt: now, deletedAt: null, purgedAt: null };
}
