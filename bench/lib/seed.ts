/**
 * Test data: presets and conversations written the way the app writes them (one change per
 * user message, answers written whole at a few checkpoints while they stream, as
 * client/chat/stream-writer.ts does, and then settled), generated once per
 * run into a template folder in NodeFSStorageAdapter's layout, then copied into relay
 * storage folders (ours: an account's documents folder; the reference relay: its data folder).
 *
 * Text is pseudo-random but deterministic, so every run and both relays get the same bytes.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import * as A from '@automerge/automerge';
import { generateAutomergeUrl, Repo, type AutomergeUrl, type DocumentId, type PeerId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import {
  addConversationEntry,
  addPresetEntry,
  initialConversation,
  initialPreset,
  initialWorkspace,
  storedOrNull,
  type ConversationDoc,
  type PresetDoc,
  type WorkspaceDoc,
} from '../../shared/schema/index.ts';
import { addTurn } from '../../shared/chat/branch.ts';
import { answerPlaceholder, finishAnswer, userMessage, writeAnswerText } from '../../shared/chat/messages.ts';

/** Mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the model answer local first document sync relay device phone laptop prompt system preset ' +
  'conversation token stream offline cache memory merge change history branch message title ' +
  'python function return value error list index query database table column request response ' +
  'because however therefore example simply quickly carefully usually often never always ' +
  'build test measure improve explain compare write read open close start stop send receive ' +
  'a an of to in on for with by from about into over under between through after before'
).split(' ');

export function words(rand: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

export function paragraphs(rand: () => number, totalWords: number): string {
  const parts: string[] = [];
  let left = totalWords;
  while (left > 0) {
    const n = Math.min(left, 20 + Math.floor(rand() * 40));
    parts.push(words(rand, n));
    left -= n;
  }
  return parts.join('\n\n');
}

export function codeBlock(rand: () => number, lines: number): string {
  const body: string[] = [];
  for (let i = 0; i < lines; i++) {
    const a = WORDS[Math.floor(rand() * WORDS.length)]!;
    const b = WORDS[Math.floor(rand() * WORDS.length)]!;
    body.push(i % 3 === 0 ? `function ${a}_${i}(${b}) {` : i % 3 === 1 ? `  const ${a} = ${b}.map((x) => x * ${i});` : `  return ${a}; }`);
  }
  return '```ts\n' + body.join('\n') + '\n```';
}

const MODELS = ['llama3.2', 'qwen2.5:7b', 'mistral', 'gemma3:4b'];

type Doc<T> = A.Doc<T>;

/** Appends `turns` user/answer pairs to a conversation, as the app does (see client/chat/stream-writer.ts). */
export function writeTurns(
  doc: Doc<ConversationDoc>,
  rand: () => number,
  turns: number,
  opts: { codeEvery?: number; checkpointsPerAnswer?: number; startAt?: number } = {},
): Doc<ConversationDoc> {
  const checkpoints = opts.checkpointsPerAnswer ?? 4;
  let t = opts.startAt ?? 1_700_000_000_000;
  let messageNo = Object.keys(doc.messages).length;
  for (let i = 0; i < turns; i++) {
    const parentId = storedOrNull(doc.currentId);
    const userId = `u${messageNo}-${Math.floor(rand() * 1e9).toString(36)}`;
    const answerId = `a${messageNo + 1}-${Math.floor(rand() * 1e9).toString(36)}`;
    const model = MODELS[Math.floor(rand() * MODELS.length)]!;
    const userText = words(rand, 12 + Math.floor(rand() * 40));
    const withCode = opts.codeEvery !== undefined && (messageNo + 1) % opts.codeEvery === 0;
    let answerText = paragraphs(rand, 60 + Math.floor(rand() * 160));
    if (withCode) answerText += '\n\n' + codeBlock(rand, 6 + Math.floor(rand() * 10));
    t += 30_000;
    doc = A.change(doc, { time: Math.floor(t / 1000) }, (d) => {
      addTurn(
        d,
        userMessage({ id: userId, parentId, content: userText, models: [model], now: t }),
        [answerPlaceholder({ id: answerId, parentId: userId, model, writer: 'bench', now: t })],
      );
    });
    // each checkpoint holds the whole text so far (the last one is the finished answer)
    for (let s = 1; s <= checkpoints; s++) {
      const soFar = answerText.slice(0, Math.ceil((answerText.length * s) / checkpoints));
      doc = A.change(doc, (d) => {
        const m = d.messages[answerId];
        if (m) writeAnswerText(m, { content: soFar });
      });
    }
    t += 5_000;
    doc = A.change(doc, (d) => finishAnswer(d.messages[answerId], { status: 'done', stats: { eval_count: 300 } }, t));
    messageNo += 2;
  }
  return doc;
}

