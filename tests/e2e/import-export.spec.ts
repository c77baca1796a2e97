import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.ts';
import { png } from './images.ts';
import type { Page } from '@playwright/test';
import { cardAction } from './card-actions.ts';

function card(page: Page, name: string) {
  return page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name, exact: true });
}

const OWUI_EXPORT = [
  {
    id: 'sql-tutor',
    base_model_id: 'qwen2.5:7b',
    name: 'SQL Tutor',
    params: { system: 'You are a patient SQL tutor.', temperature: 0.3, stop: ['<|im_end|>'], max_tokens: 1024, keep_alive: '5m' },
    meta: {
      profile_image_url: '/static/favicon.png',
      description: 'Explains SQL.',
      capabilities: { vision: false, citations: true },
      suggestion_prompts: [{ content: 'Explain LEFT JOIN with an example', title: ['Explain joins', 'LEFT vs INNER'] }],
      tags: [{ name: 'sql' }, 'work'],
      knowledge: [{ id: 'b6c2', name: 'Postgres docs', type: 'collection' }],
      toolIds: ['web_scraper'],
      filterIds: [],
      actionIds: [],
      hidden: false,
    },
    is_active: true,
    created_at: 1753500000,
    updated_at: 1753600000,
  },
  { id: 'legacy-one', info: { id: 'legacy-one', base_model_id: 'llama3.2', name: 'Legacy One', params: {}, meta: { tags: ['old'] } } },
  { id: 'override', base_model_id: null, name: 'Override', params: {}, meta: {} },
  42,
];

async function openImport(page: Page) {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

test('importing an Open WebUI file: created, skipped with reasons, fields kept', async ({ shell: page }) => {
  await openImport(page);
  await page.getByLabel('Import from a file').setInputFiles({ name: 'models-export.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(OWUI_EXPORT)) });
  const summary = page.getByRole('status', { name: 'Import summary' });
  await expect(summary).toContainText('Created: 2');
  await expect(summary).toContainText('Skipped: 2');
  await expect(summary).toContainText('a base-model override, not a preset');
  await expect(summary).toContainText('not a model');
  await expect(card(page, 'SQL Tutor')).toBeVisible();
  await expect(card(page, 'Legacy One')).toBeVisible();
  await card(page, 'SQL Tutor').getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('System prompt')).toHaveValue('You are a patient SQL tutor.');
  await expect(page.getByRole('spinbutton', { name: 'Temperature' })).toHaveValue('0.3');
  await expect(page.getByRole('spinbutton', { name: 'Max tokens (num_predict)' })).toHaveValue('1024');
  await expect(page.getByRole('button', { name: 'Remove tag work' })).toBeVisible();
  await expect(page.getByText('Postgres docs')).toBeVisible();
  await expect(page.getByText('web_scraper')).toBeVisible();
});

test('a broken file gets a clear message and leaves the workspace unchanged', async ({ shell: page }) => {
  await openImport(page);
  const input = page.getByLabel('Import from a file');
  await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"id": "x", ') });
  await expect(page.getByRole('alert')).toHaveText('This file is not JSON. Choose a model export (.json).');
  await input.setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('"just a string"') });
  await expect(page.getByRole('alert')).toHaveText('This JSON is not a model export (expected a list of models).');
  await expect(page.getByText('No model presets yet.', { exact: false })).toBeVisible();
});

test('export then import into an empty workspace gives back equal presets, avatar included', async ({ shell: page, browser, relayFx }) => {
  await openImport(page);
  await page.getByLabel('Import from a file').setInputFiles({ name: 'm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(OWUI_EXPORT.slice(0, 1))) });
  await expect(card(page, 'SQL Tutor')).toBeVisible();
  // Give it an avatar, then export it alone and all together.
  await card(page, 'SQL Tutor').getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Avatar picture').setInputFiles({ name: 'a.png', mimeType: 'image/png', buffer: png(64, 48) });
  await expect(page.locator('.avatar-picker img')).toBeVisible();
  await page.getByRole('link', { name: 'Back to models' }).click();

  const [one] = await Promise.all([page.waitForEvent('download'), cardAction(card(page, 'SQL Tutor'), 'Export')]);
  expect(one.suggestedFilename()).toMatch(/^sql-tutor-\d{13}\.json$/);
  const [all] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export all' }).click()]);
  expect(all.suggestedFilename()).toMatch(/^models-export-\d{13}\.json$/);
  const exported = JSON.parse(readFileSync((await one.path()) ?? '', 'utf8')) as Array<Record<string, unknown>>;
  expect(exported).toHaveLength(1);
  const el = exported[0] as { id: string; meta: { profile_image_url: string } };
  expect(el.id).toBe('sql-tutor');
  expect(el.meta.profile_image_url).toMatch(/^data:image\/(webp|png);base64,/);

  // A fresh device (empty workspace) imports the file.
  const ctx = await browser.newContext();
  const fresh = await ctx.newPage();
  await fresh.goto(`${relayFx.origin}/models`);
  await fresh.getByRole('button', { name: 'Import', exact: true }).click();
  await fresh.getByLabel('Import from a file').setInputFiles((await all.path()) ?? '');
  await expect(card(fresh, 'SQL Tutor')).toBeVisible();
  const [again] = await Promise.all([fresh.waitForEvent('download'), cardAction(card(fresh, 'SQL Tutor'), 'Export')]);
  const reExported = JSON.parse(readFileSync((await again.path()) ?? '', 'utf8')) as unknown[];
  expect(reExported).toEqual(exported);
  await ctx.close();

  // Importing the same file again asks what to do with the existing preset.
  await openImport(page);
  await page.getByLabel('Import from a file').setInputFiles((await one.path()) ?? '');
  await page.getByLabel('Choice for SQL Tutor').selectOption('skip');
  await page.getByRole('button', { name: 'Import', exact: true }).last().click();
  await expect(page.getByRole('status', { name: 'Import summary' })).toContainText('Skipped: 1');
  await expect(page.getByRole('list', { name: 'Model presets' }).locator(':scope > li')).toHaveCount(1);
});

test('a share link carries the preset in the fragment and opens the import screen', async ({ shell: page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openImport(page);
  await page.getByLabel('Import from a file').setInputFiles({ name: 'm.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(OWUI_EXPORT.slice(0, 1))) });
  await card(page, 'SQL Tutor').getByRole('button', { name: 'Share' }).click();
  await page.getByRole('button', { name: 'Copy share link' }).click();
  await expect(page.getByText('Share link copied.')).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/\/import#share=/);
  // Open it on this device: the same ID exists, so keep both.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Shared preset' })).toBeVisible();
  await expect(page.getByText('sql-tutor')).toBeVisible();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Import summary' })).toContainText('Kept both: 1');
});

test('import from a Modelfile', async ({ shell: page }) => {
  await openImport(page);
  await page.getByText('Import a Modelfile').click();
  await page.getByLabel('Name', { exact: true }).fill('Mario');
  await page.getByLabel('Modelfile text').fill('FROM llama3.2\nPARAMETER temperature 1\nPARAMETER stop "<|eot|>"\nSYSTEM """You are Mario."""\n');
  await page.getByRole('button', { name: 'Import', exact: true }).last().click();
  await expect(card(page, 'Mario')).toBeVisible();
  await card(page, 'Mario').getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('System prompt')).toHaveValue('You are Mario.');
  await expect(page.getByRole('textbox', { name: 'Stop sequence 1' })).toHaveValue('<|eot|>');
});
