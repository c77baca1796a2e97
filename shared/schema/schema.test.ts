import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import {
  checkDoc,
  currentSchema,
  entryState,
  initialConversation,
  initialPreset,
  initialWorkspace,
  initialBlob,
  mergeWorkspaceInto,
  migrate,
  moveToTrash,
  purge,
  restoreFromTrash,
  addPresetEntry,
  storedString,
  type PresetDoc,
  type WorkspaceDoc,
} from './index.ts';
import { newId } from './ids.ts';

const preset = () => initialPreset({ id: newId(), slug: 'sql-tutor', name: 'SQL Tutor', baseModel: 'qwen2.5:7b' }, 1000);

describe('initial documents', () => {
  it('carry their kind and the current schema, and validate', () => {
    const ws = initialWorkspace('Home', 1);
    expect(checkDoc('atelier/workspace', Automerge.from(ws))).toMatchObject({ status: 'ok' });
    expect(checkDoc('atelier/preset', Automerge.from(preset()))).toMatchObject({ status: 'ok' });
    const conv = initialConversation(newId(), 'Hello', ['preset:x']);
    expect(checkDoc('atelier/conversation', Automerge.from(conv))).toMatchObject({ status: 'ok' });
    expect(checkDoc('atelier/blob', Automerge.from(initialBlob('image/webp', new Uint8Array([1, 2]))))).toMatchObject({ status: 'ok' });
    expect(ws.schema).toBe(currentSchema('atelier/workspace'));
  });

  it('use maps keyed by id for collections two devices add to', () => {
    const p = preset();
    expect(Array.isArray(p.tags)).toBe(false);
    expect(Array.isArray(p.suggestions)).toBe(false);
    expect(Array.isArray(initialWorkspace('x').presets)).toBe(false);
  });
});

describe('validation of untrusted documents', () => {
  it('rejects a document of another kind with a message', () => {
    const r = checkDoc('atelier/preset', Automerge.from(initialWorkspace('x')));
    expect(r).toEqual({ status: 'invalid', message: 'expected a atelier/preset document, got atelier/workspace' });
  });

  it('rejects missing and mistyped fields, naming the field', () => {
    const bad = { ...preset(), name: 42 };
    const r = checkDoc('atelier/preset', bad);
    expect(r.status).toBe('invalid');
    expect(r.status === 'invalid' && r.message).toMatch(/^name: /);
    const badParams = { ...preset(), params: { temperature: { nested: true } } };
    expect(checkDoc('atelier/preset', badParams).status).toBe('invalid');
    const badEntry = { ...initialWorkspace('x'), presets: { a: { url: 5 } } };
    const r2 = checkDoc('atelier/workspace', badEntry);
    expect(r2.status === 'invalid' && r2.message).toMatch(/^presets\.a\.url/);
  });

  it('rejects non-objects', () => {
    expect(checkDoc('atelier/workspace', null)).toEqual({ status: 'invalid', message: 'not a document' });
    expect(checkDoc('atelier/workspace', 'x')).toEqual({ status: 'invalid', message: 'not a document' });
  });

  it('accepts unknown extra keys (a newer device may add fields) and flags newer schemas as read-only', () => {
    const newer = { ...preset(), schema: currentSchema('atelier/preset') + 1, futureField: [1, 2] };
    const r = checkDoc('atelier/preset', newer);
    expect(r.status).toBe('newer');
    expect(r.status === 'newer' && r.version).toBe(currentSchema('atelier/preset') + 1);
  });
});

describe('migrations', () => {
  it('bring a pre-release preset (no schema, tags as a list) to the current shape inside a change', () => {
    const legacy = Automerge.from<Record<string, unknown>>({
      id: 'p1',
      slug: 'old',
      name: 'Old',
      baseModel: 'llama3.2',
      system: 'Be brief.',
      tags: ['sql', 'work', 'sql'],
      toolIds: ['web'],
    });
    expect(checkDoc('atelier/preset', legacy)).toEqual({ status: 'outdated', version: 0 });
    const migrated = Automerge.change(legacy, (d) => {
      expect(migrate('atelier/preset', d)).toBe(0);
    });
    const r = checkDoc('atelier/preset', migrated);
    expect(r.status).toBe('ok');
    const p = migrated as unknown as PresetDoc;
    expect(p.tags).toEqual({ sql: true, work: true });
    expect(p.toolIds).toEqual({ web: true });
    expect(p.system).toBe('Be brief.');
    expect(p.schema).toBe(currentSchema('atelier/preset'));
  });

  it('bring a pre-release workspace up with default settings, and two devices migrating concurrently converge', () => {
    const base = Automerge.from<Record<string, unknown>>({ id: 'w', presets: {} });
    const a = Automerge.change(Automerge.clone(base), (d) => void migrate('atelier/workspace', d));
    const b = Automerge.change(Automerge.clone(base), (d) => void migrate('atelier/workspace', d));
    const merged = Automerge.merge(a, b);
    expect(checkDoc('atelier/workspace', merged).status).toBe('ok');
    expect((merged as unknown as WorkspaceDoc).settings.maxModels).toBe(2);
  });

  it('leave a current document untouched', () => {
    const d: Record<string, unknown> = { ...preset() };
    const before = JSON.stringify(d);
    migrate('atelier/preset', d);
    expect(JSON.stringify(d)).toBe(before);
  });
});

