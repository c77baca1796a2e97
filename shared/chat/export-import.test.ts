import { describe, expect, it } from 'vitest';
import { initialConversation, type ConversationDoc } from '../schema/conversation.ts';
import { checkDoc } from '../schema/validate.ts';
import { addTurn } from './branch.ts';
import { conversationToMarkdown, conversationToOpenWebUI, exportFileName } from './export.ts';
import { parseOpenWebUIChats, splitReasoning, toMillis } from './import-openwebui.ts';
import { addMessage } from './tree.ts';
import { msg } from './fixtures.test-helpers.ts';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function conversation(): ConversationDoc {
  const d = initialConversation('conv1', 'Joins', ['preset:p1'], 0);
  addTurn(d, msg('u1', null, 'user', { content: 'What is a LEFT JOIN?', models: ['preset:p1'], images: ['automerge:img'], timestamp: 1_700_000_000_000 }), [
    msg('a1', 'u1', 'assistant', {
      model: 'preset:p1',
      content: 'It keeps **every** row.',
      thinking: 'Think of tables.\nTwo lines.',
      stats: { eval_count: 10, eval_duration: 1e9 },
      timestamp: 1_700_000_001_000,
    }),
  ]);
  // an abandoned alternative, not on the visible branch
  addMessage(d, msg('a1x', 'u1', 'assistant', { model: 'ollama:llama3.2:latest', content: 'Old answer', status: 'error', error: 'boom' }));
  d.currentId = 'a1';
  return d;
}

const names: Record<string, string> = { 'preset:p1': 'SQL Tutor', 'ollama:llama3.2:latest': 'llama3.2:latest' };
const ids: Record<string, string> = { 'preset:p1': 'sql-tutor', 'ollama:llama3.2:latest': 'llama3.2:latest' };
const exportOpts = {
  modelId: (r: string | null) => (r ? (ids[r] ?? r) : ''),
  modelName: (r: string | null) => (r ? (names[r] ?? r) : ''),
  images: (m: { images: string[] }) => m.images.map(() => PNG),
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_005_000,
  pinned: true,
};

describe('conversationToMarkdown', () => {
  it('writes the visible branch with speakers, thinking quoted and pictures counted', () => {
    const md = conversationToMarkdown(conversation(), {
      user: 'You',
      modelName: (r) => (r ? (names[r] ?? r) : '?'),
      thinking: 'Thinking',
      images: (n) => `${n} picture(s)`,
      untitled: 'New chat',
    });
    expect(md).toBe(
      [
        '# Joins',
        '### You',
        'What is a LEFT JOIN?',
        '_1 picture(s)_',
        '### SQL Tutor',
        '> **Thinking**\n>\n> Think of tables.\n> Two lines.',
        'It keeps **every** row.',
      ].join('\n\n') + '\n',
    );
    expect(md).not.toContain('Old answer');
  });
});

