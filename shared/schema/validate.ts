import * as v from 'valibot';
import { KIND, SCHEMA, type DocKind } from './kinds.ts';
import { WorkspaceSchema, type WorkspaceDoc } from './workspace.ts';
import { PresetSchema, type PresetDoc } from './preset.ts';
import { ConversationSchema, type ConversationDoc } from './conversation.ts';
import { BlobSchema, type BlobDoc } from './blob.ts';
import { KnowledgeSchema, type KnowledgeDoc } from './knowledge.ts';
import { ToolSchema, type ToolDoc } from './tool.ts';

/*
 * Validation of documents that came from elsewhere (another device, another version,
 * a backup), with each kind's schema (next to its type, the one list of its fields).
 * Unknown keys are allowed (a newer device may add fields); missing or mistyped known
 * keys are not. The document is returned as it is, never the parser's output (which
 * leaves unknown keys out).
 */

interface DocTypes {
  'atelier/workspace': WorkspaceDoc;
  'atelier/preset': PresetDoc;
  'atelier/conversation': ConversationDoc;
  'atelier/blob': BlobDoc;
  'atelier/knowledge': KnowledgeDoc;
  'atelier/tool': ToolDoc;
}

const schemas: { [K in DocKind]: v.GenericSchema<unknown, DocTypes[K]> } = {
  [KIND.workspace]: WorkspaceSchema,
  [KIND.preset]: PresetSchema,
  [KIND.conversation]: ConversationSchema,
  [KIND.blob]: BlobSchema,
  [KIND.knowledge]: KnowledgeSchema,
  [KIND.tool]: ToolSchema,
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