export interface TemplateEntry {
  kind: 'preset' | 'conversation';
  id: string;
  url: AutomergeUrl;
  title: string;
  model: string;
  /** messages in the conversation (conversations only) */
  messages?: number;
}

export interface Template {
  dir: string;
  presets: TemplateEntry[];
  conversations: TemplateEntry[];
  /** the long conversation when asked for */
  long: TemplateEntry | null;
}

export interface TemplateSpec {
  presets: number;
  conversations: number;
  messagesPerConversation: number;
  /** messages of the extra long conversation (0 = none) */
  longMessages: number;
}

function docDir(base: string, documentId: string): string {
  return path.join(base, documentId.slice(0, 2), documentId.slice(2));
}

/** Distinct message histories the conversations are made from. */
const VARIANTS = 50;

function ownActor(i: number): string {
  return `be${i.toString(16).padStart(30, '0')}`;
}

/** Same key as automerge-repo's StorageSubsystem gives a compacted document. */
function snapshotKey(documentId: string, heads: string[]): [string, string, string] {
  const hash = createHash('sha256').update(Buffer.concat(heads.map((h) => Buffer.from(h, 'utf8')))).digest('hex');
  return [documentId, 'snapshot', hash];
}

async function store<T>(storage: NodeFSStorageAdapter, doc: Doc<T>): Promise<AutomergeUrl> {
  const url = generateAutomergeUrl();
  const documentId = url.slice('automerge:'.length);
  await storage.save(snapshotKey(documentId, A.getHeads(doc)), A.save(doc));
  return url;
}

