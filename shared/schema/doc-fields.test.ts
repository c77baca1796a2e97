import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import * as v from 'valibot';
import { KIND, SCHEMA, type DocKind } from './kinds.ts';
import { immutable, plainValue } from './stored-string.ts';
import { WorkspaceSchema, initialWorkspace, mergeWorkspaceInto, type WorkspaceDoc } from './workspace.ts';
import { ConversationSchema, initialConversation, type ConversationDoc } from './conversation.ts';
import { BlobSchema, initialBlob, type BlobDoc } from './blob.ts';
import { KnowledgeSchema, initialKnowledge, type KnowledgeDoc } from './knowledge.ts';
import { ToolSchema, initialTool, type ToolDoc } from './tool.ts';
import { checkDoc } from './validate.ts';
import { migrate } from './migrate.ts';

/*
 * The workspace, conversation, blob, knowledge and tool schemas are the one list of their
 * documents' fields (presets: preset-fields.test.ts). The fixtures below set every field at every
 * depth (checked against the schemas, so a field added to a schema must get a value here), and
 * every place that handles each field is checked against them: validation refuses each field
 * with a wrong type, migration gives every required field to a pre-release document, and a
 * pairing merge copies every field of an index entry.
 */

const URL = 'automerge:4PnAd7B72rid7iqZEf4GRqiGj3Xf';

function fullWorkspace(): Required<WorkspaceDoc> {
  return {
    schema: SCHEMA.workspace,
    kind: KIND.workspace,
    id: 'w1',
    name: 'Home',
    createdAt: 1,
    presets: {
      p1: { url: immutable(URL), addedAt: 2, deletedAt: 3, purgedAt: 4, purgedFrom: 3, keptBy: immutable('k1'), purgedKept: immutable('k0'), order: 1024, pinned: true },
    },
    conversations: {
      c1: {
        url: immutable(URL),
        title: immutable('Joins'),
        model: immutable('preset:p1'),
        createdAt: 5,
        updatedAt: 6,
        pinned: true,
        deletedAt: 7,
        purgedAt: 8,
        purgedFrom: 7,
        keptBy: immutable('k2'),
        purgedKept: immutable('k1'),
      },
    },
    settings: {
      maxModels: 3,
      ownThread: true,
      autoTitle: true,
      documents: { embeddingModel: 'nomic-embed-text', chunkSize: 800, chunkOverlap: 80, topK: 5, template: '{{CONTEXT}} {{QUERY}}' },
      userName: immutable('Ada'),
      groupByTag: true,
    },
    tools: {
      t1: { url: immutable(URL), addedAt: 9, deletedAt: 10, purgedAt: 11, purgedFrom: 10, keptBy: immutable('k3'), purgedKept: immutable('k3'), order: 7, pinned: true },
    },
    devices: { d1: { name: immutable('Laptop'), actors: { aa11: true } } },
  };
}

function fullConversation(): Required<ConversationDoc> {
  return {
    schema: SCHEMA.conversation,
    kind: KIND.conversation,
    id: 'c1',
    title: 'Joins',
    createdAt: 1,
    messages: {
      u1: {
        id: 'u1',
        parentId: null,
        childrenIds: ['a1'],
        role: 'user',
        content: 'Explain joins',
        model: null,
        thinking: '',
        images: [URL],
        timestamp: 2,
        status: 'done',
        error: null,
        stats: {},
        models: ['preset:p1', 'preset:p2'],
        updatedAt: 2,
        writer: 'tab1',
        diagnosis: null,
        sources: [{ n: 1, name: 'Postgres docs', url: URL, text: 'A join combines rows.' }],
        toolCalls: [{ name: 'calculator', arguments: '{"x":1}', result: '2', error: false }],
        imagesLeftOut: [URL],
        mergeOf: ['a0'],
        files: [{ name: 'notes.md', type: 'text/markdown', size: 12, text: immutable('# Notes') }],
      },
      a1: {
        id: 'a1',
        parentId: 'u1',
        childrenIds: [],
        role: 'assistant',
        content: immutable('A join…'),
        model: 'preset:p1',
        thinking: immutable('They ask about joins.'),
        images: [],
        timestamp: 3,
        status: 'error',
        error: 'Ollama is busy',
        stats: { eval_count: 10 },
        diagnosis: { code: 'busy', message: 'queue full' },
      },
    },
    currentId: 'a1',
    models: ['preset:p1'],
    titleSource: 'user',
  };
}

function fullBlob(): Required<BlobDoc> {
  return { schema: SCHEMA.blob, kind: KIND.blob, mime: 'image/webp', data: new Uint8Array([1, 2, 3]) };
}

