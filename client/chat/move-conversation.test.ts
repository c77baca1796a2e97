import { describe, expect, it } from 'vitest';
import { Repo, type AutomergeUrl, type DocHandle } from '@automerge/automerge-repo';
import { parseAutomergeUrl } from '@automerge/automerge-repo';
import { next as A, isImmutableString } from '@automerge/automerge';
import { storableMessage, type ChatMessage, type ConversationDoc } from '../../shared/schema/conversation.ts';
import { SCHEMA } from '../../shared/schema/kinds.ts';
import { addConversationEntry, immutable, initialWorkspace, plainValue, storedString, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { checkDoc } from '../../shared/schema/validate.ts';
import type { MovableConversation } from '../../shared/chat/conversation-move.ts';
import { settleConversation } from './move-conversation.ts';

/*
 * Real Automerge and real Repos. Two devices are two Repos without a network: "syncing" a
 * document merges one device's copy into the other's (as the relay's sync does), so a test
 * decides exactly what each device has seen.
 */

const ID = 'conv-1';
const opts = { minChars: 1 };

/** A conversation as builds before schema 2 wrote it: every text typed or streamed as collaborative text. */
function oldConversation(messages = 6, chunk = 'Some streamed words of an answer. '): A.Doc<ConversationDoc> {
  let d = A.from<ConversationDoc>({ schema: 1, kind: 'atelier/conversation', id: ID, title: 'Old talk', createdAt: 5, messages: {}, currentId: null, models: ['ollama:m'] });
  let parent: string | null = null;
  for (let i = 0; i < messages; i++) {
    const id = `m${i}`;
    const user = i % 2 === 0;
    const p = parent;
    d = A.change(d, (x) => {
      const m: ChatMessage = {
        id, parentId: p, childrenIds: [], role: user ? 'user' : 'assistant', content: '', model: user ? null : 'ollama:m',
        thinking: '', images: [], timestamp: 100 + i, status: user ? 'done' : 'streaming', error: null, stats: {},
      };
      if (user) {
        m.models = ['ollama:m'];
        m.files = [{ name: 'notes.txt', type: 'text/plain', size: 12, text: 'file text ' + i }];
      } else {
        m.updatedAt = 200 + i;
        m.writer = 'tab-1';
        m.sources = [{ n: 1, name: 'doc', url: '', text: 'a passage' }];
        m.toolCalls = [{ name: 'calc', arguments: '{"x":1}', result: '2', error: false }];
        m.imagesLeftOut = [];
        m.diagnosis = null;
      }
      x.messages[id] = m;
      if (p) x.messages[p]!.childrenIds.push(id);
      x.currentId = id;
      x.titleSource = 'model';
    });
    // streamed: the text grows in several changes, character operations each time
    for (let b = 1; b <= (user ? 1 : 4); b++) {
      d = A.change(d, (x) => A.updateText(x, ['messages', id, 'content'], chunk.repeat(b * 15) + id));
      if (!user) d = A.change(d, (x) => A.updateText(x, ['messages', id, 'thinking'], 'thinking '.repeat(b)));
    }
    if (!user) d = A.change(d, (x) => { x.messages[id]!.status = 'done'; x.messages[id]!.stats = { eval_count: 3 }; });
    parent = id;
  }
  return d;
}

type Device = { repo: Repo; ws: DocHandle<WorkspaceDoc> };

function device(): Device {
  return { repo: new Repo({ network: [] }), ws: undefined as unknown as DocHandle<WorkspaceDoc> };
}

/** One device with the old conversation and a workspace naming it. */
function firstDevice(messages?: number): { dev: Device; oldUrl: string } {
  const dev = device();
  const old = dev.repo.import<ConversationDoc>(A.save(oldConversation(messages)));
  dev.ws = dev.repo.create<WorkspaceDoc>(initialWorkspace('W', 1));
  dev.ws.change((d) => addConversationEntry(d, ID, { url: old.url, title: 'Old talk', model: 'ollama:m' }, 1));
  return { dev, oldUrl: old.url };
}

/** Everything `from` holds of these documents reaches `to` (a sync). */
async function sync(from: Device, to: Device, urls: string[]): Promise<void> {
  for (const url of urls) {
    const src = from.repo.handles[parseAutomergeUrl(url as AutomergeUrl).documentId];
    if (!src) continue;
    await src.whenReady();
    const bytes = A.save(src.doc());
    const docId = parseAutomergeUrl(url as AutomergeUrl).documentId;
    const dst = to.repo.handles[docId];
    if (dst) dst.update((d) => A.merge(d, A.load(bytes)));
    else to.repo.import(bytes, { docId });
  }
  if (!to.ws) to.ws = to.repo.handles[from.ws.documentId] as DocHandle<WorkspaceDoc>;
}

const entryUrl = (dev: Device) => storedString(dev.ws.doc().conversations[ID]!.url);
const docAt = async (dev: Device, url: string) => (await dev.repo.find<MovableConversation>(url as AutomergeUrl)).doc();
const allUrls = (dev: Device, ...more: string[]) => [dev.ws.url, ...Object.keys(dev.repo.handles).map((id) => `automerge:${id}`), ...more];
const messagesOf = (d: MovableConversation) => plainValue(d.messages);

describe('moving a conversation written as collaborative text', () => {
  it('keeps every field of every message, texts and short fields one value each, in a document of this build\'s schema', async () => {
    const { dev, oldUrl } = firstDevice();
    const before = plainValue((await docAt(dev, oldUrl)) as ConversationDoc);
    const newUrl = await settleConversation(dev.repo, dev.ws, ID, oldUrl, opts);

    expect(newUrl).not.toBe(oldUrl);
    expect(entryUrl(dev)).toBe(newUrl);
    const moved = await docAt(dev, newUrl);
    const { movedFrom, ...rest } = plainValue(moved);
    expect(rest).toEqual({ ...before, schema: SCHEMA.conversation });
    expect(movedFrom?.url).toBe(oldUrl);
    expect(isImmutableString(moved.currentId)).toBe(true);
    for (const x of moved.models) expect(isImmutableString(x)).toBe(true);
    for (const m of Object.values(moved.messages)) {
      for (const v of [m.content, m.thinking, m.id, m.role, m.status, ...m.childrenIds, ...(m.models ?? [])]) expect(isImmutableString(v)).toBe(true);
      for (const v of [m.parentId, m.model, m.writer]) if (v !== null && v !== undefined) expect(isImmutableString(v)).toBe(true);
      for (const f of m.files ?? []) expect(isImmutableString(f.text)).toBe(true);
    }
    expect(checkDoc('atelier/conversation', moved).status).toBe('ok');
    const old = await docAt(dev, oldUrl);
    expect(storedString(old.movedTo!)).toBe(newUrl);
    expect(typeof old.movedAt).toBe('number');
    // opened again (or through an old link to the old document): the same document, no second move
    expect(await settleConversation(dev.repo, dev.ws, ID, newUrl, opts)).toBe(newUrl);
    expect(await settleConversation(dev.repo, dev.ws, ID, oldUrl, opts)).toBe(newUrl);
  });

  it('loads with far fewer operations than the document it left', async () => {
    const { dev, oldUrl } = firstDevice(40);
    const newUrl = await settleConversation(dev.repo, dev.ws, ID, oldUrl, opts);
    const opsOf = (d: MovableConversation) => A.stats(A.load(A.save(d))).numOps;
    const oldOps = opsOf(await docAt(dev, oldUrl));
    const newOps = opsOf(await docAt(dev, newUrl));
    expect(newOps * 10).toBeLessThan(oldOps);
  });

  it('moves a schema-2 conversation (texts one value each, short fields still text) into one with every short field one value', async () => {
    const dev = device();
    let d = A.from<ConversationDoc>({ schema: 2, kind: 'atelier/conversation', id: ID, title: 'Schema 2', createdAt: 5, messages: {}, currentId: null, models: ['ollama:m'] });
    let parent: string | null = null;
    for (let i = 0; i < 30; i++) {
      const id = `message-${i}-0123456789`;
      const p = parent;
      d = A.change(d, (x) => {
        // as schema-2 builds wrote it: ids, role, status and model plain strings (text), the text one value
        x.messages[id] = { id, parentId: p, childrenIds: [], role: i % 2 ? 'assistant' : 'user', content: immutable('text ' + i), model: 'ollama:m', thinking: immutable(''), images: [], timestamp: i, status: 'done', error: null, stats: {} };
        if (p) x.messages[p]!.childrenIds.push(id);
        x.currentId = id;
      });
      parent = id;
    }
    const old = dev.repo.import<ConversationDoc>(A.save(d));
    dev.ws = dev.repo.create<WorkspaceDoc>(initialWorkspace('W', 1));
    dev.ws.change((w) => addConversationEntry(w, ID, { url: old.url, title: 'Schema 2', model: 'ollama:m' }, 1));

    const newUrl = await settleConversation(dev.repo, dev.ws, ID, old.url);
    expect(newUrl).not.toBe(old.url);
    const moved = await docAt(dev, newUrl);
    expect(plainValue(moved.messages)).toEqual(plainValue(d.messages));
    for (const m of Object.values(moved.messages)) expect(m).toEqual(storableMessage(m));
    const opsOf = (x: MovableConversation) => A.stats(A.load(A.save(x))).numOps;
    expect(opsOf(moved) * 3).toBeLessThan(opsOf(await docAt(dev, old.url)));
  });

  it('leaves a light conversation where it is', async () => {
    const { dev, oldUrl } = firstDevice(1);
    expect(await settleConversation(dev.repo, dev.ws, ID, oldUrl)).toBe(oldUrl);
    expect((await docAt(dev, oldUrl)).movedTo).toBeUndefined();
  });

  it('an edit made offline on the old document by a second device after the move arrives in the new one, and edits made in the new one stay', async () => {
    const { dev: a, oldUrl } = firstDevice();
    const b = device();
    await sync(a, b, [a.ws.url, oldUrl]);

    // A moves; B, offline, has not seen it and keeps writing to the old document
    const newUrl = await settleConversation(a.repo, a.ws, ID, oldUrl, opts);
    const oldB = await b.repo.find<ConversationDoc>(oldUrl as AutomergeUrl);
    oldB.change((d) => {
      d.messages.m6 = { id: 'm6', parentId: 'm5', childrenIds: [], role: 'user', content: 'from B offline', model: null, thinking: '', images: [], timestamp: 900, status: 'done', error: null, stats: {} };
      d.messages.m5!.childrenIds.push('m6');
      d.currentId = 'm6';
      d.messages.m3!.stats = { eval_count: 42 };
      d.title = 'Renamed on B';
      d.titleSource = 'user';
      delete d.messages.m1!.writer;
    });
    // A writes a sibling answer in the new document meanwhile
    const newA = await a.repo.find<MovableConversation>(newUrl as AutomergeUrl);
    newA.change((d) => {
      d.messages.a2 = { id: 'a2', parentId: 'm5', childrenIds: [], role: 'user', content: immutable('from A'), model: null, thinking: immutable(''), images: [], timestamp: 901, status: 'done', error: null, stats: {} };
      d.messages.m5!.childrenIds.push('a2');
    });

    await sync(b, a, [oldUrl]);
    expect(await settleConversation(a.repo, a.ws, ID, entryUrl(a), opts)).toBe(newUrl);

    const moved = await docAt(a, newUrl);
    expect(storedString(moved.messages.m6!.content)).toBe('from B offline');
    expect(storedString(moved.messages.a2!.content)).toBe('from A');
    expect(moved.messages.m5!.childrenIds.map(storedString).sort()).toEqual(['a2', 'm6']);
    expect(moved.messages.m3!.stats).toEqual({ eval_count: 42 });
    expect(moved.messages.m1!.writer).toBeUndefined();
    expect(moved.title).toBe('Renamed on B');
    expect(moved.titleSource).toBe('user');
    expect(storedString(moved.currentId!)).toBe('m6');
    expect(storedString(moved.movedFrom!.heads[0]!)).toBe(A.getHeads(await docAt(a, oldUrl))[0]);

    // a later deletion on the old document arrives too
    oldB.change((d) => {
      delete d.messages.m6;
      d.messages.m5!.childrenIds.splice(d.messages.m5!.childrenIds.map(storedString).indexOf('m6'), 1);
    });
    await sync(b, a, [oldUrl]);
    await settleConversation(a.repo, a.ws, ID, entryUrl(a), opts);
    const after = await docAt(a, newUrl);
    expect(after.messages.m6).toBeUndefined();
    expect(after.messages.m5!.childrenIds.map(storedString)).toEqual(['a2']);
  });

  it('an edit carried over from the old document never switches the branch or title chosen in the new one since the move', async () => {
    const { dev: a, oldUrl } = firstDevice();
    const b = device();
    await sync(a, b, [a.ws.url, oldUrl]);
    const newUrl = await settleConversation(a.repo, a.ws, ID, oldUrl, opts);

    // on A, in the moved document: a new turn (shown) and a rename
    const newA = await a.repo.find<MovableConversation>(newUrl as AutomergeUrl);
    newA.change((d) => {
      d.messages.a6 = { id: 'a6', parentId: 'm5', childrenIds: [], role: 'user', content: immutable('from A'), model: null, thinking: immutable(''), images: [], timestamp: 901, status: 'done', error: null, stats: {} };
      d.messages.m5!.childrenIds.push('a6');
      d.currentId = 'a6';
      d.title = 'Renamed on A';
    });
    // B, offline and not aware of the move, adds its own turn to the old document and renames it
    const oldB = await b.repo.find<ConversationDoc>(oldUrl as AutomergeUrl);
    oldB.change((d) => {
      d.messages.b6 = { id: 'b6', parentId: 'm5', childrenIds: [], role: 'user', content: 'from B', model: null, thinking: '', images: [], timestamp: 900, status: 'done', error: null, stats: {} };
      d.messages.m5!.childrenIds.push('b6');
      d.currentId = 'b6';
      d.title = 'Renamed on B';
    });

    await sync(b, a, [oldUrl]);
    await settleConversation(a.repo, a.ws, ID, entryUrl(a), opts);
    const moved = newA.doc();
    // B's turn arrives as another version of the same turn; A's choices stand
    expect(storedString(moved.messages.b6!.content)).toBe('from B');
    expect(moved.messages.m5!.childrenIds.map(storedString).sort()).toEqual(['a6', 'b6']);
    expect(storedString(moved.currentId!)).toBe('a6');
    expect(storedString(moved.title)).toBe('Renamed on A');
  });

  it('an answer another device still streams into the old document appears in the new one checkpoint by checkpoint, without opening it again', async () => {
    const { dev: a, oldUrl } = firstDevice();
    const b = device();
    await sync(a, b, [a.ws.url, oldUrl]);
    const newUrl = await settleConversation(a.repo, a.ws, ID, oldUrl, opts);
    // opened again as the chat opens it: the carry-over deferred, then following the old document
    await settleConversation(a.repo, a.ws, ID, newUrl, { ...opts, defer: (work) => work() });
    const oldB = await b.repo.find<ConversationDoc>(oldUrl as AutomergeUrl);
    const newA = await a.repo.find<MovableConversation>(newUrl as AutomergeUrl);
    const streamed = () => storedString(newA.doc().messages.m6?.content ?? '');

    oldB.change((d) => {
      d.messages.m6 = { id: 'm6', parentId: 'm5', childrenIds: [], role: 'assistant', content: immutable('First checkpoint'), model: 'ollama:m', thinking: immutable(''), images: [], timestamp: 900, status: 'streaming', error: null, stats: {} };
      d.messages.m5!.childrenIds.push('m6');
    });
    await sync(b, a, [oldUrl]);
    await expect.poll(streamed).toBe('First checkpoint');

    oldB.change((d) => {
      d.messages.m6!.content = immutable('First checkpoint, then the end.');
      d.messages.m6!.status = 'done';
    });
    await sync(b, a, [oldUrl]);
    await expect.poll(streamed).toBe('First checkpoint, then the end.');
    expect(storedString(newA.doc().messages.m6!.status)).toBe('done');
  });

  it('two devices moving the same conversation concurrently converge on one document that holds both sides’ edits', async () => {
    const { dev: a, oldUrl } = firstDevice();
    const b = device();
    await sync(a, b, [a.ws.url, oldUrl]);

    const urlA = await settleConversation(a.repo, a.ws, ID, oldUrl, opts);
    const urlB = await settleConversation(b.repo, b.ws, ID, oldUrl, opts);
    expect(urlA).not.toBe(urlB);
    const add = async (dev: Device, url: string, id: string) => {
      const h = await dev.repo.find<MovableConversation>(url as AutomergeUrl);
      h.change((d) => {
        d.messages[id] = { id, parentId: 'm5', childrenIds: [], role: 'user', content: immutable(id), model: null, thinking: immutable(''), images: [], timestamp: 1, status: 'done', error: null, stats: {} };
        d.messages.m5!.childrenIds.push(id);
      });
    };
    await add(a, urlA, 'fromA');
    await add(b, urlB, 'fromB');

    // they meet: each settles what it now has, and they meet again
    await sync(a, b, allUrls(a));
    await sync(b, a, allUrls(b));
    for (const dev of [a, b]) await settleConversation(dev.repo, dev.ws, ID, entryUrl(dev), opts);
    await sync(a, b, allUrls(a));
    await sync(b, a, allUrls(b));
    for (const dev of [a, b]) await settleConversation(dev.repo, dev.ws, ID, entryUrl(dev), opts);

    expect(entryUrl(a)).toBe(entryUrl(b));
    const winner = entryUrl(a);
    expect([urlA, urlB]).toContain(winner);
    for (const dev of [a, b]) {
      const d = await docAt(dev, winner);
      expect(Object.keys(messagesOf(d)).sort()).toEqual(['fromA', 'fromB', 'm0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      expect(d.messages.m5!.childrenIds.map(storedString).sort()).toEqual(['fromA', 'fromB']);
      expect(d.movedTo).toBeUndefined();
    }
    // the losing copy points at the winner, so an old link to it lands there too
    const loser = winner === urlA ? urlB : urlA;
    expect(storedString((await docAt(a, loser)).movedTo!)).toBe(winner);
    // and it is still referenced (backups, the relay push): from the winner's record of it
    expect(JSON.stringify(plainValue(await docAt(a, winner)))).toContain(loser);
  });
});