describe('tombstones', () => {
  it('move to Trash, restore and purge; a purged entry cannot be restored', () => {
    let ws = Automerge.from(initialWorkspace('x'));
    ws = Automerge.change(ws, (d) => addPresetEntry(d, 'p1', 'automerge:abc', 5));
    expect(entryState(ws.presets.p1!)).toBe('live');
    ws = Automerge.change(ws, (d) => moveToTrash(d.presets.p1, 10));
    expect(entryState(ws.presets.p1!)).toBe('trash');
    ws = Automerge.change(ws, (d) => restoreFromTrash(d.presets.p1));
    expect(entryState(ws.presets.p1!)).toBe('live');
    ws = Automerge.change(ws, (d) => purge(d.presets.p1, 20));
    expect(entryState(ws.presets.p1!)).toBe('purged');
    ws = Automerge.change(ws, (d) => restoreFromTrash(d.presets.p1));
    expect(entryState(ws.presets.p1!)).toBe('purged');
    expect(storedString(ws.presets.p1?.url ?? '')).toBe('automerge:abc');
  });

  it('a delete on one device and an edit of the preset on another leave the edited preset in the Trash', () => {
    const ws0 = Automerge.change(Automerge.from(initialWorkspace('x')), (d) => addPresetEntry(d, 'p1', 'automerge:p1'));
    const p0 = Automerge.from(preset());
    const wsA = Automerge.change(Automerge.clone(ws0), (d) => moveToTrash(d.presets.p1));
    const pB = Automerge.change(Automerge.clone(p0), (d) => Automerge.updateText(d, ['system'], 'Edited on B'));
    const ws = Automerge.merge(wsA, Automerge.clone(ws0));
    const p = Automerge.merge(Automerge.clone(p0), pB);
    expect(entryState(ws.presets.p1!)).toBe('trash');
    expect(p.system).toBe('Edited on B');
    const restored = Automerge.change(ws, (d) => restoreFromTrash(d.presets.p1));
    expect(entryState(restored.presets.p1!)).toBe('live');
  });

  it('tags added on two devices both survive (map keyed by tag)', () => {
    const p0 = Automerge.from(preset());
    const a = Automerge.change(Automerge.clone(p0), (d) => (d.tags.sql = true));
    const b = Automerge.change(Automerge.clone(p0), (d) => (d.tags.work = true));
    expect(Object.keys(Automerge.merge(a, b).tags).sort()).toEqual(['sql', 'work']);
  });

  it('concurrent system prompt edits made with updateText merge by character', () => {
    const p0 = Automerge.change(Automerge.from(preset()), (d) => Automerge.updateText(d, ['system'], 'You are a tutor.'));
    const a = Automerge.change(Automerge.clone(p0), (d) => Automerge.updateText(d, ['system'], 'You are a patient tutor.'));
    const b = Automerge.change(Automerge.clone(p0), (d) => Automerge.updateText(d, ['system'], 'You are a tutor. Answer in French.'));
    expect(Automerge.merge(a, b).system).toBe('You are a patient tutor. Answer in French.');
  });
});

describe('mergeWorkspaceInto', () => {
  it('copies entries the target lacks and keeps the target’s own', () => {
    const target = initialWorkspace('shared');
    addPresetEntry(target, 'p1', 'automerge:p1', 1);
    const source = initialWorkspace('local');
    addPresetEntry(source, 'p1', 'automerge:other', 2);
    addPresetEntry(source, 'p2', 'automerge:p2', 3);
    expect(mergeWorkspaceInto(target, source)).toBe(1);
    expect(storedString(target.presets.p1?.url ?? '')).toBe('automerge:p1');
    expect(storedString(target.presets.p2?.url ?? '')).toBe('automerge:p2');
  });
});