function fullKnowledge(): Required<KnowledgeDoc> {
  return { schema: SCHEMA.knowledge, kind: KIND.knowledge, name: 'notes.md', type: 'text/markdown', size: 7, text: immutable('# Notes'), wholeDocument: true, createdAt: 1 };
}

function fullTool(): Required<ToolDoc> {
  return {
    schema: SCHEMA.tool,
    kind: KIND.tool,
    id: 't1',
    toolType: 'filter',
    name: 'Shout',
    description: 'Upper-cases the answer',
    code: 'export const outlet = (s) => s.toUpperCase()',
    network: { all: false, origins: ['https://example.org'] },
    createdAt: 1,
    updatedAt: 2,
  };
}

const KINDS: Array<{ kind: DocKind; schema: v.GenericSchema; full: () => object }> = [
  { kind: KIND.workspace, schema: WorkspaceSchema, full: fullWorkspace },
  { kind: KIND.conversation, schema: ConversationSchema, full: fullConversation },
  { kind: KIND.blob, schema: BlobSchema, full: fullBlob },
  { kind: KIND.knowledge, schema: KnowledgeSchema, full: fullKnowledge },
  { kind: KIND.tool, schema: ToolSchema, full: fullTool },
];

type Path = Array<string | number>;
type AnySchema = v.GenericSchema & { type: string; entries?: Record<string, AnySchema>; wrapped?: AnySchema; value?: AnySchema; item?: AnySchema; typed?: AnySchema };
type Field = { path: Path; unchecked: boolean };

/** Every field a schema describes, at every depth: `*` for any entry of a map, `[]` for any item of a list. */
function schemaFields(schema: AnySchema, at: string, out: Set<string>): Set<string> {
  if (schema.typed) return schemaFields(schema.typed, at, out);
  if (schema.wrapped) return schemaFields(schema.wrapped, at, out);
  if (schema.entries) {
    for (const [k, s] of Object.entries(schema.entries)) {
      out.add(`${at}${k}`);
      schemaFields(s, `${at}${k}.`, out);
    }
  }
  if (schema.value) schemaFields(schema.value, `${at}*.`, out);
  if (schema.item) schemaFields(schema.item, `${at}[].`, out);
  return out;
}

/**
 * The fields of `schema` that `value` sets, at every depth (each entry of a map, each item of a
 * list): their paths, whether validation leaves them unchecked (inside a looseAs field, whose
 * readers take any value), and the set of schema fields (as schemaFields names them) they cover.
 */
function setFields(schema: AnySchema, value: unknown, path: Path, at: string, unchecked: boolean, out: { fields: Field[]; seen: Set<string> }): void {
  if (schema.typed) return setFields(schema.typed, value, path, at, true, out);
  if (schema.wrapped) return setFields(schema.wrapped, value, path, at, unchecked, out);
  if (typeof value !== 'object' || value === null) return;
  if (schema.entries) {
    for (const [k, s] of Object.entries(schema.entries)) {
      const child = (value as Record<string, unknown>)[k];
      if (child === undefined) continue;
      out.seen.add(`${at}${k}`);
      out.fields.push({ path: [...path, k], unchecked: unchecked || s.typed !== undefined || s.wrapped?.typed !== undefined });
      setFields(s, child, [...path, k], `${at}${k}.`, unchecked, out);
    }
  } else if (schema.value) {
    for (const [k, child] of Object.entries(value)) {
      out.fields.push({ path: [...path, k], unchecked });
      setFields(schema.value, child, [...path, k], `${at}*.`, unchecked, out);
    }
  } else if (schema.item && Array.isArray(value)) {
    value.forEach((child, i) => {
      out.fields.push({ path: [...path, i], unchecked });
      setFields(schema.item!, child, [...path, i], `${at}[].`, unchecked, out);
    });
  }
}

function allFields(schema: v.GenericSchema, value: object): { fields: Field[]; missing: string[] } {
  const out = { fields: [] as Field[], seen: new Set<string>() };
  setFields(schema as AnySchema, value, [], '', false, out);
  const missing = [...schemaFields(schema as AnySchema, '', new Set())].filter((f) => !out.seen.has(f));
  return { fields: out.fields, missing };
}

function setAt(doc: object, path: Path, value: unknown): void {
  let o = doc as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path[path.length - 1]!] = value;
}

/** A value of the wrong type for a field now holding `current`. */
const wrongFor = (current: unknown): unknown => (typeof current === 'number' ? 'not a number' : 12345);

