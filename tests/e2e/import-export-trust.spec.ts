import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { cardAction } from './card-actions.ts';

/*
 * Nothing a person gives Atelier is lost or dropped without a word on import, export and share:
 * each test is named by the property it proves.
 */

function card(page: Page, name: string) {
  return page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name, exact: true });
}

async function openImport(page: Page) {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

/** One element as a recent Open WebUI writes it, with fields Atelier does not use and one invalid value. */
const OWUI_ELEMENT = {
  id: 'coder',
  user_id: '5f0c2a6e-1b7d-4c7e-9d1a-2f1e0b9c8d7e',
  base_model_id: 'qwen2.5-coder:7b',
  name: 'Coder',
  params: { system: 'You write careful TypeScript.', num_predict: 2048, temperature: 'hot', custom_params: { reasoning_effort: 'low' } },
  meta: {
    profile_image_url: '/static/favicon.png',
    description: 'Pairs on code.',
    capabilities: { vision: false, citations: true },
    suggestion_prompts: null,
    tags: [{ name: 'code' }],
    knowledge: [],
    toolIds: [],
    skillIds: ['refactor-skill'],
    builtinTools: { web_search: true },
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

const NOTES = '# Team notes\nThe standup is at 9:15 in room Tarn.';

/** A preset with one attached document (its whole text used), created through the editor. */
async function presetWithDocument(page: Page, name: string, file: { name: string; text: string }) {
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Base model').fill('llama3.2');
  await page.getByLabel('Attach documents').first().setInputFiles({ name: file.name, mimeType: 'text/markdown', buffer: Buffer.from(file.text) });
  await page.locator('.document-item', { hasText: file.name }).getByLabel('Use whole document').check();
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await page.getByRole('link', { name: 'Back to models' }).click();
  await expect(card(page, name)).toBeVisible();
}

/** A device of another account: a fresh browser context (own IndexedDB, never paired). */
async function otherAccount(browser: Browser, origin: string, init?: () => void) {
  const ctx = await browser.newContext();
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  await page.goto(`${origin}/models`);
  await expect(page.getByRole('heading', { name: 'Models' })).toBeVisible();
  return { ctx, page };
}

/** On the receiving side the preset has the document itself: its size and setting, not "not available here". */
async function expectDocumentArrived(page: Page, preset: string, docName: string, chars: number) {
  await card(page, preset).getByRole('link', { name: 'Edit' }).click();
  const item = page.locator('.document-item', { hasText: docName });
  await expect(item.getByText(`${chars} characters`)).toBeVisible();
  await expect(item.getByLabel('Use whole document')).toBeChecked();
  await expect(item.getByText('not available here')).toHaveCount(0);
}

const noClipboard = () => {
  // as on a plain-http LAN page: no Clipboard API at all
  Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
};

test('import shows, per item, what was dropped and what is kept unused for export', async ({ shell: page }) => {
  await openImport(page);
  await page.getByLabel('Import from a file').setInputFiles({ name: 'models-export.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify([OWUI_ELEMENT])) });
  const summary = page.getByRole('status', { name: 'Import summary' });
  await expect(summary).toContainText('Created: 1');
  const notes = summary.getByRole('list').filter({ hasText: 'temperature' });
  await expect(summary.getByText('Left out or kept unused in “Coder”:')).toBeVisible();
  await expect(notes.getByRole('listitem')).toHaveText([
    '“user_id” kept for export; Atelier does not use it.',
    '“access_control” kept for export; Atelier does not use it.',
    'Parameter “temperature” left out: its value is not valid.',
    '“meta.skillIds” kept for export; Atelier does not use it.',
    '“meta.builtinTools” kept for export; Atelier does not use it.',
  ]);
  // num_predict is used (as max tokens), not dropped
  await card(page, 'Coder').getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('spinbutton', { name: 'Max tokens (num_predict)' })).toHaveValue('2048');
});

test('Open WebUI → Atelier → Open WebUI: the exported file keeps every field but the invalid one', async ({ shell: page }) => {
  await openImport(page);
  await page.getByLabel('Import from a file').setInputFiles({ name: 'models-export.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify([OWUI_ELEMENT])) });
  await expect(card(page, 'Coder')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), cardAction(card(page, 'Coder'), 'Export')]);
  const exported = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as unknown[];
  const { temperature: _invalid, ...params } = OWUI_ELEMENT.params;
  expect(exported).toEqual([{ ...OWUI_ELEMENT, params }]);
});

test('a Modelfile picked in the file picker is imported, and its TEMPLATE is reported as left out', async ({ shell: page }) => {
  await openImport(page);
  const modelfile = ['FROM llama3.2', 'TEMPLATE """{{ .System }} {{ .Prompt }}"""', 'PARAMETER temperature 0.4', 'SYSTEM You are Mario.'].join('\n');
  await page.getByLabel('Import from a file').setInputFiles({ name: 'mario.modelfile', mimeType: 'text/plain', buffer: Buffer.from(modelfile) });
  const summary = page.getByRole('status', { name: 'Import summary' });
  await expect(summary).toContainText('Created: 1');
  await expect(summary).toContainText('TEMPLATE (line 2) left out: Atelier has no place for it.');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await card(page, 'mario').getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('System prompt')).toHaveValue('You are Mario.');
  await expect(page.getByRole('spinbutton', { name: 'Temperature' })).toHaveValue('0.4');
});

test('export one and Export all carry the documents’ text, with its size, and another account gets the documents', async ({ shell: page, browser, relayFx }) => {
  await presetWithDocument(page, 'Standup Helper', { name: 'team-notes.md', text: NOTES });
  const [one] = await Promise.all([page.waitForEvent('download'), cardAction(card(page, 'Standup Helper'), 'Export')]);
  await expect(page.getByRole('status').filter({ hasText: 'Exported with the text of 1 document(s)' })).toBeVisible();
  const [all] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export all' }).click()]);
  for (const d of [one, all]) expect(readFileSync((await d.path()) ?? '', 'utf8')).toContain(JSON.stringify(NOTES).slice(1, -1));

  for (const d of [one, all]) {
    const other = await otherAccount(browser, relayFx.origin);
    await openImport(other.page);
    await other.page.getByLabel('Import from a file').setInputFiles((await d.path()) ?? '');
    await expect(other.page.getByRole('status', { name: 'Import summary' })).toContainText('Created: 1');
    await expectDocumentArrived(other.page, 'Standup Helper', 'team-notes.md', NOTES.length);
    await other.ctx.close();
  }
});

test('with no clipboard the share link is shown to copy by hand and nothing says "copied"', async ({ shell: page }) => {
  await page.addInitScript(noClipboard);
  await page.reload();
  await openImport(page);
  await page.getByLabel('Import from a file').setInputFiles({ name: 'm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify([OWUI_ELEMENT])) });
  await card(page, 'Coder').getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Copy share link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share link' });
  await expect(dialog).toContainText('The link was not copied');
  const field = dialog.getByRole('textbox', { name: 'Share link to copy' });
  await expect(field).toHaveValue(/\/import#share=/);
  await expect(field).toHaveJSProperty('readOnly', true);
  // preselected: the whole link is the selection, ready for Ctrl+C
  expect(await field.evaluate((el: HTMLInputElement) => el.selectionStart === 0 && el.selectionEnd === el.value.length)).toBe(true);
  await expect(page.getByText(/copied\./)).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});

test('a share link carries the documents’ text and the receiving account gets the documents', async ({ shell: page, browser, relayFx }) => {
  await page.addInitScript(noClipboard);
  await page.reload();
  await presetWithDocument(page, 'Standup Helper', { name: 'team-notes.md', text: NOTES });
  await card(page, 'Standup Helper').getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Copy share link' }).click();
  const link = await page.getByRole('dialog', { name: 'Share link' }).getByRole('textbox', { name: 'Share link to copy' }).inputValue();

  const other = await otherAccount(browser, relayFx.origin);
  await other.page.goto(link);
  await expect(other.page.getByRole('heading', { name: 'Shared preset' })).toBeVisible();
  await other.page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(other.page.getByRole('status', { name: 'Import summary' })).toContainText('Created: 1');
  await other.page.getByRole('link', { name: 'Back to models' }).click();
  await expectDocumentArrived(other.page, 'Standup Helper', 'team-notes.md', NOTES.length);
  await other.ctx.close();
});

test('a document too large for a share link is left out, and both sides are told', async ({ shell: page, browser, relayFx }) => {
  await page.addInitScript(noClipboard);
  await page.reload();
  // text that does not compress: ~200 KB of pseudo-random words
  let seed = 7;
  const words: string[] = [];
  for (let i = 0; i < 30_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    words.push(seed.toString(36));
  }
  await presetWithDocument(page, 'Big Helper', { name: 'big.md', text: words.join(' ') });
  await card(page, 'Big Helper').getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Copy share link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share link' });
  await expect(dialog).toContainText('Left out of the link (too large for a link): big.md. Export the preset to send them.');
  const link = await dialog.getByRole('textbox', { name: 'Share link to copy' }).inputValue();

  const other = await otherAccount(browser, relayFx.origin);
  await other.page.goto(link);
  await expect(other.page.getByText('Document “big.md” was not included (too large for a link)', { exact: false })).toBeVisible();
  await other.page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(other.page.getByRole('status', { name: 'Import summary' })).toContainText('Document “big.md” was not included (too large for a link)');
  await other.ctx.close();
});

/** A stand-in for openwebui.com/models/create: tells its opener 'loaded', then shows what it is sent. */
function startCommunityStandIn(): Promise<{ server: Server; origin: string }> {
  const html = `<!doctype html><html><head><title>Community stand-in</title></head><body>
<h1>Create a model</h1><pre aria-label="Received model" id="got"></pre>
<script>
window.addEventListener('message', (e) => { document.getElementById('got').textContent = typeof e.data === 'string' ? e.data : '(not a string)'; });
if (window.opener) window.opener.postMessage('loaded', '*');
</script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/models/create')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

test('Share to Open WebUI community posts the preset to the community page', async ({ shell: page }) => {
  const standIn = await startCommunityStandIn();
  try {
    await page.addInitScript((origin: string) => localStorage.setItem('atelier.openwebuiCommunityUrl', origin), standIn.origin);
    await page.reload();
    await openImport(page);
    await page.getByLabel('Import from a file').setInputFiles({ name: 'm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify([OWUI_ELEMENT])) });
    await card(page, 'Coder').getByRole('button', { name: 'Share' }).click();
    const [tab] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Share to Open WebUI community' }).click()]);
    expect(tab.url()).toBe(`${standIn.origin}/models/create`);
    const got = tab.getByLabel('Received model');
    await expect(got).toContainText('"id":"coder"');
    const model = JSON.parse((await got.textContent()) ?? '') as { id: string; name: string; base_model_id: string; params: Record<string, unknown> };
    expect(model).toMatchObject({ id: 'coder', name: 'Coder', base_model_id: 'qwen2.5-coder:7b', params: { system: 'You write careful TypeScript.', num_predict: 2048 } });
  } finally {
    standIn.server.closeAllConnections();
    await new Promise((r) => standIn.server.close(r));
  }
});