describe('Open WebUI chat JSON', () => {
  it('exports the whole tree in Open WebUI’s shape', () => {
    const [out] = conversationToOpenWebUI(conversation(), exportOpts);
    expect(out!.title).toBe('Joins');
    expect(out!.created_at).toBe(1_700_000_000);
    expect(out!.pinned).toBe(true);
    expect(out!.chat.models).toEqual(['sql-tutor']);
    expect(out!.chat.history.currentId).toBe('a1');
    expect(Object.keys(out!.chat.history.messages).sort()).toEqual(['a1', 'a1x', 'u1']);
    expect(out!.chat.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(out!.chat.history.messages.u1).toMatchObject({ role: 'user', models: ['sql-tutor'], files: [{ type: 'image', url: PNG }], timestamp: 1_700_000_000, parentId: null, childrenIds: ['a1', 'a1x'] });
    expect(out!.chat.history.messages.a1).toMatchObject({ model: 'sql-tutor', modelName: 'SQL Tutor', done: true, info: { eval_count: 10, 'response_token/s': 10 } });
    expect(out!.chat.history.messages.a1!.content).toMatch(/^<details type="reasoning" done="true">\n<summary>Thought<\/summary>\n> Think of tables.\n> Two lines.\n<\/details>\nIt keeps/);
    expect(out!.chat.history.messages.a1x!.error).toEqual({ content: 'boom' });
  });

  it('round-trips: export then import gives the same tree, thinking and pictures back', () => {
    const exported = JSON.parse(JSON.stringify(conversationToOpenWebUI(conversation(), exportOpts)));
    const back = parseOpenWebUIChats(exported, { resolveModel: (id) => (id === 'sql-tutor' ? 'preset:p1' : `ollama:${id}`), now: 5 });
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    const [chat] = back.chats;
    expect(chat).toMatchObject({ title: 'Joins', pinned: true, currentId: 'a1', models: ['preset:p1'], createdAt: 1_700_000_000_000, updatedAt: 1_700_000_005_000 });
    expect(chat!.images).toEqual({ u1: [PNG] });
    expect(chat!.messages.a1).toMatchObject({ model: 'preset:p1', content: 'It keeps **every** row.', thinking: 'Think of tables.\nTwo lines.', status: 'done', stats: { eval_count: 10, eval_duration: 1e9 } });
    expect(chat!.messages.a1x).toMatchObject({ status: 'error', error: 'boom', model: 'ollama:llama3.2:latest' });
    expect(chat!.messages.u1).toMatchObject({ models: ['preset:p1'], childrenIds: ['a1', 'a1x'], images: [] });
    const doc = { ...initialConversation('x', chat!.title, chat!.models, 0), messages: chat!.messages, currentId: chat!.currentId };
    expect(checkDoc('atelier/conversation', doc).status).toBe('ok');
  });

  it('imports an Open WebUI export as Open WebUI writes it', () => {
    const owui = [
      {
        id: '5b2b…',
        user_id: 'u',
        title: 'New Chat',
        chat: {
          id: '',
          title: 'New Chat',
          models: ['llama3.2:latest'],
          history: {
            currentId: 'b',
            messages: {
              a: { id: 'a', parentId: null, childrenIds: ['b'], role: 'user', content: 'Hello there\nsecond line', timestamp: 1720000000, models: ['llama3.2:latest'] },
              b: { id: 'b', parentId: 'a', childrenIds: [], role: 'assistant', content: 'Hi!', model: 'llama3.2:latest', done: true, timestamp: 1720000002 },
            },
          },
          messages: [],
          timestamp: 1720000000123,
        },
        updated_at: 1720000010,
        created_at: 1720000000,
      },
      { id: 'broken', title: 'Broken', chat: { history: { messages: {} } } },
      42,
    ];
    const r = parseOpenWebUIChats(owui, { resolveModel: (id) => `ollama:${id}`, now: 1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.chats).toHaveLength(1);
    expect(r.chats[0]).toMatchObject({ title: 'Hello there', currentId: 'b', createdAt: 1_720_000_000_000, updatedAt: 1_720_000_010_000, pinned: false });
    expect(r.skipped).toEqual([
      { index: 1, title: 'Broken', reason: 'no-messages' },
      { index: 2, title: '', reason: 'not-a-chat' },
    ]);
  });

  it('repairs broken links, drops unknown roles, chains a flat list, picks a leaf when currentId is missing', () => {
    const r = parseOpenWebUIChats(
      {
        title: 'Flat',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'one' }] },
          { role: 'tool', content: 'x' },
          { role: 'assistant', content: 'two', done: false },
        ],
      },
      { resolveModel: (id) => id, now: 1_000_000_000_000 },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.chats[0]!;
    expect(Object.keys(c.messages)).toEqual(['m0', 'm2']);
    expect(c.messages.m0).toMatchObject({ content: 'one', childrenIds: ['m2'], parentId: null });
    expect(c.messages.m2).toMatchObject({ parentId: 'm0', status: 'interrupted' });
    expect(c.currentId).toBe('m2');

    const tree = parseOpenWebUIChats(
      { chat: { history: { currentId: 'ghost', messages: { a: { role: 'user', content: 'q', parentId: 'missing', childrenIds: ['b', 'b', 'zzz'], timestamp: 1 }, b: { role: 'assistant', content: 'r', parentId: 'a', childrenIds: [], timestamp: 2 }, c: { role: 'assistant', content: 's', parentId: 'a', timestamp: 3 } } } } },
      { resolveModel: (id) => id, now: 1 },
    );
    expect(tree.ok && tree.chats[0]).toMatchObject({ currentId: 'c', title: 'q' });
    expect(tree.ok && tree.chats[0]!.messages.a!.childrenIds).toEqual(['b', 'c']);
    expect(tree.ok && tree.chats[0]!.messages.a!.parentId).toBeNull();
  });

  it('refuses what is not a chat export', () => {
    expect(parseOpenWebUIChats({ hello: 1 }, { resolveModel: (x) => x, now: 1 })).toEqual({ ok: false, error: 'wrong-shape' });
    expect(parseOpenWebUIChats([], { resolveModel: (x) => x, now: 1 })).toEqual({ ok: false, error: 'wrong-shape' });
    expect(parseOpenWebUIChats([1, 'x'], { resolveModel: (x) => x, now: 1 })).toEqual({ ok: false, error: 'wrong-shape' });
  });

  it('normalises times and reasoning blocks', () => {
    expect(toMillis(1_720_000_000, 0)).toBe(1_720_000_000_000);
    expect(toMillis(1_720_000_000_123, 0)).toBe(1_720_000_000_123);
    expect(toMillis(1_720_000_000_123_456_789, 0)).toBe(1_720_000_000_123);
    expect(toMillis('x', 7)).toBe(7);
    expect(splitReasoning('plain')).toEqual({ thinking: '', content: 'plain' });
    expect(splitReasoning('<details type="reasoning" done="true" duration="2">\n<summary>Thought for 2 seconds</summary>\n> a\n> b\n</details>\nAnswer')).toEqual({ thinking: 'a\nb', content: 'Answer' });
  });

  it('names export files from the title', () => {
    expect(exportFileName('Élan: SQL joins!', 'md')).toBe('chat-elan-sql-joins.md');
    expect(exportFileName('🚀', 'json')).toBe('chat-export.json');
  });
});

