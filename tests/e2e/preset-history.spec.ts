import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { pairedDevices } from './devices.ts';

async function openEditor(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name, exact: true }).getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
}

const versions = (page: Page) => page.getByRole('list', { name: 'Versions, newest first' }).getByRole('listitem');

test('the history lists another device’s change under that device’s name, and a system prompt restored there reaches the device that wrote the newer one', async ({ browser, relayFx }) => {
  const { a: { page: pageA }, b: { page: pageB }, close } = await pairedDevices(browser, relayFx);

  // A makes the preset and names itself
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await pageA.getByRole('link', { name: 'New model' }).click();
  await pageA.getByLabel('Name', { exact: true }).fill('Haiku Writer');
  await pageA.getByLabel('Base model').fill('llama3.2');
  await pageA.getByLabel('System prompt').fill('Write haiku.\nSeventeen syllables.');
  await pageA.getByRole('button', { name: 'Save & create' }).click();
  await expect(pageA.getByRole('heading', { name: 'Edit Haiku Writer' })).toBeVisible();
  await pageA.getByRole('button', { name: 'History' }).click();
  const deviceName = pageA.getByRole('textbox', { name: 'Name of this device' });
  await deviceName.fill('Desk computer');
  await deviceName.press('Enter');
  await expect(pageA.getByRole('status').filter({ hasText: 'Device name saved.' })).toBeVisible();

  // B adds a line, then A rewrites the prompt
  await openEditor(pageB, 'Haiku Writer');
  await expect(pageB.getByLabel('System prompt')).toHaveValue('Write haiku.\nSeventeen syllables.');
  const promptB = pageB.getByLabel('System prompt');
  await promptB.focus();
  await promptB.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(el.value.length, el.value.length));
  await pageB.keyboard.insertText('\nAbout the sea.');
  await expect(pageA.getByLabel('System prompt')).toHaveValue('Write haiku.\nSeventeen syllables.\nAbout the sea.');
  await pageA.getByLabel('System prompt').fill('Write limericks.');
  await expect(promptB).toHaveValue('Write limericks.');

  // B's history (from the card's menu): A's rewrite first, under A's name; B's own line; A's creation last
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  const card = pageB.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Haiku Writer', exact: true });
  await card.getByRole('button', { name: /^More actions for / }).click();
  await card.getByRole('menuitem', { name: 'History', exact: true }).click();
  await expect(pageB.getByRole('heading', { name: 'History of Haiku Writer' })).toBeVisible();
  await expect(pageB.getByRole('button', { name: 'History' })).toHaveAttribute('aria-expanded', 'true');
  await expect(versions(pageB)).toHaveCount(3);
  await expect(versions(pageB).nth(0)).toContainText('Desk computer');
  await expect(versions(pageB).nth(0)).toContainText('Changed: System prompt');
  await expect(versions(pageB).nth(1)).toContainText('(this device)');
  await expect(versions(pageB).nth(2)).toContainText('Desk computer');
  await expect(versions(pageB).nth(2)).toContainText('Created the preset');

  // compare the creation with A's rewrite
  await pageB.getByRole('combobox', { name: 'Older version' }).selectOption({ index: 2 });
  const diff = pageB.getByRole('list', { name: 'Differences between the two versions' });
  await expect(diff.getByRole('deletion')).toHaveText(['Removed: Write haiku.', 'Removed: Seventeen syllables.']);
  await expect(diff.getByRole('insertion')).toHaveText(['Added: Write limericks.']);

  // B restores the creation's system prompt: a new change, on both devices
  await versions(pageB).nth(2).getByRole('button', { name: 'Restore this system prompt' }).click();
  await expect(pageB.getByLabel('System prompt')).toHaveValue('Write haiku.\nSeventeen syllables.');
  await expect(pageA.getByLabel('System prompt')).toHaveValue('Write haiku.\nSeventeen syllables.');
  // history is never rewound: the restore is listed on top, every earlier version kept
  await expect(versions(pageB)).toHaveCount(4);
  await expect(versions(pageA)).toHaveCount(4);
  await expect(versions(pageA).nth(0)).not.toContainText('Desk computer');
  await close();
});
