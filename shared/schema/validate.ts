import * as v from 'valibot';
import { KIND, SCHEMA, type DocKind } from './kinds.ts';
import type { WorkspaceDoc } from './workspace.ts';
import { PresetSchema, type PresetDoc } from './preset.ts';
import { storedStringSchema } from './stored-string.ts';
import type { ConversationDoc } from './conversation.ts';
import type { BlobDoc } from './blob.ts';
import type { KnowledgeDoc } from './knowledge.ts';
import type { ToolDoc } from './tool.ts';

/*
 * Validation of documents that came from elsewhere (another device, another version,
 * a backup). Unknown keys are allowed (a newer device may add fields); missing or
 * mistyped known keys are not.
 */

const nullableNumber = v.nullable(v.number());
/**
 * A plain string, or an Automerge ImmutableString (an object holding it as `val`). One check,
 * not a union: a union records a failed issue for its first branch on every ImmutableString,
 * three per conversation entry, which made checking a 5,000-conversation workspace several times slower.
 */
const storedString = storedStringSchema;

const presetEntry = v.looseObject({
  url: storedString,
  addedAt: v.number(),
  deletedAt: nullableNumber,
  purgedAt: nullableNumber,
  purgedFrom: v.optional(nullableNumber),
  keptBy: v.optional(v.nullable(storedString)),
  purgedKept: v.optional(v.nullable(storedString)),
  // optional (personal order and pins, shared/presets/order.ts): absent in older workspaces
  order: v.optional(v.nullable(v.number())),
  pinned: v.optional(v.boolean()),
});

const conversationEntry = v.looseObject({
  url: storedString,
  title: storedString,
  model: storedString,
  createdAt: v.number(),
  updatedAt: v.number(),
  pinned: v.boolean(),
  deletedAt: nullableNumber,
  purgedAt: nullableNumber,
  purgedFrom: v.optional(nullableNumber),
  keptBy: v.optional(v.nullable(storedString)),
  purgedKept: v.optional(v.nullable(storedString)),
});

const workspaceSchema = v.looseObject({
  schema: v.number(),
  kind: v.literal(KIND.workspace),
  id: v.string(),
  name: v.string(),
  createdAt: v.number(),
  presets: v.record(v.string(), presetEntry),
  conversations: v.record(v.string(), conversationEntry),
  settings: v.looseObject({ maxModels: v.number(), ownThread: v.boolean(), autoTitle: v.boolean(), groupByTag: v.optional(v.boolean()) }),
  // optional (added after schema 1): the workspace's tools, filters and actions
  tools: v.optional(v.record(v.string(), presetEntry)),
});

const messageSchema = v.looseObject({
  id: v.string(),
  parentId: v.nullable(v.string()),
  childrenIds: v.array(v.string()),
  role: v.picklist(['system', 'user', 'assistant', 'tool']),
  // user messages are text; answers since conversation schema 2 are one value (ImmutableString)
  content: storedString,
  model: v.nullable(v.string()),
  thinking: storedString,
  images: v.array(v.string()),
  timestamp: v.number(),
  status: v.picklist(['streaming', 'done', 'stopped', 'error', 'interrupted']),
  error: v.nullable(v.string()),
  stats: v.record(v.string(), v.number()),
  // optional fields added after schema 1 (absent in older documents)
  models: v.optional(v.array(v.string())),
  updatedAt: v.optional(v.number()),
  writer: v.optional(v.string()),
  diagnosis: v.optional(v.nullable(v.looseObject({ code: v.string() }))),
  mergeOf: v.optional(v.array(v.string())),
});

const conversationSchema = v.looseObject({
  schema: v.number(),
  kind: v.literal(KIND.conversation),
  id: v.string(),
  title: v.string(),
  createdAt: v.number(),
  messages: v.record(v.string(), messageSchema),
  currentId: v.nullable(v.string()),
  models: v.array(v.string()),
  titleSource: v.optional(v.picklist(['message', 'model', 'user'])),
});

const blobSchema = v.looseObject({
  schema: v.number(),
  kind: v.literal(KIND.blob),
  mime: v.string(),
  data: v.instance(Uint8Array),
});

const knowledgeSchema = v.looseObject({
  schema: v.number(),
  kind: v.literal(KIND.knowledge),
  name: v.string(),
  type: v.string(),
  size: v.number(),
  text: storedString,
  wholeDocument: v.boolean(),
  createdAt: v.number(),
});

const toolSchema = v.looseObject({
  schema: v.number(),
  kind: v.literal(KIND.tool),
  id: v.string(),
  toolType: v.picklist(['tool', 'filter', 'action']),
  name: v.string(),
  description: v.string(),
  code: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
});

interface DocTypes {
  'atelier/workspace': WorkspaceDoc;
  'atelier/preset': PresetDoc;
  'atelier/conversation': ConversationDoc;
  'atelier/blob': BlobDoc;
  'atelier/knowledge': KnowledgeDoc;
  'atelier/tool': ToolDoc;
}

const schemas: Record<DocKind, v.GenericSchema> = {
  [KIND.workspace]: workspaceSchema,
  [KIND.preset]: PresetSchema,
  [KIND.conversation]: conversationSchema,
  [KIND.blob]: blobSchema,
  [KIND.knowledge]: knowledgeSchema,
  [KIND.tool]: toolSchema,
};

const current: Record<DocKind, number> = {
  [KIND.workspace]: SCHEMA.workspace,
  [KIND.preset]: SCHEMA.preset,
  [KIND.conversation]: SCHEMA.conversation,
  [KIND.blob]: SCHEMA.blob,
  [KIND.knowledge]: SCHEMA.knowledge,
  [KIND.tool]: SCHEMA.tool,
};

export type Checked<T> =
  | { status: 'ok'; doc: T }
  /** older schema: run `migrate` in a change, then check again */
  | { status: 'outdated'; version: number }
  /** written by a newer Atelier: show read-only */
  | { status: 'newer'; version: number; doc: T }
  | { status: 'invalid'; message: string };

export function currentSchema(kind: DocKind): number {
  return current[kind];
}

function describeIssues(issues: v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return 'invalid document';
  const path = first.path?.map((p) => String(p.key)).join('.') ?? '';
  return path ? `${path}: ${first.message}` : first.message;
}

/** Check an untrusted document of the expected kind. Never throws. */
export function checkDoc<K extends DocKind>(kind: K, raw: unknown): Checked<DocTypes[K]> {
  if (typeof raw !== 'object' || raw === null) return { status: 'invalid', message: 'not a document' };
  const r = raw as { kind?: unknown; schema?: unknown };
  if (r.kind !== undefined && r.kind !== kind) {
    return { status: 'invalid', message: `expected a ${kind} document, got ${String(r.kind)}` };
  }
  const version = typeof r.schema === 'number' ? r.schema : 0;
  if (version < current[kind]) return { status: 'outdated', version };
  const parsed = v.safeParse(schemas[kind], raw);
  if (!parsed.success) {
    // a newer shape this build cannot read is not damage: say which it is
    if (version > current[kind]) return { status: 'invalid', message: `written by a newer version of Atelier (${kind} schema ${version}); update Atelier to open it` };
    return { status: 'invalid', message: describeIssues(parsed.issues) };
  }
  const doc = raw as DocTypes[K];
  if (version > current[kind]) return { status: 'newer', version, doc };
  return { status: 'ok', doc };
}
