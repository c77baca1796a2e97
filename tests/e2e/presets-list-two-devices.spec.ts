import type { Page } from '@playwright/test';
import { test, expect, createPresetQuick } from './fixtures.ts';
import { goOffline, goOnline, pairedDevices, toModels } from './devices.ts';

/*
 * The models list's personal order, pins, enable switch and chat links across two paired
 * devices (issue 19), paired as in devices.ts.
 */

const presetList = (page: Page) => page.getByRole('list', { name: 'Model presets' });
const card = (page: Page, name: string) => presetList(page).getByRole('listitem', { name, exact: true });
const cardNames = (page: Page) => presetList(page).locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));

test('reorders made on two devices at the same time both survive when they meet, and pins and the Enabled switch follow to the other device', async ({
  browser,
  relayFx,
}) => {
  const { a, b, close } = await pairedDevices(browser, relayFx);
  for (const n of ['Ant', 'Bee', 'Cat', 'Dog']) await createPresetQuick(a.page, n);
  await toModels(b.page);
  for (const d of [a, b]) await expect.poll(() => cardNames(d.page)).toEqual(['Dog', 'Cat', 'Bee', 'Ant']);

  // apart: A moves Ant to the top, B moves Dog to the bottom
  await goOffline(a);
  await goOffline(b);
  await card(a.page, 'Ant').focus();
  for (let i = 0; i < 3; i++) await a.page.keyboard.press('Alt+ArrowUp');
  await expect.poll(() => cardNames(a.page)).toEqual(['Ant', 'Dog', 'Cat', 'Bee']);
  await card(b.page, 'Dog').focus();
  for (let i = 0; i < 3; i++) await b.page.keyboard.press('Alt+ArrowDown');
  await expect.poll(() => cardNames(b.page)).toEqual(['Cat', 'Bee', 'Ant', 'Dog']);

  await goOnline(a);
  await goOnline(b);
  // both moves kept, on both devices
  for (const d of [a, b]) await expect.poll(() => cardNames(d.page)).toEqual(['Ant', 'Cat', 'Bee', 'Dog']);

  // a pin and a disabled preset made on A show on B
  await card(a.page, 'Cat').getByRole('button', { name: /^More actions for / }).click();
  await card(a.page, 'Cat').getByRole('menuitem', { name: 'Pin in chat selector' }).click();
  await card(a.page, 'Bee').getByRole('switch', { name: 'Enabled' }).uncheck();
  await expect(card(b.page, 'Cat').getByText('Pinned', { exact: true })).toBeVisible();
  await expect(card(b.page, 'Bee').getByText('Disabled', { exact: true })).toBeVisible();
  await expect(card(b.page, 'Bee').getByRole('switch', { name: 'Enabled' })).not.toBeChecked();
  await close();
});

test('a chat link copied on one device opens a new chat with that preset on another paired device', async ({ browser, relayFx }) => {
  const { a, b, close } = await pairedDevices(browser, relayFx);
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await createPresetQuick(a.page, 'Traveller');
  await card(a.page, 'Traveller').getByRole('button', { name: /^More actions for / }).click();
  await card(a.page, 'Traveller').getByRole('menuitem', { name: 'Copy link' }).click();
  const link = await a.page.evaluate(() => navigator.clipboard.readText());

  await b.page.goto(link);
  await expect(b.page.getByRole('button', { name: /^Model: / })).toHaveAccessibleName('Model: Traveller');
  await close();
});