describe('conversation fields added after schema 1', () => {
  const message = (extra: Record<string, unknown> = {}) => ({
    id: 'a',
    parentId: null,
    childrenIds: [],
    role: 'assistant',
    content: 'hi',
    model: 'ollama:llama3.2',
    thinking: '',
    images: [],
    timestamp: 1,
    status: 'streaming',
    error: null,
    stats: {},
    ...extra,
  });
  const conv = (msg: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    ...initialConversation('c', 'T', []),
    messages: { a: msg },
    ...extra,
  });

  it('are optional: a document written before them still validates', () => {
    expect(checkDoc('atelier/conversation', Automerge.from(conv(message())))).toMatchObject({ status: 'ok' });
  });

  it('validate when present: heartbeat, writer, models asked, diagnosis, title source', () => {
    const full = conv(message({ updatedAt: 5, writer: 'tab', models: ['ollama:a', 'preset:b'], diagnosis: { code: 'server-down', endpoint: 'http://x', remote: false } }), {
      titleSource: 'user',
    });
    expect(checkDoc('atelier/conversation', Automerge.from(full))).toMatchObject({ status: 'ok' });
    expect(checkDoc('atelier/conversation', conv(message({ diagnosis: null })))).toMatchObject({ status: 'ok' });
  });

  it('reject wrong types, naming the field', () => {
    const r = checkDoc('atelier/conversation', conv(message({ updatedAt: 'soon' })));
    expect(r.status === 'invalid' && r.message).toMatch(/^messages\.a\.updatedAt/);
    expect(checkDoc('atelier/conversation', conv(message({ diagnosis: { nope: 1 } }))).status).toBe('invalid');
    expect(checkDoc('atelier/conversation', conv(message({ models: 'x' }))).status).toBe('invalid');
    expect(checkDoc('atelier/conversation', conv(message(), { titleSource: 'robot' })).status).toBe('invalid');
  });

  it('a streamed answer appended with splice on two devices keeps both devices’ other edits', () => {
    const base = Automerge.from(conv(message({ content: '' })) as Record<string, unknown> & ReturnType<typeof conv>);
    const writer = Automerge.change(Automerge.clone(base), (d) => {
      Automerge.splice(d, ['messages', 'a', 'content'], 0, 0, 'Hello');
      (d.messages.a as Record<string, unknown>).updatedAt = 9;
    });
    const reader = Automerge.change(Automerge.clone(base), (d) => {
      d.title = 'Renamed';
      d.titleSource = 'user';
    });
    const merged = Automerge.merge(writer, reader);
    expect(merged.messages.a).toMatchObject({ content: 'Hello', updatedAt: 9 });
    expect(merged.title).toBe('Renamed');
  });
});

describe('knowledge and tool documents', () => {
  it('validate when new and migrate from the pre-release shape', async () => {
    const { initialKnowledge, initialTool } = await import('./index.ts');
    const k = initialKnowledge({ name: 'notes.md', type: 'text/markdown', size: 12, text: '# Hi\nthere' }, 5);
    expect(checkDoc('atelier/knowledge', Automerge.from(k))).toMatchObject({ status: 'ok' });
    const t = initialTool({ id: newId(), toolType: 'filter', name: 'Shout', code: 'function inlet(r) { return r; }' }, 5);
    expect(checkDoc('atelier/tool', Automerge.from(t))).toMatchObject({ status: 'ok' });

    let old = Automerge.from<Record<string, unknown>>({ kind: 'atelier/knowledge', text: 'abc' });
    expect(checkDoc('atelier/knowledge', old)).toMatchObject({ status: 'outdated', version: 0 });
    old = Automerge.change(old, (d) => {
      migrate('atelier/knowledge', d);
    });
    expect(checkDoc('atelier/knowledge', old)).toMatchObject({ status: 'ok' });
    expect(old.wholeDocument).toBe(false);
    expect(old.size).toBe(3);

    let oldTool = Automerge.from<Record<string, unknown>>({ id: 'x', code: '' });
    oldTool = Automerge.change(oldTool, (d) => {
      migrate('atelier/tool', d);
    });
    expect(checkDoc('atelier/tool', oldTool)).toMatchObject({ status: 'ok' });
    expect(oldTool.toolType).toBe('tool');
  });

  it('refuse a wrong kind or a bad tool type, and keep the workspace tools index optional', async () => {
    const { initialTool, addToolEntry } = await import('./index.ts');
    const t = { ...initialTool({ id: 'a', toolType: 'tool', name: 'T', code: '' }), toolType: 'macro' };
    expect(checkDoc('atelier/tool', Automerge.from(t))).toMatchObject({ status: 'invalid' });
    expect(checkDoc('atelier/knowledge', Automerge.from(t))).toMatchObject({ status: 'invalid' });
    const ws = initialWorkspace('W', 1);
    expect(ws.tools).toBeUndefined();
    addToolEntry(ws, 'a', 'automerge:xyz', 2);
    expect(checkDoc('atelier/workspace', Automerge.from(ws))).toMatchObject({ status: 'ok' });
    const other = initialWorkspace('Other', 1);
    expect(mergeWorkspaceInto(other, ws)).toBe(1);
    expect(storedString(other.tools?.a?.url ?? '')).toBe('automerge:xyz');
  });
});
