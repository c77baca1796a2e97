import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { png } from './images.ts';
import { cardAction } from './card-actions.ts';

async function openNewModel(page: Page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'New model' }).click();
  await expect(page.getByRole('heading', { name: 'New model' })).toBeVisible();
}

async function quickPreset(page: Page, name: string, base = 'llama3.2') {
  await openNewModel(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Base model').fill(base);
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await page.getByRole('link', { name: 'Back to models' }).click();
  await expect(page.getByRole('listitem', { name })).toBeVisible();
}

/** The preset cards themselves (their tag chips are list items too). */
function cards(page: Page) {
  return page.getByRole('list', { name: 'Model presets' }).locator(':scope > li');
}

function card(page: Page, name: string) {
  return page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name, exact: true });
}

test('a preset with every field filled survives a reload', async ({ shell: page }) => {
  await openNewModel(page);
  await page.getByLabel('Avatar picture').setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: png(400, 300) });
  await page.getByLabel('Name', { exact: true }).fill('SQL Tutor');
  await expect(page.getByLabel('Model ID')).toHaveValue('sql-tutor');
  await page.getByLabel('Base model').fill('qwen2.5:7b');
  await page.getByLabel('Description').fill('Explains SQL.');
  await page.getByLabel('System prompt').fill('You are a patient SQL tutor.');
  await page.getByRole('button', { name: 'Temperature: switch between default and custom' }).click();
  await page.getByRole('spinbutton', { name: 'Temperature' }).fill('0.3');
  await page.getByRole('spinbutton', { name: 'Temperature' }).press('Tab');
  await page.getByRole('button', { name: 'Stop sequences: switch between default and custom' }).click();
  await page.getByRole('textbox', { name: 'Add stop sequence' }).fill('<|im_end|>');
  await page.getByRole('button', { name: 'Add stop sequence' }).click();
  await page.getByRole('button', { name: 'Keep alive: switch between default and custom' }).click();
  await page.getByRole('button', { name: 'Add suggestion' }).click();
  const s1 = page.getByRole('group', { name: 'Suggestion 1' });
  await s1.getByLabel('Title', { exact: true }).fill('Explain joins');
  await s1.getByLabel('Subtitle').fill('LEFT vs INNER');
  await s1.getByLabel('Prompt').fill('Explain LEFT JOIN with an example');
  await page.getByLabel('Attach documents').setInputFiles({ name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Joins\nA join…') });
  await expect(page.getByText('notes.md')).toBeVisible();
  await page.getByRole('switch', { name: 'Vision' }).check();
  await page.getByLabel('Add a tag').fill('sql');
  await page.getByLabel('Add a tag').press('Enter');
  await page.getByLabel('Add a tag').fill('work');
  await page.getByLabel('Add a tag').press('Enter');
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('heading', { name: 'Edit SQL Tutor' })).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Edit SQL Tutor' })).toBeVisible();
  await expect(page.getByLabel('Model ID')).toHaveValue('sql-tutor');
  await expect(page.getByLabel('Model ID')).toHaveAttribute('readonly', '');
  await expect(page.getByLabel('Base model')).toHaveValue('qwen2.5:7b');
  await expect(page.getByLabel('Description')).toHaveValue('Explains SQL.');
  await expect(page.getByLabel('System prompt')).toHaveValue('You are a patient SQL tutor.');
  await expect(page.getByRole('spinbutton', { name: 'Temperature' })).toHaveValue('0.3');
  await expect(page.getByRole('textbox', { name: 'Stop sequence 1' })).toHaveValue('<|im_end|>');
  await expect(page.getByRole('textbox', { name: 'Keep alive' })).toHaveValue('5m');
  await expect(page.getByRole('group', { name: 'Suggestion 1' }).getByLabel('Prompt')).toHaveValue('Explain LEFT JOIN with an example');
  await expect(page.getByText('notes.md')).toBeVisible();
  await expect(page.getByRole('switch', { name: 'Vision' })).toBeChecked();
  await expect(page.getByRole('button', { name: 'Remove tag sql' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Remove tag work' })).toBeVisible();
  // The avatar was cropped to 250×250.
  const size = await page.locator('.avatar-picker img').evaluate((img: HTMLImageElement) => `${img.naturalWidth}x${img.naturalHeight}`);
  expect(size).toBe('250x250');

  // Edits of a saved preset are saved as they are made, and the last one can be undone.
  await page.getByLabel('Description').fill('Explains SQL, patiently.');
  await page.reload();
  await expect(page.getByLabel('Description')).toHaveValue('Explains SQL, patiently.');
  await page.getByLabel('Name', { exact: true }).fill('SQL Teacher');
  await page.getByRole('button', { name: 'Undo last change' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('SQL Tutor');
});

test('an edit made the instant before the page goes away is kept', async ({ shell: page }) => {
  await quickPreset(page, 'Quick Keeper');
  await page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Quick Keeper', exact: true }).getByRole('link', { name: 'Edit' }).click();
  // Reloading right after typing cuts the IndexedDB write off; the journal must keep each edit.
  for (let i = 1; i <= 5; i++) {
    await page.getByLabel('Description').fill(`version ${i}`);
    await page.reload();
    await expect(page.getByLabel('Description')).toHaveValue(`version ${i}`);
  }
});

test('bad input in the editor gets a clear message and saves nothing', async ({ shell: page }) => {
  await quickPreset(page, 'Taken Name');
  await openNewModel(page);
  await page.getByLabel('Name', { exact: true }).fill('Taken Name');
  await page.getByLabel('Base model').fill('llama3.2');
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('alert')).toHaveText('The model ID “taken-name” is already used by another preset.');
  await page.getByLabel('Avatar picture').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.getByText('This file is not a picture (PNG, JPEG, WebP or GIF).')).toBeVisible();
  await page.getByRole('button', { name: 'Top K: switch between default and custom' }).click();
  await page.getByRole('spinbutton', { name: 'Top K' }).fill('5000');
  await page.getByRole('spinbutton', { name: 'Top K' }).press('Tab');
  await expect(page.getByText('Top K must be between 0 and 1000.')).toBeVisible();
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(cards(page)).toHaveCount(1);
});

test('clone, hide and show, delete and restore from the Trash', async ({ shell: page }) => {
  await quickPreset(page, 'Coder');
  await cardAction(card(page, 'Coder'), 'Clone');
  await expect(card(page, 'Coder (Clone)')).toBeVisible();
  await expect(card(page, 'Coder (Clone)').getByText('coder-clone')).toBeVisible();
  await cardAction(card(page, 'Coder'), 'Clone');
  await expect(page.getByText('coder-clone-2')).toBeVisible();

  // Hidden: gone from the chat selector only.
  await cardAction(card(page, 'Coder'), 'Hide');
  await expect(card(page, 'Coder').getByText('Hidden')).toBeVisible();
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('button', { name: 'Select a model' }).click();
  await expect(page.getByRole('option', { name: /Coder \(Clone\)/ }).first()).toBeVisible();
  await expect(page.getByRole('option', { name: 'Coder', exact: true })).toHaveCount(0);
  await page.getByRole('link', { name: 'Models' }).click();
  await cardAction(card(page, 'Coder'), 'Show');
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('button', { name: 'Select a model' }).click();
  await expect(page.getByRole('option', { name: 'Coder', exact: true })).toBeVisible();

  // Delete asks, moves to the Trash; restore brings it back.
  await page.getByRole('link', { name: 'Models' }).click();
  // Both clones are named "Coder (Clone)", as in Open WebUI; their IDs differ.
  page.once('dialog', (d) => void d.accept());
  await cardAction(card(page, 'Coder (Clone)').first(), 'Delete');
  await expect(card(page, 'Coder (Clone)')).toHaveCount(1);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Data' }).click();
  const trashed = page.getByRole('listitem', { name: 'Coder (Clone)' });
  await expect(trashed).toBeVisible();
  await trashed.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('The Trash is empty.')).toBeVisible();
  await page.getByRole('link', { name: 'Models' }).click();
  await expect(card(page, 'Coder (Clone)')).toHaveCount(2);
});

test('search by name, ID or tag, and filter by tag', async ({ shell: page }) => {
  await quickPreset(page, 'Alpha');
  await quickPreset(page, 'Beta');
  await page.getByRole('link', { name: 'Edit' }).first().click();
  await page.getByLabel('Add a tag').fill('green');
  await page.getByLabel('Add a tag').press('Enter');
  await page.getByRole('link', { name: 'Back to models' }).click();
  await page.getByLabel('Search models').fill('alp');
  await expect(card(page, 'Alpha')).toBeVisible();
  await expect(card(page, 'Beta')).toHaveCount(0);
  await page.getByLabel('Search models').fill('');
  await page.getByLabel('Filter by tag').selectOption('green');
  await expect(cards(page)).toHaveCount(1);
});
