import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { createPreset, goToChat, openChat } from './chat-helpers.ts';
import { cardAction } from './card-actions.ts';

/** The chat's model picker (ModelSelector): a WAI-ARIA combobox that fits a phone. */

const searchBox = (page: Page) => page.getByRole('combobox', { name: 'Search models' });

async function addTags(page: Page, tags: string[]) {
  for (const tag of tags) {
    await page.getByLabel('Add a tag').fill(tag);
    await page.getByLabel('Add a tag').press('Enter');
  }
}

test('the model picker is a keyboard combobox: focused search, arrows/Home/End move, Enter chooses, Escape closes', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const button = page.getByRole('button', { name: /^Model: / });
  await button.click();
  const box = searchBox(page);
  await expect(box).toBeFocused();
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  const listbox = page.getByRole('listbox');
  await expect(listbox).toHaveAttribute('id', (await box.getAttribute('aria-controls'))!);
  const options = listbox.getByRole('option');
  const active = listbox.getByRole('option', { selected: true });
  /** the active option is the n-th one (-1: the last), and the search box points at it */
  const expectActive = async (n: number) => {
    const count = await options.count();
    const option = options.nth(n < 0 ? count + n : n);
    await expect(option).toHaveAttribute('aria-selected', 'true');
    await expect(active).toHaveCount(1);
    await expect(box).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id'))!);
  };
  await expect(options).toHaveCount(4); // the fake's four models: llama3.2, llava:7b, qwen3:4b, nomic-embed-text

  await box.press('Home');
  await expectActive(0);
  await box.press('ArrowDown');
  await expectActive(1);
  await box.press('End');
  await expectActive(-1);
  await box.press('ArrowUp');
  await expectActive(-2);
  const chosen = (await options.nth(-2).locator('.option-name').textContent())!;
  await box.press('Enter');
  const button2 = page.getByRole('button', { name: `Model: ${chosen}` });
  await expect(button2).toBeFocused();
  await expect(listbox).toHaveCount(0);

  // Typing narrows the list and makes the first match active; Escape closes without choosing.
  await button2.press('Enter');
  await expect(box).toBeFocused();
  await box.fill('LLAVA');
  await expect(options).toHaveCount(1);
  await expect(active).toHaveAccessibleName(/^llava:7b/);
  await box.press('Escape');
  await expect(listbox).toHaveCount(0);
  await expect(button2).toBeFocused();
});

test('the model picker fits a 390 px phone screen, tags and badges included', async ({ page, fake, relayFx }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Support Agent With A Long Name', 'llama3.2', () => addTags(page, ['customer-support', 'multilingual', 'long-context', 'escalations']));
  await goToChat(page);
  await page.getByRole('button', { name: /^Model: / }).click();
  const listbox = page.getByRole('listbox');
  const option = listbox.getByRole('option', { name: /^Support Agent With A Long Name/ });
  await expect(option).toBeVisible();
  const within = async (what: string, box: { x: number; width: number } | null) => {
    expect(box, what).not.toBeNull();
    expect(box!.x, what).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, what).toBeLessThanOrEqual(390);
  };
  await within('listbox', await listbox.boundingBox());
  await within('search box', await searchBox(page).boundingBox());
  for (const tag of ['customer-support', 'multilingual', 'long-context', 'escalations']) await within(tag, await option.getByText(tag).boundingBox());
  for (const badge of await listbox.getByRole('option', { name: /^qwen3:4b/ }).getByText(/tools|thinking/).all()) await within('badge', await badge.boundingBox());
});

test('model search ignores accents and case, in the models list and in the picker', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Téléphone', 'llama3.2');
  await page.getByRole('link', { name: 'Back to models' }).click();
  await page.getByRole('searchbox', { name: 'Search models' }).fill('telephone');
  await expect(page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Téléphone', exact: true })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search models' }).fill('TELEPHONE');
  await expect(page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Téléphone', exact: true })).toBeVisible();

  await goToChat(page);
  await page.getByRole('button', { name: /^Model: / }).click();
  await searchBox(page).fill('TELEPHONE');
  await expect(page.getByRole('option', { name: /^Téléphone/ })).toBeVisible();
});

test('Pull is never offered for a hidden preset’s name or a capitalised search, only for model-like names', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'secret', 'llama3.2');
  await page.getByRole('link', { name: 'Back to models' }).click();
  await cardAction(page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'secret', exact: true }), 'Hide');
  await goToChat(page);
  await page.getByRole('button', { name: /^Model: / }).click();
  const box = searchBox(page);
  await box.fill('nosuchmodel');
  await expect(page.getByRole('button', { name: 'Pull "nosuchmodel"' })).toBeVisible();
  await box.fill('secret');
  await expect(page.getByText('No model matches.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Pull "/ })).toHaveCount(0);
  await box.fill('Coder');
  await expect(page.getByText('No model matches.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Pull "/ })).toHaveCount(0);
});
