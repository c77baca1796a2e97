import { describe, expect, it } from 'vitest';
import { initialPreset, type PresetDoc } from '../schema/preset.ts';
import {
  exportFileName,
  exportJson,
  parseOpenWebUIImport,
  presetFromImport,
  presetToOpenWebUI,
  type ImportedPreset,
} from './codec.ts';

const AVATAR = 'data:image/webp;base64,UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA';
const SCHEMA_TEXT = JSON.stringify({ type: 'object', properties: { answer: { type: 'string' } } }, null, 2);

function sample(): PresetDoc {
  const p = initialPreset({ id: 'p1', slug: 'sql-tutor', name: 'SQL Tutor', baseModel: 'qwen2.5:7b' }, 1753500000000);
  p.updatedAt = 1753600000000;
  p.description = 'Explains SQL.';
  p.system = 'You are a patient SQL tutor.';
  p.params = {
    temperature: 0.3,
    top_p: 0.9,
    top_k: 40,
    num_ctx: 8192,
    seed: 42,
    stop: ['<|im_end|>', '\n\nUser:'],
    max_tokens: 1024,
    keep_alive: '5m',
    think: false,
    format: SCHEMA_TEXT,
  };
  // orders deliberately not in key order
  p.suggestions = {
    zz: { title: 'Explain joins', subtitle: 'LEFT vs INNER', prompt: 'Explain LEFT JOIN with an example', order: 1 },
    aa: { title: 'Window functions', subtitle: '', prompt: 'What is ROW_NUMBER?', order: 2 },
    mm: { title: 'Indexes', subtitle: 'B-tree', prompt: 'When does an index help?', order: 1.5 },
  };
  p.tags = { sql: true, databases: true };
  p.vision = false;
  p.capabilities = { citations: true };
  p.knowledge = {
    k1: { name: 'Postgres docs', type: 'collection', url: null, externalId: 'b6c2-1' },
    k2: { name: 'Our notes', type: 'file', url: 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ', externalId: null },
  };
  p.toolIds = { web_scraper: true };
  p.actionIds = { summarize: true };
  return p;
}

describe('presetToOpenWebUI', () => {
  it('produces the reference shape', () => {
    const el = presetToOpenWebUI(sample(), AVATAR);
    expect(el).toEqual({
      id: 'sql-tutor',
      base_model_id: 'qwen2.5:7b',
      name: 'SQL Tutor',
      params: {
        system: 'You are a patient SQL tutor.',
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        num_ctx: 8192,
        seed: 42,
        stop: ['<|im_end|>', '\n\nUser:'],
        max_tokens: 1024,
        keep_alive: '5m',
        think: false,
        format: { type: 'object', properties: { answer: { type: 'string' } } },
      },
      meta: {
        profile_image_url: AVATAR,
        description: 'Explains SQL.',
        capabilities: { citations: true, vision: false },
        suggestion_prompts: [
          { content: 'Explain LEFT JOIN with an example', title: ['Explain joins', 'LEFT vs INNER'] },
          { content: 'When does an index help?', title: ['Indexes', 'B-tree'] },
          { content: 'What is ROW_NUMBER?', title: ['Window functions', ''] },
        ],
        tags: [{ name: 'databases' }, { name: 'sql' }],
        knowledge: [
          { id: 'b6c2-1', name: 'Postgres docs', type: 'collection' },
          { id: 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ', name: 'Our notes', type: 'file' },
        ],
        toolIds: ['web_scraper'],
        filterIds: [],
        actionIds: ['summarize'],
        hidden: false,
      },
      is_active: true,
      created_at: 1753500000,
      updated_at: 1753600000,
    });
  });

  it('writes Open WebUI defaults for empty fields', () => {
    const p = initialPreset({ id: 'p', slug: 'bare', name: 'Bare', baseModel: 'llama3.2' }, 1500);
    p.system = '   ';
    const el = presetToOpenWebUI(p, null);
    expect(el.params).toEqual({});
    expect(el.meta.profile_image_url).toBe('/static/favicon.png');
    expect(el.meta.description).toBeNull();
    expect(el.meta.suggestion_prompts).toBeNull();
    expect(el.created_at).toBe(1);
  });
});

describe('exportFileName', () => {
  it('names files as Open WebUI does', () => {
    expect(exportFileName('one', 'sql-tutor', 1753600000123)).toBe('sql-tutor-1753600000123.json');
    expect(exportFileName('all', null, 1753600000123)).toBe('models-export-1753600000123.json');
    expect(exportFileName('one', 'a:b/c', 5)).toBe('a_b_c-5.json');
  });
});

describe('round trip', () => {
  it('export → JSON → import gives back the same fields', () => {
    const p = sample();
    const text = exportJson([presetToOpenWebUI(p, AVATAR)]);
    const r = parseOpenWebUIImport(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.skipped).toEqual([]);
    expect(r.items).toHaveLength(1);
    const expected: ImportedPreset = {
      slug: 'sql-tutor',
      name: 'SQL Tutor',
      baseModel: 'qwen2.5:7b',
      description: 'Explains SQL.',
      system: 'You are a patient SQL tutor.',
      params: p.params,
      suggestions: [
        { title: 'Explain joins', subtitle: 'LEFT vs INNER', prompt: 'Explain LEFT JOIN with an example' },
        { title: 'Indexes', subtitle: 'B-tree', prompt: 'When does an index help?' },
        { title: 'Window functions', subtitle: '', prompt: 'What is ROW_NUMBER?' },
      ],
      tags: ['databases', 'sql'],
      hidden: false,
      vision: false,
      capabilities: { citations: true },
      avatarDataUrl: AVATAR,
      knowledge: [
        { name: 'Postgres docs', type: 'collection', url: null, externalId: 'b6c2-1', document: null },
        { name: 'Our notes', type: 'file', url: 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ', externalId: null, document: null },
      ],
      toolIds: ['web_scraper'],
      filterIds: [],
      actionIds: ['summarize'],
      createdAt: 1753500000000,
      updatedAt: 1753600000000,
      // an Open WebUI document's text is on that server: the person is told it did not come along
      notes: [{ code: 'knowledge-external', name: 'Postgres docs' }],
      extra: null,
    };
    expect(r.items[0]).toEqual(expected);
  });

  it('preset → export → import → preset is the same document (but for keys)', () => {
    const p = sample();
    p.hidden = true;
    p.vision = true;
    const r = parseOpenWebUIImport(exportJson([presetToOpenWebUI(p, null)]));
    if (!r.ok) throw new Error('import failed');
    let n = 0;
    const back = presetFromImport(r.items[0]!, { id: 'p1', avatar: null, now: 0, makeId: () => `id${++n}` });
    const strip = (d: PresetDoc) => ({
      ...d,
      suggestions: Object.values(d.suggestions)
        .sort((a, b) => a.order - b.order)
        .map(({ title, subtitle, prompt }) => ({ title, subtitle, prompt })),
      knowledge: Object.values(d.knowledge).sort((a, b) => a.name.localeCompare(b.name)),
    });
    expect(strip(back)).toEqual(strip(p));
    expect(Object.values(back.suggestions).map((s) => s.order)).toEqual([1, 2, 3]);
  });
});

describe('parseOpenWebUIImport', () => {
  const minimal = { id: 'x', name: 'X', base_model_id: 'llama3.2' };

  it('refuses too large, non-JSON and wrong shapes', () => {
    expect(parseOpenWebUIImport('[]', { maxBytes: 1 })).toEqual({ ok: false, error: { code: 'too-large', maxBytes: 1, bytes: 2 } });
    expect(parseOpenWebUIImport('"é"', { maxBytes: 3 })).toEqual({ ok: false, error: { code: 'too-large', maxBytes: 3, bytes: 4 } });
    expect(parseOpenWebUIImport('{not json')).toEqual({ ok: false, error: { code: 'not-json' } });
    expect(parseOpenWebUIImport('')).toEqual({ ok: false, error: { code: 'not-json' } });
    expect(parseOpenWebUIImport('42')).toEqual({ ok: false, error: { code: 'wrong-shape' } });
    expect(parseOpenWebUIImport('{"models": []}')).toEqual({ ok: false, error: { code: 'wrong-shape' } });
  });

  it('accepts an empty array, a single object and a byte-order mark', () => {
    expect(parseOpenWebUIImport('[]')).toEqual({ ok: true, items: [], skipped: [] });
    const one = parseOpenWebUIImport('\uFEFF' + JSON.stringify(minimal));
    expect(one.ok && one.items.map((i) => i.slug)).toEqual(['x']);
  });

  it('fills defaults for a minimal element', () => {
    const r = parseOpenWebUIImport(JSON.stringify([minimal]));
    expect(r.ok && r.items[0]).toEqual({
      slug: 'x',
      name: 'X',
      baseModel: 'llama3.2',
      description: '',
      system: '',
      params: {},
      suggestions: [],
      tags: [],
      hidden: false,
      vision: false,
      capabilities: {},
      avatarDataUrl: null,
      knowledge: [],
      toolIds: [],
      filterIds: [],
      actionIds: [],
      createdAt: null,
      updatedAt: null,
      notes: [],
      extra: null,
    });
  });

  it('reads the older { id, info } shape', () => {
    const legacy = [
      {
        id: 'old-model',
        info: {
          base_model_id: 'mistral:7b',
          name: 'Old Model',
          params: { system: 'Be terse.', temperature: 0.5 },
          meta: { description: 'old', tags: ['a', 'b'], suggestion_prompts: [{ content: 'Hi' }] },
        },
      },
    ];
    const r = parseOpenWebUIImport(JSON.stringify(legacy));
    if (!r.ok) throw new Error();
    expect(r.items[0]).toMatchObject({
      slug: 'old-model',
      name: 'Old Model',
      baseModel: 'mistral:7b',
      system: 'Be terse.',
      params: { temperature: 0.5 },
      description: 'old',
      tags: ['a', 'b'],
      suggestions: [{ title: '', subtitle: '', prompt: 'Hi' }],
    });
  });

  it('accepts tags as strings or {name}, trimmed and deduplicated', () => {
    const r = parseOpenWebUIImport(JSON.stringify([{ ...minimal, meta: { tags: [{ name: 'sql' }, ' db ', 'sql', { name: '' }, 5] } }]));
    expect(r.ok && r.items[0]!.tags).toEqual(['sql', 'db']);
  });

  it('skips elements that cannot make a preset, with reasons', () => {
    const r = parseOpenWebUIImport(
      JSON.stringify([
        'nope',
        { base_model_id: 'x' },
        { id: 5, name: 'Five', base_model_id: 'x' },
        { id: 'over', name: 'Override', base_model_id: null },
        { id: 'nobase', name: 'No base' },
        { ...minimal, params: 'temperature=1' },
        { ...minimal, meta: [1] },
        { id: '🚀', name: '✨', base_model_id: 'x' },
        minimal,
      ]),
    );
    if (!r.ok) throw new Error();
    expect(r.items.map((i) => i.slug)).toEqual(['x']);
    expect(r.skipped).toEqual([
      { index: 0, reason: { code: 'not-an-object' } },
      { index: 1, reason: { code: 'missing-id-and-name' } },
      { index: 2, name: 'Five', reason: { code: 'wrong-type', field: 'id' } },
      { index: 3, name: 'Override', reason: { code: 'not-a-preset' } },
      { index: 4, name: 'No base', reason: { code: 'missing-base-model' } },
      { index: 5, name: 'X', reason: { code: 'wrong-type', field: 'params' } },
      { index: 6, name: 'X', reason: { code: 'wrong-type', field: 'meta' } },
      { index: 7, name: '✨', reason: { code: 'bad-id', id: '🚀' } },
    ]);
  });

  it('drops invalid parts with notes and keeps the rest', () => {
    const el = {
      id: 'My Model!',
      name: 'My Model',
      base_model_id: 'llama3.2',
      params: { system: 7, temperature: 5, top_k: 40, function_calling: 'native', stop: [], seed: null },
      meta: {
        profile_image_url: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
        description: 12,
        tags: 'sql',
        suggestion_prompts: [{ title: ['no content'] }, { content: 'ok', title: 'Plain' }],
        knowledge: [{ name: 'no id' }, { collection_name: 'legacy-col', name: 'Legacy' }],
        toolIds: 'web',
        hidden: 'yes',
      },
    };
    const r = parseOpenWebUIImport(JSON.stringify([el]));
    if (!r.ok) throw new Error();
    const item = r.items[0]!;
    expect(item).toMatchObject({
      slug: 'my-model',
      system: '',
      params: { top_k: 40 },
      description: '',
      avatarDataUrl: null,
      tags: [],
      suggestions: [{ title: 'Plain', subtitle: '', prompt: 'ok' }],
      knowledge: [{ name: 'Legacy', type: 'collection', url: null, externalId: 'legacy-col', document: null }],
      toolIds: [],
      hidden: false,
    });
    expect(item.notes).toEqual([
      { code: 'slug-changed', from: 'My Model!', to: 'my-model' },
      { code: 'field-ignored', field: 'params.system' },
      { code: 'param-dropped', key: 'temperature', error: { code: 'param-out-of-range', key: 'temperature', min: 0, max: 2 } },
      { code: 'field-kept', field: 'params.function_calling' },
      { code: 'param-dropped', key: 'stop', error: { code: 'param-list-empty', key: 'stop' } },
      { code: 'field-ignored', field: 'meta.description' },
      { code: 'avatar-dropped' },
      { code: 'field-ignored', field: 'meta.tags' },
      { code: 'field-ignored', field: 'meta.hidden' },
      { code: 'suggestion-dropped', index: 0 },
      { code: 'knowledge-dropped', index: 0 },
      { code: 'knowledge-external', name: 'Legacy' },
      { code: 'field-ignored', field: 'meta.toolIds' },
    ]);
  });

  it('keeps only raster data URLs and http(s) pictures; the default picture is no picture', () => {
    const withAvatar = (url: unknown) => {
      const r = parseOpenWebUIImport(JSON.stringify([{ ...minimal, meta: { profile_image_url: url } }]));
      if (!r.ok) throw new Error();
      return { url: r.items[0]!.avatarDataUrl, notes: r.items[0]!.notes };
    };
    expect(withAvatar('data:image/png;base64,iVBORw0KGgo=')).toEqual({ url: 'data:image/png;base64,iVBORw0KGgo=', notes: [] });
    expect(withAvatar('data:image/gif;base64,R0lGODlh')).toEqual({ url: 'data:image/gif;base64,R0lGODlh', notes: [] });
    expect(withAvatar('https://example.com/a.png')).toEqual({ url: 'https://example.com/a.png', notes: [] });
    expect(withAvatar('/static/favicon.png')).toEqual({ url: null, notes: [] });
    expect(withAvatar(null)).toEqual({ url: null, notes: [] });
    expect(withAvatar('javascript:alert(1)')).toEqual({ url: null, notes: [{ code: 'avatar-dropped' }] });
    expect(withAvatar('data:text/html;base64,PGgxPg==')).toEqual({ url: null, notes: [{ code: 'avatar-dropped' }] });
    expect(withAvatar('data:image/png;base64,<script>')).toEqual({ url: null, notes: [{ code: 'avatar-dropped' }] });
  });

  it('reads vision from capabilities and keeps the other boolean capabilities', () => {
    const r = parseOpenWebUIImport(
      JSON.stringify([{ ...minimal, meta: { capabilities: { vision: true, citations: false, usage: null, x: 'y' } } }]),
    );
    if (!r.ok) throw new Error();
    expect(r.items[0]).toMatchObject({ vision: true, capabilities: { citations: false } });
  });

  it('reads timestamps in seconds (Open WebUI) and tolerates milliseconds', () => {
    const r = parseOpenWebUIImport(JSON.stringify([{ ...minimal, created_at: 1753500000, updated_at: 1753600000123 }]));
    if (!r.ok) throw new Error();
    expect(r.items[0]).toMatchObject({ createdAt: 1753500000000, updatedAt: 1753600000123 });
  });

  it('uses the name when the id is missing, and the id when the name is', () => {
    const r = parseOpenWebUIImport(JSON.stringify([{ name: 'Code Helper', base_model_id: 'x' }, { id: 'only-id', base_model_id: 'x' }]));
    if (!r.ok) throw new Error();
    expect(r.items.map((i) => [i.slug, i.name])).toEqual([
      ['code-helper', 'Code Helper'],
      ['only-id', 'only-id'],
    ]);
    expect(r.items[0]!.notes).toEqual([]);
  });

  it('never throws on hostile input', () => {
    const inputs = [
      'null',
      '[null, 1, "x", [], {}]',
      '[{"id": "a", "base_model_id": "b", "params": {"__proto__": {"x": 1}}, "meta": {"tags": [null, {}], "knowledge": [null, 1], "suggestion_prompts": [null, {"content": 5}]}}]',
      '[{"info": null, "id": "a", "name": "b", "base_model_id": "c"}]',
      '[{"info": {"info": {}}, "id": "a"}]',
    ];
    for (const text of inputs) expect(() => parseOpenWebUIImport(text)).not.toThrow();
    const r = parseOpenWebUIImport(inputs[2]!);
    expect(r.ok && r.items[0]!.params).toEqual({});
  });
});
