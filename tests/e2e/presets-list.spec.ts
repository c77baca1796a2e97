import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { test, expect, createPresetQuick, useOllamaEndpoint } from './fixtures.ts';
import { answers, createPreset, send } from './chat-helpers.ts';

/*
 * The models list of issue 19: enable switch, chat from a card and from a link, count, JSON
 * preview, personal order (drag, keyboard) and pins in the chat's model selector.
 * Two devices: presets-list-two-devices.spec.ts.
 */

/** `list`: the list's name in the language shown */
const presetList = (page: Page, list = 'Model presets') => page.getByRole('list', { name: list });
const card = (page: Page, name: string, list?: string) => presetList(page, list).getByRole('listitem', { name, exact: true });
/** the names of the cards, top to bottom */
const cardNames = (page: Page, list?: string) =>
  presetList(page, list).locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

async function menuAction(c: Locator, action: string): Promise<void> {
  await c.getByRole('button', { name: /^More actions for / }).click();
  await c.getByRole('menuitem', { name: action, exact: true }).click();
}

async function toModels(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
}

const modelButton = (page: Page) => page.getByRole('button', { name: /^Model: / });

test('a disabled preset stays in the list marked Disabled, is not offered in the chat, and a chat that uses it says so and sends nothing', async ({ page, relayFx, fake }) => {
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/models`);
  await createPresetQuick(page, 'Tutor');
  await card(page, 'Tutor').getByText('llama3.2').click();
  await expect(modelButton(page)).toHaveAccessibleName('Model: Tutor');
  await send(page, 'Hello');
  await expect(answers(page)).toHaveCount(1);
  await expect(answers(page).first()).not.toHaveAttribute('aria-busy', 'true');
  const conversation = page.url();
  const sent = fake.requests.filter((r) => r.path === '/api/chat').length;

  await toModels(page);
  const tutor = card(page, 'Tutor');
  await tutor.getByRole('switch', { name: 'Enabled' }).uncheck();
  await expect(page.getByRole('status').filter({ hasText: '“Tutor” is disabled: it is kept, but cannot be chosen in the chat.' })).toBeVisible();
  await expect(tutor.getByText('Disabled', { exact: true })).toBeVisible();
  // a click on it starts no chat, and says why
  await tutor.getByText('llama3.2').click();
  await expect(page.getByRole('status').filter({ hasText: '“Tutor” is disabled. Turn on its Enabled switch to chat with it.' })).toBeVisible();
  await expect(page).toHaveURL(/\/models$/);

  await page.goto(conversation);
  await expect(page.getByText('“Tutor” is disabled, so it cannot answer in this chat.', { exact: false })).toBeVisible();
  await send(page, 'Still there?');
  await expect(page.getByText('A model of this chat is disabled: enable it in Models, or choose another model.')).toBeVisible();
  expect(fake.requests.filter((r) => r.path === '/api/chat').length).toBe(sent);
  await modelButton(page).click();
  await expect(page.getByRole('option', { name: 'llama3.2' })).toBeVisible();
  await expect(page.getByRole('option', { name: /^Tutor/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  // enabled again: offered again
  await toModels(page);
  await card(page, 'Tutor').getByRole('switch', { name: 'Enabled' }).check();
  await page.goto(conversation);
  await expect(page.getByText('“Tutor” is disabled', { exact: false })).toHaveCount(0);
  await modelButton(page).click();
  await expect(page.getByRole('option', { name: /^Tutor/ })).toBeVisible();
});

test('clicking a card (not its controls) or pressing Enter on it starts a new chat with that preset', async ({ shell: page }) => {
  await createPresetQuick(page, 'Coder');
  await card(page, 'Coder').getByText('llama3.2').click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(modelButton(page)).toHaveAccessibleName('Model: Coder');

  await toModels(page);
  // a control of the card keeps its own job
  await card(page, 'Coder').getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: 'Edit Coder' })).toBeVisible();
  await toModels(page);
  await card(page, 'Coder').focus();
  await page.keyboard.press('Enter');
  await expect(modelButton(page)).toHaveAccessibleName('Model: Coder');
});

test('Copy link copies a link that opens a new chat with that preset', async ({ shell: page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await createPresetQuick(page, 'Linked');
  await menuAction(card(page, 'Linked'), 'Copy link');
  await expect(page.getByRole('status').filter({ hasText: 'Link to a new chat with “Linked” copied.' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(/\/chat\?preset=/);
  await page.goto(link);
  await expect(modelButton(page)).toHaveAccessibleName('Model: Linked');
});

test('the list counts its presets, and says how many a filter shows', async ({ shell: page }) => {
  await createPresetQuick(page, 'Alpha');
  await expect(page.getByText('1 preset', { exact: true })).toBeVisible();
  await createPresetQuick(page, 'Beta');
  await createPresetQuick(page, 'Alpha two');
  await expect(page.getByText('3 presets', { exact: true })).toBeVisible();
  await page.getByLabel('Search models').fill('alpha');
  await expect(page.getByText('Showing 2 of 3', { exact: true })).toBeVisible();
});

test('the JSON preview shows, read-only, the JSON Export writes (laid out to read, is_active false when disabled), and copies it', async ({ shell: page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await createPresetQuick(page, 'Previewed');
  const c = card(page, 'Previewed');
  await menuAction(c, 'Preview JSON');
  const dialog = page.getByRole('dialog', { name: 'JSON of “Previewed”' });
  const text = dialog.getByRole('textbox', { name: 'Open WebUI JSON of “Previewed”' });
  await expect(text).toHaveJSProperty('readOnly', true);
  await expect(text).toHaveValue(/"id": "previewed",\n/);
  const shown = await text.inputValue();
  await dialog.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(dialog.getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(c.getByRole('button', { name: /^More actions for / })).toBeFocused();

  const download = page.waitForEvent('download');
  await menuAction(c, 'Export');
  const file = readFileSync((await (await download).path())!, 'utf8');
  expect(JSON.parse(file)).toEqual(JSON.parse(shown));

  // a disabled preset is written as Open WebUI's inactive model
  await c.getByRole('switch', { name: 'Enabled' }).uncheck();
  await menuAction(c, 'Preview JSON');
  await expect(dialog.getByRole('textbox')).toHaveValue(/"is_active": false/);
});

test('Move up/down in the card menu and Alt+Arrow on a focused card reorder the list, announced, and the order is kept', async ({ shell: page }) => {
  for (const n of ['One', 'Two', 'Three']) await createPresetQuick(page, n);
  await expect.poll(() => cardNames(page)).toEqual(['Three', 'Two', 'One']);

  await card(page, 'Three').focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect.poll(() => cardNames(page)).toEqual(['Two', 'Three', 'One']);
  await expect(page.getByRole('status').filter({ hasText: '“Three” moved to position 2 of 3.' })).toBeVisible();
  await expect(card(page, 'Three')).toBeFocused();

  await menuAction(card(page, 'One'), 'Move up');
  await expect.poll(() => cardNames(page)).toEqual(['Two', 'One', 'Three']);
  await expect(page.getByRole('status').filter({ hasText: '“One” moved to position 2 of 3.' })).toBeVisible();
  // no Move up on the first card, no Move down on the last
  await card(page, 'Two').getByRole('button', { name: /^More actions for / }).click();
  await expect(card(page, 'Two').getByRole('menuitem', { name: 'Move up' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.reload();
  await expect.poll(() => cardNames(page)).toEqual(['Two', 'One', 'Three']);
});

test('dragging a card reorders the list, also while a filter hides some presets, which keep their place', async ({ shell: page }) => {
  for (const n of ['Red one', 'Blue', 'Red two', 'Red three']) await createPresetQuick(page, n);
  await expect.poll(() => cardNames(page)).toEqual(['Red three', 'Red two', 'Blue', 'Red one']);
  await card(page, 'Red one').dragTo(card(page, 'Red three'));
  await expect.poll(() => cardNames(page)).toEqual(['Red one', 'Red three', 'Red two', 'Blue']);

  await page.getByLabel('Search models').fill('red');
  await expect.poll(() => cardNames(page)).toEqual(['Red one', 'Red three', 'Red two']);
  await card(page, 'Red one').dragTo(card(page, 'Red two'));
  await expect.poll(() => cardNames(page)).toEqual(['Red three', 'Red two', 'Red one']);
  await page.getByLabel('Search models').fill('');
  await expect.poll(() => cardNames(page)).toEqual(['Red three', 'Red two', 'Red one', 'Blue']);
});

test('pinned presets come first in the chat’s model selector, in the list’s order, and the selector can group presets by tag', async ({ shell: page }) => {
  const tagged = (tag: string) => async () => {
    await page.getByLabel('Add a tag').fill(tag);
    await page.getByLabel('Add a tag').press('Enter');
  };
  await createPreset(page, 'Writer', 'llama3.2', tagged('prose'));
  await createPreset(page, 'Reviewer', 'llama3.2', tagged('code'));
  await createPreset(page, 'Linter', 'llama3.2', tagged('code'));
  await createPresetQuick(page, 'Plain');
  await menuAction(card(page, 'Writer'), 'Pin in chat selector');
  await expect(card(page, 'Writer').getByText('Pinned', { exact: true })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await modelButton(page).click();
  const listbox = page.getByRole('listbox', { name: 'Model' });
  const groupOptions = (name: string) =>
    listbox.getByRole('group', { name, exact: true }).getByRole('option').evaluateAll((els) => els.map((e) => e.querySelector('.option-name')?.textContent));
  expect(await groupOptions('Pinned')).toEqual(['Writer']);
  expect(await groupOptions('Presets')).toEqual(['Plain', 'Linter', 'Reviewer']);
  // the first option (what Enter picks) is the pinned one
  await page.keyboard.press('Enter');
  await expect(modelButton(page)).toHaveAccessibleName('Model: Writer');

  await modelButton(page).click();
  await page.getByRole('checkbox', { name: 'Group presets by tag' }).check();
  await expect(listbox.getByRole('group', { name: 'code', exact: true })).toBeVisible();
  expect(await groupOptions('code')).toEqual(['Linter', 'Reviewer']);
  expect(await groupOptions('No tag')).toEqual(['Plain']);
  expect(await groupOptions('Pinned')).toEqual(['Writer']);
  await expect(listbox.getByRole('group', { name: 'Presets', exact: true })).toHaveCount(0);
});

const FR_LIST = 'Modèles personnalisés';

test('on a 390 px phone, in French: count, switch, reorder and chat from a card work and nothing overflows', async ({ page, relayFx }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.addInitScript(() => localStorage.setItem('atelier.locale', 'fr'));
  await page.goto(`${relayFx.origin}/models`);
  await expect(page.getByRole('heading', { name: 'Modèles' })).toBeVisible();
  for (const name of ['Un', 'Deux']) {
    await page.getByRole('link', { name: 'Nouveau modèle' }).click();
    await page.getByLabel('Nom', { exact: true }).fill(name);
    await page.getByLabel('Modèle de base').fill('llama3.2');
    await page.getByRole('button', { name: 'Enregistrer et créer' }).click();
    await expect(page.getByRole('heading', { name: `Modifier ${name}` })).toBeVisible();
    await page.getByRole('link', { name: 'Retour aux modèles' }).click();
  }
  await expect(page.getByText('2 modèles', { exact: true })).toBeVisible();
  await expect.poll(() => cardNames(page, FR_LIST)).toEqual(['Deux', 'Un']);
  const deux = card(page, 'Deux', FR_LIST);
  await deux.getByRole('button', { name: /^Autres actions pour / }).click();
  await deux.getByRole('menuitem', { name: 'Descendre' }).click();
  await expect.poll(() => cardNames(page, FR_LIST)).toEqual(['Un', 'Deux']);
  await expect(page.getByRole('status').filter({ hasText: '« Deux » déplacé en position 2 sur 2.' })).toBeVisible();
  await card(page, 'Un', FR_LIST).getByRole('switch', { name: 'Activé' }).uncheck();
  await expect(card(page, 'Un', FR_LIST).getByText('Désactivé', { exact: true })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await card(page, 'Deux', FR_LIST).getByText('llama3.2').click();
  await expect(page.getByRole('button', { name: /^Modèle: / })).toHaveAccessibleName(/Deux$/);
});
