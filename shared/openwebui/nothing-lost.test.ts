import { describe, expect, it } from 'vitest';
import { parseModelfile } from '../modelfile/parse.ts';
import { looksLikeModelfile, modelfileToImport } from '../modelfile/to-import.ts';
import { clonePresetFields } from '../presets/clone.ts';
import { exportJson, parseOpenWebUIImport, presetFromImport, presetToOpenWebUI } from './codec.ts';
import type { OwuiCarriedDocument } from './types.ts';

/*
 * Trust properties of import and export: what Atelier does not use is kept and written back,
 * and what it cannot keep is listed, item by item, exactly.
 */

/** One element as a recent Open WebUI writes it to `models-export-<ms>.json`. */
function openWebUIElement() {
  return {
    id: 'coder',
    user_id: '5f0c2a6e-1b7d-4c7e-9d1a-2f1e0b9c8d7e',
    base_model_id: 'qwen2.5-coder:7b',
    name: 'Coder',
    params: {
      system: 'You write careful TypeScript.',
      num_predict: 2048,
      temperature: 'hot',
      top_k: 40,
      custom_params: { reasoning_effort: 'low' },
    },
    meta: {
      profile_image_url: '/static/favicon.png',
      description: 'Pairs on code.',
      capabilities: { vision: false, file_upload: true, web_search: true, citations: true, usage: false },
      suggestion_prompts: null,
      tags: [{ name: 'code' }],
      knowledge: [
        {
          id: 'c1f0a7d2-collection',
          name: 'Style guide',
          type: 'collection',
          description: 'House rules',
          user_id: '5f0c2a6e-1b7d-4c7e-9d1a-2f1e0b9c8d7e',
          data: { file_ids: ['f-1', 'f-2'] },
        },
      ],
      toolIds: ['web_scraper'],
      skillIds: ['refactor-skill'],
      builtinTools: { web_search: true, image_generation: false },
      defaultFilterIds: ['rate-limit'],
      filterIds: ['rate-limit'],
      actionIds: [],
      hidden: false,
    },
    access_control: null,
    is_active: true,
    created_at: 1753500000,
    updated_at: 1753600000,
  };
}

function importOne(text: string) {
  const r = parseOpenWebUIImport(text);
  if (!r.ok || r.items.length !== 1) throw new Error(`import failed: ${JSON.stringify(r)}`);
  return r.items[0]!;
}

describe('an Open WebUI export imported into Atelier', () => {
  it('the summary notes list exactly what was dropped and what was kept unused', () => {
    const item = importOne(JSON.stringify([openWebUIElement()]));
    expect(item.notes).toEqual([
      { code: 'field-kept', field: 'user_id' },
      { code: 'field-kept', field: 'access_control' },
      { code: 'param-dropped', key: 'temperature', error: { code: 'param-not-number', key: 'temperature' } },
      { code: 'field-kept', field: 'meta.skillIds' },
      { code: 'field-kept', field: 'meta.builtinTools' },
      { code: 'knowledge-external', name: 'Style guide' },
    ]);
  });

  it("Open WebUI's custom parameters become custom parameters (sent to Ollama), not kept unused", () => {
    const item = importOne(JSON.stringify([openWebUIElement()]));
    expect(item.customParams).toEqual({ reasoning_effort: '"low"' });
    expect(item.extra?.params).toBeUndefined();
  });

  it("Open WebUI's default filters become the filters on when a chat starts", () => {
    const el = openWebUIElement();
    const item = importOne(JSON.stringify([{ ...el, meta: { ...el.meta, filterIds: ['rate-limit', 'redact'], defaultFilterIds: ['rate-limit'] } }]));
    expect(item.chatOff).toEqual({ redact: true });
    const doc = presetFromImport(item, { id: 'p1', avatar: null, now: 0 });
    expect(presetToOpenWebUI({ ...doc, extra: doc.extra == null ? null : String(doc.extra) }, null).meta).toMatchObject({ defaultFilterIds: ['rate-limit'] });
  });

  it('num_predict is used as max tokens', () => {
    const item = importOne(JSON.stringify([openWebUIElement()]));
    expect(item.params).toEqual({ max_tokens: 2048, top_k: 40 });
  });

  it('Open WebUI → Atelier → Open WebUI keeps every field but the invalid value', () => {
    const original = openWebUIElement();
    const item = importOne(JSON.stringify([original]));
    const doc = presetFromImport(item, { id: 'p1', avatar: null, now: 0, makeId: (() => { let n = 0; return () => `k${++n}`; })() });
    // as the document holds it once written (the ImmutableString read back as a string)
    const stored = { ...doc, extra: doc.extra == null ? null : String(doc.extra) };
    const back = JSON.parse(exportJson([presetToOpenWebUI(stored, null)])) as unknown[];
    const { temperature: _dropped, ...keptParams } = original.params;
    expect(back).toEqual([{ ...original, params: keptParams }]);
  });

  it('a clone exports the kept fields too', () => {
    const item = importOne(JSON.stringify([openWebUIElement()]));
    const doc = presetFromImport(item, { id: 'p1', avatar: null, now: 0 });
    const copy = clonePresetFields(doc, 'p2', new Set(['coder']), 0, '(Clone)');
    const out = presetToOpenWebUI({ ...copy, extra: copy.extra == null ? null : String(copy.extra) }, null) as unknown as Record<string, unknown>;
    expect(out).toMatchObject({ id: 'coder-clone', user_id: openWebUIElement().user_id, params: { num_predict: 2048, custom_params: { reasoning_effort: 'low' } } });
    expect(out.meta).toMatchObject({ skillIds: ['refactor-skill'], builtinTools: { web_search: true, image_generation: false }, defaultFilterIds: ['rate-limit'] });
  });

  it('a kept field never overrides what Atelier itself writes', () => {
    const el = { ...openWebUIElement(), params: { max_tokens: 100, num_predict: 7 } };
    const item = importOne(JSON.stringify([el]));
    expect(item.params).toEqual({ max_tokens: 100 });
    expect(item.notes).toContainEqual({ code: 'field-kept', field: 'params.num_predict' });
    const doc = presetFromImport(item, { id: 'p1', avatar: null, now: 0 });
    doc.params.max_tokens = 300;
    const out = presetToOpenWebUI({ ...doc, extra: doc.extra == null ? null : String(doc.extra) }, null);
    expect(out.params).toMatchObject({ max_tokens: 300, num_predict: 7 });
  });
});