/** Builds (or reuses, when `dir` already holds one for the same spec) a template folder. */
export async function buildTemplate(dir: string, spec: TemplateSpec, log: (line: string) => void): Promise<Template> {
  const manifestPath = path.join(dir, 'manifest.json');
  // the answers' form is part of the key: a template written the older way is built again
  const specKey = JSON.stringify({ ...spec, answers: 'checkpoints' });
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Template & { spec: string };
    if (m.spec === specKey) return { dir, presets: m.presets, conversations: m.conversations, long: m.long };
  }
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const storage = new NodeFSStorageAdapter(path.join(dir, 'docs'));
  const rand = prng(42);
  const presets: TemplateEntry[] = [];
  const conversations: TemplateEntry[] = [];

  for (let i = 0; i < spec.presets; i++) {
    const id = `preset${String(i).padStart(5, '0')}`;
    const name = `Preset ${i} ${words(rand, 2).replace('.', '')}`;
    const baseModel = MODELS[i % MODELS.length]!;
    let doc = A.from(initialPreset({ id, slug: `preset-${i}`, name, baseModel }, 1_700_000_000_000 + i) as unknown as Record<string, unknown>) as Doc<PresetDoc>;
    doc = A.change(doc, (d) => {
      d.description = words(rand, 15);
      d.system = paragraphs(rand, 80);
      d.params.temperature = 0.7;
      d.params.num_ctx = 8192;
      d.tags[['code', 'writing', 'chat', 'study'][i % 4]!] = true;
      d.suggestions[`s${i}`] = { title: words(rand, 3), subtitle: words(rand, 5), prompt: words(rand, 12), order: 1 };
    });
    presets.push({ kind: 'preset', id, url: await store(storage, doc), title: name, model: baseModel });
  }

  // Conversations: Automerge text costs one op per character, so writing 5,000 conversations
  // from scratch takes minutes. Instead a few distinct message histories are written once; each
  // conversation document is one of them (stored as a snapshot) plus its own small root change
  // (id, title, createdAt, models) with no dependencies, stored as an incremental chunk. Every
  // document is complete and valid, and holds as many ops as one written from scratch.
  const variants: Array<{ bytes: Uint8Array; heads: string[] }> = [];
  const nVariants = Math.min(spec.conversations, VARIANTS);
  for (let k = 0; k < nVariants; k++) {
    const { id: _id, title: _title, createdAt: _c, models: _m, ...rest } = initialConversation('', '', [], 0);
    const base = A.from(rest as unknown as Record<string, unknown>) as Doc<ConversationDoc>;
    const full = writeTurns(base, rand, Math.ceil(spec.messagesPerConversation / 2), { startAt: 1_700_000_000_000 + k * 1000 });
    variants.push({ bytes: A.save(full), heads: A.getHeads(full) });
  }
  for (let i = 0; i < spec.conversations; i++) {
    const id = `conv${String(i).padStart(6, '0')}`;
    const title = words(rand, 4).replace('.', '');
    const model = MODELS[i % MODELS.length]!;
    const variant = variants[i % nVariants]!;
    const own = A.from({ id, title, createdAt: 1_700_000_000_000 + i * 1000, models: [model] }, { actor: ownActor(i) });
    const url = generateAutomergeUrl();
    const documentId = url.slice('automerge:'.length);
    await storage.save(snapshotKey(documentId, variant.heads), variant.bytes);
    const ownBytes = A.save(own);
    await storage.save([documentId, 'incremental', createHash('sha256').update(ownBytes).digest('hex')], ownBytes);
    conversations.push({ kind: 'conversation', id, url, title, model, messages: spec.messagesPerConversation });
    if ((i + 1) % 1000 === 0) log(`    template: ${i + 1}/${spec.conversations} conversations (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }

  const conversation = (id: string, title: string, model: string, at: number) =>
    A.from(initialConversation(id, title, [model], at) as unknown as Record<string, unknown>) as Doc<ConversationDoc>;
  let long: TemplateEntry | null = null;
  if (spec.longMessages > 0) {
    const id = 'conv-long';
    const title = `Bench long conversation (${spec.longMessages} messages)`;
    const doc = writeTurns(conversation(id, title, 'llama3.2', 1_690_000_000_000), rand, Math.ceil(spec.longMessages / 2), {
      codeEvery: 10,
      checkpointsPerAnswer: 2,
      startAt: 1_690_000_000_000,
    });
    long = { kind: 'conversation', id, url: await store(storage, doc), title, model: 'llama3.2', messages: spec.longMessages };
  }
  const out: Template = { dir, presets, conversations, long };
  writeFileSync(manifestPath, JSON.stringify({ ...out, spec: specKey }));
  log(`    template built: ${spec.presets} presets, ${spec.conversations} conversations${long ? ', 1 long' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

export interface InstallOptions {
  /** how many of the template's presets / conversations to install (default: all) */
  presets?: number;
  conversations?: number;
  withLong?: boolean;
  /** the workspace document to add the entries to (must be in `storageDir`); null creates one */
  workspaceUrl: AutomergeUrl | null;
}

/**
 * Copies template documents into a relay's storage folder (NodeFSStorageAdapter layout) and
 * lists them in the workspace document. Returns the workspace URL and the installed entries.
 */
export async function installTemplate(
  t: Template,
  storageDir: string,
  opts: InstallOptions,
): Promise<{ workspaceUrl: AutomergeUrl; entries: TemplateEntry[] }> {
  const presets = t.presets.slice(0, opts.presets ?? t.presets.length);
  const conversations = t.conversations.slice(0, opts.conversations ?? t.conversations.length);
  if (opts.withLong && t.long) conversations.push(t.long);
  const entries = [...presets, ...conversations];
  for (const e of entries) {
    const documentId = e.url.slice('automerge:'.length) as DocumentId;
    cpSync(docDir(path.join(t.dir, 'docs'), documentId), docDir(storageDir, documentId), { recursive: true });
  }
  const repo = new Repo({ storage: new NodeFSStorageAdapter(storageDir), peerId: 'bench-install' as PeerId, sharePolicy: async () => false });
  try {
    const ws = opts.workspaceUrl ? await repo.find<WorkspaceDoc>(opts.workspaceUrl) : repo.create<WorkspaceDoc>(initialWorkspace('Bench workspace'));
    let at = 1_700_000_000_000;
    ws.change((d) => {
      for (const p of presets) addPresetEntry(d, p.id, p.url, at++);
      for (const c of conversations) addConversationEntry(d, c.id, { url: c.url, title: c.title, model: c.model }, at++);
    });
    await repo.flush([ws.documentId]);
    return { workspaceUrl: ws.url, entries };
  } finally {
    await repo.shutdown();
  }
}
