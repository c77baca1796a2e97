import { test, expect } from './fixtures.ts';
import { pairedDevices } from './devices.ts';
import type { Page } from '@playwright/test';
import { cardAction } from './card-actions.ts';

async function openEditor(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name, exact: true }).getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
}

test('two paired devices edit the same preset concurrently, one offline, and both edits are kept', async ({ browser, relayFx }) => {
  const { a, b, close } = await pairedDevices(browser, relayFx);
  const [pageA, pageB] = [a.page, b.page];

  // A creates the preset with a system prompt; B receives it.
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await pageA.getByRole('link', { name: 'New model' }).click();
  await pageA.getByLabel('Name', { exact: true }).fill('Shared Tutor');
  await pageA.getByLabel('Base model').fill('llama3.2');
  await pageA.getByLabel('System prompt').fill('You are a tutor.');
  await pageA.getByRole('button', { name: 'Save & create' }).click();
  await expect(pageA.getByRole('heading', { name: 'Edit Shared Tutor' })).toBeVisible();
  await openEditor(pageB, 'Shared Tutor');
  await expect(pageB.getByLabel('System prompt')).toHaveValue('You are a tutor.');

  // B goes offline and edits; A edits the same prompt and other fields meanwhile.
  await b.context.setOffline(true);
  await expect(pageB.getByRole('status', { name: /Sync status: Offline/ })).toBeVisible();
  const promptB = pageB.getByLabel('System prompt');
  await promptB.press('End');
  await promptB.pressSequentially(' Answer in French.');
  await pageB.getByLabel('Add a tag').fill('from-b');
  await pageB.getByLabel('Add a tag').press('Enter');
  await pageB.getByRole('switch', { name: 'Vision' }).check();

  const promptA = pageA.getByLabel('System prompt');
  await promptA.press('Home');
  await promptA.press('End');
  // Insert "patient " after "You are a ".
  await promptA.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(10, 10));
  await promptA.pressSequentially('patient ');
  await pageA.getByLabel('Add a tag').fill('from-a');
  await pageA.getByLabel('Add a tag').press('Enter');
  await pageA.getByLabel('Description').fill('Edited on A');

  await b.context.setOffline(false);
  const merged = 'You are a patient tutor. Answer in French.';
  await expect(pageA.getByLabel('System prompt')).toHaveValue(merged);
  await expect(pageB.getByLabel('System prompt')).toHaveValue(merged);
  for (const p of [pageA, pageB]) {
    await expect(p.getByRole('button', { name: 'Remove tag from-a' })).toBeVisible();
    await expect(p.getByRole('button', { name: 'Remove tag from-b' })).toBeVisible();
    await expect(p.getByRole('switch', { name: 'Vision' })).toBeChecked();
    await expect(p.getByLabel('Description')).toHaveValue('Edited on A');
  }
  await close();
});

test('hide on one device and edit on the other both survive; clone on both gives two clones', async ({ browser, relayFx }) => {
  const { a, b, close } = await pairedDevices(browser, relayFx);
  const [pageA, pageB] = [a.page, b.page];
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await pageA.getByRole('link', { name: 'New model' }).click();
  await pageA.getByLabel('Name', { exact: true }).fill('Twin');
  await pageA.getByLabel('Base model').fill('llama3.2');
  await pageA.getByRole('button', { name: 'Save & create' }).click();
  await pageA.getByRole('link', { name: 'Back to models' }).click();
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  const twinB = pageB.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Twin', exact: true });
  await expect(twinB).toBeVisible();

  await b.context.setOffline(true);
  await expect(pageB.getByRole('status', { name: /Sync status: Offline/ })).toBeVisible();
  await cardAction(twinB, 'Hide');
  await cardAction(twinB, 'Clone');
  const twinA = pageA.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Twin', exact: true });
  await cardAction(twinA, 'Clone');
  await twinA.getByRole('link', { name: 'Edit' }).click();
  await pageA.getByLabel('Description').fill('Edited while B hid it');
  await pageA.getByRole('link', { name: 'Back to models' }).click();
  await b.context.setOffline(false);

  for (const p of [pageA, pageB]) {
    const list = p.getByRole('list', { name: 'Model presets' });
    await expect(list.getByRole('listitem', { name: 'Twin (Clone)', exact: true })).toHaveCount(2);
    const twin = list.getByRole('listitem', { name: 'Twin', exact: true });
    await expect(twin.getByText('Hidden')).toBeVisible();
    await expect(twin.getByText('Edited while B hid it')).toBeVisible();
  }
  await close();
});