describe('documents travel with a preset', () => {
  const url = 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ';
  const other = 'automerge:3k9knpCseyhnK8izDmLpGP5WMdZR';
  function withDocs() {
    const item = importOne(JSON.stringify([{ id: 'tutor', name: 'Tutor', base_model_id: 'llama3.2' }]));
    const doc = presetFromImport(item, { id: 'p1', avatar: null, now: 0 });
    doc.knowledge = {
      a: { name: 'notes.md', type: 'text/markdown', url, externalId: null },
      b: { name: 'big.pdf', type: 'application/pdf', url: other, externalId: null },
    };
    return doc;
  }

  it('an export carries the text of each document, and says which were left out', () => {
    const docs = new Map<string, OwuiCarriedDocument>([
      [url, { text: '# Notes\nJoins are sets.', mime: 'text/markdown', size: 24, whole_document: true }],
      [other, { left_out: 'too-large' }],
    ]);
    const item = importOne(exportJson([presetToOpenWebUI(withDocs(), null, docs)]));
    expect(item.knowledge.map((k) => [k.name, k.document?.text ?? null])).toEqual([
      ['notes.md', '# Notes\nJoins are sets.'],
      ['big.pdf', null],
    ]);
    expect(item.knowledge[0]!.document).toEqual({ text: '# Notes\nJoins are sets.', mime: 'text/markdown', size: 24, wholeDocument: true });
    expect(item.notes).toEqual([{ code: 'knowledge-left-out', name: 'big.pdf', reason: 'too-large' }]);
  });

  it('a document made from carried text replaces the foreign reference', () => {
    const docs = new Map<string, OwuiCarriedDocument>([[url, { text: 'x', mime: 'text/plain', size: 1, whole_document: false }]]);
    const item = importOne(exportJson([presetToOpenWebUI(withDocs(), null, docs)]));
    const made = 'automerge:4m9knpCseyhnK8izDmLpGP5WMdZS';
    const doc = presetFromImport(item, { id: 'p2', avatar: null, now: 0, knowledgeUrls: [made, null], makeId: (() => { let n = 0; return () => `k${++n}`; })() });
    expect(doc.knowledge).toEqual({
      k1: { name: 'notes.md', type: 'text/markdown', url: made, externalId: null },
      k2: { name: 'big.pdf', type: 'application/pdf', url: other, externalId: null },
    });
  });
});

describe('a Modelfile imported into Atelier', () => {
  const text = [
    'FROM llama3.2',
    'TEMPLATE """{{ if .System }}<|start|>system',
    '{{ .System }}<|end|>{{ end }}"""',
    'PARAMETER num_predict 256',
    'PARAMETER num_gqa 8',
    'PARAMETER temperature hot',
    'SYSTEM You are Mario.',
    'ADAPTER ./lora.gguf',
  ].join('\n');

  it('the summary notes list TEMPLATE and every other line that was dropped', () => {
    const r = parseModelfile(text);
    if (!r.ok) throw new Error('parse failed');
    const item = modelfileToImport('Mario', r.preset, r.warnings);
    expect(item).toMatchObject({ name: 'Mario', slug: 'mario', baseModel: 'llama3.2', system: 'You are Mario.', params: { max_tokens: 256 } });
    expect(item.notes).toEqual([
      { code: 'instruction-dropped', instruction: 'TEMPLATE', line: 2 },
      { code: 'param-dropped', key: 'num_gqa', error: { code: 'param-unknown', key: 'num_gqa' } },
      { code: 'param-dropped', key: 'temperature', error: { code: 'param-not-number', key: 'temperature' } },
      { code: 'instruction-dropped', instruction: 'ADAPTER', line: 8 },
    ]);
  });

  it('a Modelfile is told apart from a broken JSON file', () => {
    expect(looksLikeModelfile(text)).toBe(true);
    expect(looksLikeModelfile('# made by ollama show\n\nfrom qwen2.5:7b\n')).toBe(true);
    expect(looksLikeModelfile('{"id": "x", ')).toBe(false);
    expect(looksLikeModelfile('[{"name": "FROM x"}]')).toBe(false);
  });
});
