import { test, expect, type RelayFixture } from './fixtures.ts';
import { pairedDevices } from './devices.ts';
import type { Browser, Page } from '@playwright/test';

/** Two devices paired on the same relay account, both on the models page. */
async function twoPages(browser: Browser, relayFx: RelayFixture) {
  const { a, b, close } = await pairedDevices(browser, relayFx);
  return { pageA: a.page, pageB: b.page, close };
}

/** A creates the preset; both devices end on its editor. */
async function sharedPreset(pageA: Page, pageB: Page, name: string, system: string) {
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await pageA.getByRole('link', { name: 'New model' }).click();
  await pageA.getByLabel('Name', { exact: true }).fill(name);
  await pageA.getByLabel('Base model').fill('llama3.2');
  await pageA.getByLabel('System prompt').fill(system);
  await pageA.getByRole('button', { name: 'Save & create' }).click();
  await expect(pageA.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await pageB.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name, exact: true }).getByRole('link', { name: 'Edit' }).click();
  await expect(pageB.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await expect(pageB.getByLabel('System prompt')).toHaveValue(system);
}

async function typeAt(page: Page, position: number | 'end', text: string) {
  const prompt = page.getByLabel('System prompt');
  await prompt.focus();
  await prompt.evaluate((el: HTMLTextAreaElement, at) => {
    const i = at === 'end' ? el.value.length : at;
    el.setSelectionRange(i, i);
  }, position);
  // one input event: an undo step groups keystrokes by time, and a loaded machine may pause between keys
  await page.keyboard.insertText(text);
}

const caretOf = (page: Page) => page.getByLabel('System prompt').evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);

test('undo removes only this device’s typing: text another device wrote later stays on both devices', async ({ browser, relayFx }) => {
  const { pageA, pageB, close } = await twoPages(browser, relayFx);
  await sharedPreset(pageA, pageB, 'Undo Text', 'Base.');

  await typeAt(pageA, 'end', ' A-line.');
  await expect(pageB.getByLabel('System prompt')).toHaveValue('Base. A-line.');
  await typeAt(pageB, 'end', ' B wrote this later');
  await expect(pageA.getByLabel('System prompt')).toHaveValue('Base. A-line. B wrote this later');

  await pageA.getByRole('button', { name: 'Undo last change' }).click();
  for (const page of [pageA, pageB]) await expect(page.getByLabel('System prompt')).toHaveValue('Base. B wrote this later');
  await close();
});

test('undo of a tag or a parameter set here keeps the tags and parameters another device set since, and never their later value', async ({ browser, relayFx }) => {
  const { pageA, pageB, close } = await twoPages(browser, relayFx);
  await sharedPreset(pageA, pageB, 'Undo Maps', 'Maps.');

  await pageA.getByLabel('Add a tag').fill('x');
  await pageA.getByLabel('Add a tag').press('Enter');
  await expect(pageB.getByRole('button', { name: 'Remove tag x' })).toBeVisible();
  await pageB.getByLabel('Add a tag').fill('y');
  await pageB.getByLabel('Add a tag').press('Enter');
  await expect(pageA.getByRole('button', { name: 'Remove tag y' })).toBeVisible();
  await pageA.getByRole('button', { name: 'Undo last change' }).click();
  for (const page of [pageA, pageB]) {
    await expect(page.getByRole('button', { name: 'Remove tag x' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Remove tag y' })).toBeVisible();
  }

  const temperature = (page: Page) => page.getByRole('button', { name: 'Temperature: switch between default and custom' });
  const topK = (page: Page) => page.getByRole('button', { name: 'Top K: switch between default and custom' });
  await temperature(pageA).click();
  await expect(temperature(pageB)).toHaveAttribute('aria-pressed', 'true');
  await topK(pageB).click();
  await expect(topK(pageA)).toHaveAttribute('aria-pressed', 'true');
  await pageA.getByRole('button', { name: 'Undo last change' }).click();
  for (const page of [pageA, pageB]) {
    await expect(temperature(page)).toHaveAttribute('aria-pressed', 'false');
    await expect(topK(page)).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('spinbutton', { name: 'Top K' })).toHaveValue('40');
  }

  // A value another device set after ours is theirs now: undo leaves it and says so.
  await temperature(pageA).click();
  await pageB.getByRole('spinbutton', { name: 'Temperature' }).fill('1.2');
  await pageB.getByRole('spinbutton', { name: 'Temperature' }).press('Tab');
  await expect(pageA.getByRole('spinbutton', { name: 'Temperature' })).toHaveValue('1.2');
  await pageA.getByRole('button', { name: 'Undo last change' }).click();
  await expect(pageA.getByRole('status').filter({ hasText: 'Nothing to undo: another device has changed it since.' })).toBeVisible();
  for (const page of [pageA, pageB]) await expect(page.getByRole('spinbutton', { name: 'Temperature' })).toHaveValue('1.2');
  await close();
});

test('typing while another device’s edit arrives keeps the caret, and the keystrokes land where they were typed', async ({ browser, relayFx }) => {
  const { pageA, pageB, close } = await twoPages(browser, relayFx);
  await sharedPreset(pageA, pageB, 'Caret', 'Start. Middle part. End.');

  // A's caret is after "Start."; A types there.
  await typeAt(pageA, 6, 'HELL');
  await expect(pageB.getByLabel('System prompt')).toHaveValue('Start.HELL Middle part. End.');
  // B inserts before "End." (after A's caret) and at the very start (before it).
  await typeAt(pageB, 24, '[B] ');
  await typeAt(pageB, 0, '>> ');
  await expect(pageA.getByLabel('System prompt')).toHaveValue('>> Start.HELL Middle part. [B] End.');
  // A's caret is still right after what A typed, moved only by the text inserted before it.
  await expect.poll(() => caretOf(pageA)).toEqual([13, 13]);

  await pageA.keyboard.type('O WORLD');
  const merged = '>> Start.HELLO WORLD Middle part. [B] End.';
  for (const page of [pageA, pageB]) await expect(page.getByLabel('System prompt')).toHaveValue(merged);
  expect(await caretOf(pageA)).toEqual([20, 20]);
  await close();
});