describe('each document kind has one schema, the one list of its fields', () => {
  for (const { kind, schema, full } of KINDS) {
    describe(kind, () => {
      it('the fixture sets every field of the schema at every depth, and the stored document validates', () => {
        const doc = full();
        expect(allFields(schema, doc).missing).toEqual([]);
        expect(checkDoc(kind, A.from(doc as Record<string, unknown>))).toMatchObject({ status: 'ok' });
      });

      it('each known field holding a wrong type is refused, naming the field; unchecked fields take anything', () => {
        const { fields } = allFields(schema, full());
        expect(fields.length).toBeGreaterThan(3);
        for (const { path, unchecked } of fields) {
          const doc = full();
          const current = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], doc);
          setAt(doc, path, wrongFor(current));
          const r = checkDoc(kind, A.from(doc as Record<string, unknown>));
          const name = path.join('.');
          if (name === 'schema') expect(r, name).toMatchObject({ status: 'outdated' });
          else if (unchecked) expect(r, name).toMatchObject({ status: 'ok' });
          else if (name === 'kind') expect(r, name).toMatchObject({ status: 'invalid' });
          else expect(r, name).toMatchObject({ status: 'invalid', message: expect.stringMatching(new RegExp(`^${name.replace(/\./g, '\\.')}: `)) as unknown });
        }
      });
    });
  }

  it('what this build writes in the unchecked fields has their typed shape', () => {
    const ws = WorkspaceSchema.entries.settings.entries.documents.wrapped;
    const files = ConversationSchema.entries.messages.value.entries.files.wrapped;
    const network = ToolSchema.entries.network.wrapped;
    expect(v.is(ws.typed, fullWorkspace().settings.documents)).toBe(true);
    expect(v.is(files.typed, fullConversation().messages.u1!.files)).toBe(true);
    expect(v.is(network.typed, fullTool().network)).toBe(true);
    expect(v.is(network.typed, { all: 'yes' })).toBe(false);
  });
});

describe('new documents', () => {
  it('of every kind validate', () => {
    const docs: Array<[DocKind, object]> = [
      [KIND.workspace, initialWorkspace('Home', 1)],
      [KIND.conversation, initialConversation('c1', 'Hello', ['preset:x'], 1)],
      [KIND.blob, initialBlob('image/png', new Uint8Array([1]))],
      [KIND.knowledge, { ...initialKnowledge({ name: 'a.md', type: 'text/markdown', size: 1, text: 'a' }, 1), text: immutable('a') }],
      [KIND.tool, initialTool({ id: 't1', toolType: 'tool', name: 'T', code: '', network: { all: true, origins: [] } }, 1)],
    ];
    for (const [kind, doc] of docs) expect(checkDoc(kind, A.from(doc as Record<string, unknown>)), kind).toMatchObject({ status: 'ok' });
  });
});

describe('migration', () => {
  /** What a pre-release document of each kind held at least: the fields no step can make up. */
  const preRelease: Array<[DocKind, () => Record<string, unknown>]> = [
    [KIND.workspace, () => ({ id: 'w1' })],
    [KIND.conversation, () => ({ id: 'c1', title: 'Old chat' })],
    [KIND.blob, () => ({ mime: 'image/png', data: new Uint8Array([1]) })],
    [KIND.knowledge, () => ({ text: 'old notes' })],
    [KIND.tool, () => ({ id: 't1' })],
  ];

  it('gives a pre-release document of every kind each required field of its schema', () => {
    for (const [kind, old] of preRelease) {
      const migrated = A.change(A.from(old()), (d) => {
        migrate(kind, d);
      });
      expect(checkDoc(kind, migrated), kind).toMatchObject({ status: 'ok' });
    }
  });
});

describe('joining a workspace (mergeWorkspaceInto)', () => {
  it('copies every field of preset, tool and conversation entries, their stored strings as single values', () => {
    const source = A.from(fullWorkspace() as WorkspaceDoc);
    for (const src of [source, structuredClone(source) as WorkspaceDoc]) {
      const joined = A.change(A.from(initialWorkspace('Other', 1)), (d) => {
        expect(mergeWorkspaceInto(d, src)).toBe(3);
      });
      expect(checkDoc(KIND.workspace, joined)).toMatchObject({ status: 'ok' });
      const pairs = [
        [joined.presets.p1, source.presets.p1, WorkspaceSchema.entries.presets.value],
        [joined.tools?.t1, source.tools?.t1, WorkspaceSchema.entries.tools.wrapped.value],
        [joined.conversations.c1, source.conversations.c1, WorkspaceSchema.entries.conversations.value],
      ] as const;
      for (const [copy, original, entrySchema] of pairs) {
        for (const key of Object.keys(entrySchema.entries)) {
          const value = (copy as Record<string, unknown> | undefined)?.[key];
          const expected = (original as Record<string, unknown> | undefined)?.[key];
          expect(plainValue(value), key).toEqual(plainValue(expected));
          if (A.isImmutableString(expected)) expect(A.isImmutableString(value), key).toBe(true);
        }
      }
    }
  });
});