describe('attached files in exports', () => {
  function withFile(): ConversationDoc {
    const d = initialConversation('conv2', 'Brief', ['ollama:llama3.2:latest'], 0);
    const files = [{ name: 'brief.pdf', type: 'application/pdf', size: 1234, text: 'Budget is 7 thousand.' }];
    addTurn(d, msg('u1', null, 'user', { content: 'Read it', models: ['ollama:llama3.2:latest'], files }), [msg('a1', 'u1', 'assistant', { model: 'ollama:llama3.2:latest' })]);
    return d;
  }

  it('Markdown names them; Open WebUI’s JSON carries their text, and importing it gives them back', () => {
    const md = conversationToMarkdown(withFile(), { user: 'You', modelName: (r) => r ?? '', thinking: 'Thinking', images: (n) => `${n} pictures`, files: (l) => `Files: ${l}`, untitled: 'Untitled' });
    expect(md).toContain('Read it\n\n_Files: brief.pdf_');
    const exported = JSON.parse(JSON.stringify(conversationToOpenWebUI(withFile(), exportOpts)));
    expect(exported[0].chat.history.messages.u1.files).toEqual([
      { type: 'file', name: 'brief.pdf', size: 1234, file: { filename: 'brief.pdf', meta: { name: 'brief.pdf', content_type: 'application/pdf', size: 1234 }, data: { content: 'Budget is 7 thousand.' } } },
    ]);
    const back = parseOpenWebUIChats(exported, { resolveModel: (id) => `ollama:${id}`, now: 5 });
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    const [file] = back.chats[0]!.messages.u1!.files!;
    expect({ ...file, text: String(file!.text) }).toEqual({ name: 'brief.pdf', type: 'application/pdf', size: 1234, text: 'Budget is 7 thousand.' });
  });
});
