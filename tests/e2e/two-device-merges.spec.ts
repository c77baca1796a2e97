import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { AutomergeUrl } from '@automerge/automerge-repo';
import { test, expect, createPresetQuick, type RelayFixture } from './fixtures.ts';
import { goOffline, goOnline, pairedDevices, toModels, type Device } from './devices.ts';
import { readAsNewDevice } from './node-device.ts';
import { parsePairingLink } from '../../client/sync/pairing-link.ts';
import { storedString, type PresetDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { cardAction } from './card-actions.ts';
import { answers, goToChat, selectModel, send, userMessages } from './chat-helpers.ts';

/*
 * Two devices paired to one account, meeting after working apart. The relay fixture is shared by
 * the tests of a worker (one account), so each test uses names of its own.
 */

/**
 * The model IDs of the presets the relay holds, as a device paired now with `link` reads them
 * (decrypted with the key the link carries): lets a test wait until a device's change is on the
 * relay before it goes away.
 */
async function slugsOnRelay(relayFx: RelayFixture, link: string): Promise<string[]> {
  const pairing = parsePairingLink(link);
  if (!pairing.ok || !pairing.info.key || !pairing.info.workspace) throw new Error(`not a pairing link with a key: ${link}`);
  const { key, workspace } = pairing.info;
  return readAsNewDevice({ url: relayFx.wsUrl, token: relayFx.token }, key, async (repo) => {
    const ws = await repo.find<WorkspaceDoc>(workspace as AutomergeUrl);
    const slugs: string[] = [];
    for (const entry of Object.values(ws.doc().presets)) {
      const preset = await repo.find<PresetDoc>(storedString(entry.url) as AutomergeUrl);
      slugs.push(preset.doc().slug);
    }
    return slugs.sort();
  });
}

const presetList = (page: Page) => page.getByRole('list', { name: 'Model presets' });
const card = (page: Page, name: string) => presetList(page).getByRole('listitem', { name, exact: true });

async function openEditor(page: Page, name: string): Promise<void> {
  await toModels(page);
  await card(page, name).getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
}

async function toTrash(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Data' }).click();
}

test('concurrent renames of one preset end with one whole name on both devices, the other offered as a conflict that either device can pick', async ({
  browser,
  relayFx,
}) => {
  const { a, b } = await pairedDevices(browser, relayFx);
  await createPresetQuick(a.page, 'Rename Me');
  await openEditor(a.page, 'Rename Me');
  await openEditor(b.page, 'Rename Me');

  await goOffline(b);
  await a.page.getByLabel('Name', { exact: true }).fill('Alpha Helper');
  await b.page.getByLabel('Name', { exact: true }).fill('Beta Assistant');
  await goOnline(b);

  // One of the two names, whole, on both devices.
  const nameOf = (d: Device) => d.page.getByLabel('Name', { exact: true }).inputValue();
  await expect.poll(async () => [await nameOf(a), await nameOf(b)].join(' | ')).toMatch(
    /^(Alpha Helper \| Alpha Helper|Beta Assistant \| Beta Assistant)$/,
  );
  const winner = await nameOf(a);
  const other = winner === 'Alpha Helper' ? 'Beta Assistant' : 'Alpha Helper';

  // The other name is offered next to the field on both devices.
  for (const d of [a, b]) {
    await expect(d.page.getByText(`Also named “${other}” on another device.`)).toBeVisible();
  }
  // Picking it on B writes it; both devices show it and the conflict is gone.
  await b.page.getByRole('button', { name: `Use “${other}”` }).click();
  for (const d of [a, b]) {
    await expect(d.page.getByLabel('Name', { exact: true })).toHaveValue(other);
    await expect(d.page.getByText(/on another device\.$/)).toHaveCount(0);
    await expect(d.page.getByRole('heading', { name: `Edit ${other}` })).toBeVisible();
  }
  await a.context.close();
  await b.context.close();
});

test('presets given one model ID on two devices apart get unique IDs on both once they meet, with a notice, even when only one is online at a time; Export all writes unique IDs', async ({
  browser,
  relayFx,
}) => {
  const { a, b, link } = await pairedDevices(browser, relayFx);
  await createPresetQuick(a.page, 'Clash Source');
  await toModels(b.page);
  await expect(card(b.page, 'Clash Source')).toBeVisible();

  // Both clone while offline: each clone gets the model ID "clash-source-clone".
  await goOffline(a);
  await goOffline(b);
  await cardAction(card(a.page, 'Clash Source'), 'Clone');
  await cardAction(card(b.page, 'Clash Source'), 'Clone');
  for (const d of [a, b]) await expect(card(d.page, 'Clash Source (Clone)')).toHaveCount(1);

  // Only one device online at a time: A hands its clone to the relay, then B meets it.
  await goOnline(a);
  const cloneIds = (slugs: string[]) => slugs.filter((x) => x.startsWith('clash-source-clone'));
  await expect.poll(async () => cloneIds(await slugsOnRelay(relayFx, link))).toEqual(['clash-source-clone']);
  await goOffline(a);
  await goOnline(b);
  const clones = (d: Device) => card(d.page, 'Clash Source (Clone)');
  await expect(clones(b)).toHaveCount(2);
  const ids = (d: Device) => clones(d).locator('.preset-id').allInnerTexts();
  await expect.poll(async () => (await ids(b)).sort()).toEqual(['clash-source-clone', 'clash-source-clone-2']);
  const notice = 'Two presets had the model ID “clash-source-clone”. The model ID of “Clash Source (Clone)” is now “clash-source-clone-2”.';
  await expect(b.page.getByText(notice)).toBeVisible();
  await expect.poll(async () => cloneIds(await slugsOnRelay(relayFx, link))).toEqual(['clash-source-clone', 'clash-source-clone-2']);
  await goOffline(b);

  // A comes back alone and gets the same IDs and the same notice.
  await goOnline(a);
  await expect(clones(a)).toHaveCount(2);
  await expect.poll(async () => (await ids(a)).sort()).toEqual(['clash-source-clone', 'clash-source-clone-2']);
  await expect(a.page.getByText(notice)).toBeVisible();

  // Export all never writes two presets with one ID.
  const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.getByRole('button', { name: 'Export all' }).click()]);
  const exported = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as Array<{ id: string }>;
  const exportedIds = exported.map((e) => e.id);
  expect(new Set(exportedIds).size).toBe(exportedIds.length);
  expect(exportedIds).toEqual(expect.arrayContaining(['clash-source-clone', 'clash-source-clone-2']));

  // Dismissing the notice on one device dismisses it on both.
  await goOnline(b);
  await a.page.getByRole('button', { name: 'Dismiss the notice about “Clash Source (Clone)”' }).click();
  for (const d of [a, b]) await expect(d.page.getByText(notice)).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('a preset deleted forever on one device while another restores and edits it offline comes back on both, with the edit and a notice', async ({
  browser,
  relayFx,
}) => {
  const { a, b } = await pairedDevices(browser, relayFx);
  await createPresetQuick(a.page, 'Phoenix');
  a.page.once('dialog', (d) => void d.accept());
  await cardAction(card(a.page, 'Phoenix'), 'Delete');
  await expect(card(a.page, 'Phoenix')).toHaveCount(0);

  // B sees it in the Trash, then goes offline (having loaded the editor's page once: lazy pages
  // come from the network until the service worker controls the page).
  await toModels(b.page);
  await b.page.getByRole('link', { name: 'New model' }).click();
  await expect(b.page.getByRole('button', { name: 'Save & create' })).toBeVisible();
  await toTrash(b.page);
  const trashedOnB = b.page.getByRole('listitem', { name: 'Phoenix', exact: true });
  await expect(trashedOnB).toBeVisible();
  await goOffline(b);

  // A deletes it forever.
  await toTrash(a.page);
  a.page.once('dialog', (d) => void d.accept());
  await a.page.getByRole('listitem', { name: 'Phoenix', exact: true }).getByRole('button', { name: 'Delete forever' }).click();
  await expect(a.page.getByRole('listitem', { name: 'Phoenix', exact: true })).toHaveCount(0);

  // B, which has not seen that, restores and edits it.
  await trashedOnB.getByRole('button', { name: 'Restore' }).click();
  await openEditor(b.page, 'Phoenix');
  await b.page.getByLabel('Description').fill('Rewritten on B');
  await toModels(b.page);
  await goOnline(b);

  const notice = '“Phoenix” was deleted forever on one device while another device restored and edited it. It is back, with those edits.';
  await toModels(a.page);
  for (const d of [a, b]) {
    await expect(card(d.page, 'Phoenix').getByText('Rewritten on B')).toBeVisible();
    await expect(d.page.getByText(notice)).toBeVisible();
  }
  // Once dismissed, it stays: the preset is an ordinary one again on both devices.
  await b.page.getByRole('button', { name: 'Dismiss the notice about “Phoenix”' }).click();
  for (const d of [a, b]) {
    await expect(d.page.getByText(notice)).toHaveCount(0);
    await expect(card(d.page, 'Phoenix')).toBeVisible();
  }
  await a.context.close();
  await b.context.close();
});

test('a conversation deleted forever on one device while another restores and renames it offline comes back on both, with a notice', async ({
  browser,
  relayFx,
  fake,
}) => {
  const { a, b } = await pairedDevices(browser, relayFx, { a: fake.url });
  const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const talk = (page: Page, title: string) => sidebar(page).getByRole('listitem', { name: title, exact: true });

  await goToChat(a.page);
  await selectModel(a.page, 'llama3.2:latest');
  await a.page.getByRole('button', { name: 'New chat' }).click();
  await send(a.page, 'Ember talk');
  await expect(answers(a.page).last()).toContainText('You said: Ember talk');
  await expect(talk(a.page, 'Ember talk')).toBeVisible();
  a.page.once('dialog', (d) => void d.accept());
  await talk(a.page, 'Ember talk').getByRole('button', { name: 'Actions for Ember talk' }).click();
  await talk(a.page, 'Ember talk').getByRole('button', { name: 'Delete' }).click();
  await expect(talk(a.page, 'Ember talk')).toHaveCount(0);

  // B (chat page loaded once, so it opens offline) sees it in the Trash, then goes offline.
  await goToChat(b.page);
  await toTrash(b.page);
  const trashedOnB = b.page.getByRole('listitem', { name: 'Ember talk', exact: true });
  await expect(trashedOnB).toBeVisible();
  await goOffline(b);

  await toTrash(a.page);
  a.page.once('dialog', (d) => void d.accept());
  await a.page.getByRole('listitem', { name: 'Ember talk', exact: true }).getByRole('button', { name: 'Delete forever' }).click();
  await expect(a.page.getByRole('listitem', { name: 'Ember talk', exact: true })).toHaveCount(0);

  // B restores and renames it without having seen the purge.
  await trashedOnB.getByRole('button', { name: 'Restore' }).click();
  await goToChat(b.page);
  await talk(b.page, 'Ember talk').getByRole('button', { name: 'Actions for Ember talk' }).click();
  await talk(b.page, 'Ember talk').getByRole('button', { name: 'Rename' }).click();
  const input = sidebar(b.page).getByRole('textbox', { name: 'New title for “Ember talk”' });
  await input.fill('Ember kept');
  await input.press('Enter');
  await expect(talk(b.page, 'Ember kept')).toBeVisible();
  await goOnline(b);

  await goToChat(a.page);
  const notice = 'The conversation “Ember kept” was deleted forever on one device while another device restored it. It is back.';
  for (const d of [a, b]) {
    await expect(talk(d.page, 'Ember kept')).toBeVisible();
    await expect(d.page.getByText(notice)).toBeVisible();
  }
  await a.context.close();
  await b.context.close();
});

test('a preset deleted forever on one device while another, which never saw the delete, edits its system prompt offline comes back in the Trash on both, with the edit and a notice', async ({
  browser,
  relayFx,
}) => {
  const { a, b } = await pairedDevices(browser, relayFx);
  await createPresetQuick(a.page, 'Salamander');

  // B has it open in the editor (live there) and goes offline before A deletes it.
  await toModels(b.page);
  await expect(card(b.page, 'Salamander')).toBeVisible();
  await openEditor(b.page, 'Salamander');
  await goOffline(b);

  // A moves it to the Trash and deletes it forever.
  a.page.once('dialog', (d) => void d.accept());
  await cardAction(card(a.page, 'Salamander'), 'Delete');
  await expect(card(a.page, 'Salamander')).toHaveCount(0);
  await toTrash(a.page);
  a.page.once('dialog', (d) => void d.accept());
  await a.page.getByRole('listitem', { name: 'Salamander', exact: true }).getByRole('button', { name: 'Delete forever' }).click();
  await expect(a.page.getByRole('listitem', { name: 'Salamander', exact: true })).toHaveCount(0);

  // B, which saw neither, edits the system prompt.
  await b.page.getByLabel('System prompt').fill('Kept by B');
  await expect(b.page.getByLabel('System prompt')).toHaveValue('Kept by B');
  await goOnline(b);

  // A's delete stands and B's work is kept: in the Trash on both devices, with a notice.
  const notice =
    '“Salamander” was deleted forever on one device while another device was still editing it. It is back in the Trash (Settings › Data), with those edits.';
  await toTrash(b.page);
  for (const d of [a, b]) {
    await expect(d.page.getByRole('listitem', { name: 'Salamander', exact: true })).toBeVisible();
    await expect(d.page.getByText(notice)).toBeVisible();
  }
  // Restored on A, it holds B's system prompt.
  await a.page.getByRole('listitem', { name: 'Salamander', exact: true }).getByRole('button', { name: 'Restore' }).click();
  await openEditor(a.page, 'Salamander');
  await expect(a.page.getByLabel('System prompt')).toHaveValue('Kept by B');
  await a.context.close();
  await b.context.close();
});

test('a conversation deleted forever on one device while another, which never saw the delete, renames it offline comes back in the Trash on both, with a notice', async ({
  browser,
  relayFx,
  fake,
}) => {
  const { a, b } = await pairedDevices(browser, relayFx, { a: fake.url });
  const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const talk = (page: Page, title: string) => sidebar(page).getByRole('listitem', { name: title, exact: true });

  await goToChat(a.page);
  await selectModel(a.page, 'llama3.2:latest');
  await a.page.getByRole('button', { name: 'New chat' }).click();
  await send(a.page, 'Cinder talk');
  await expect(answers(a.page).last()).toContainText('You said: Cinder talk');

  // B has it live in its sidebar and goes offline before A deletes it.
  await goToChat(b.page);
  await expect(talk(b.page, 'Cinder talk')).toBeVisible();
  await goOffline(b);

  a.page.once('dialog', (d) => void d.accept());
  await talk(a.page, 'Cinder talk').getByRole('button', { name: 'Actions for Cinder talk' }).click();
  await talk(a.page, 'Cinder talk').getByRole('button', { name: 'Delete' }).click();
  await expect(talk(a.page, 'Cinder talk')).toHaveCount(0);
  await toTrash(a.page);
  a.page.once('dialog', (d) => void d.accept());
  await a.page.getByRole('listitem', { name: 'Cinder talk', exact: true }).getByRole('button', { name: 'Delete forever' }).click();
  await expect(a.page.getByRole('listitem', { name: 'Cinder talk', exact: true })).toHaveCount(0);

  // B, which saw neither, renames it.
  await talk(b.page, 'Cinder talk').getByRole('button', { name: 'Actions for Cinder talk' }).click();
  await talk(b.page, 'Cinder talk').getByRole('button', { name: 'Rename' }).click();
  const input = sidebar(b.page).getByRole('textbox', { name: 'New title for “Cinder talk”' });
  await input.fill('Cinder kept');
  await input.press('Enter');
  await expect(talk(b.page, 'Cinder kept')).toBeVisible();
  await goOnline(b);

  const notice = 'The conversation “Cinder kept” was deleted forever on one device while another device was still using it. It is back in the Trash (Settings › Data).';
  await toTrash(b.page);
  for (const d of [a, b]) {
    await expect(d.page.getByRole('listitem', { name: 'Cinder kept', exact: true })).toBeVisible();
    await expect(d.page.getByText(notice)).toBeVisible();
  }
  await a.context.close();
  await b.context.close();
});

test('a conversation deleted forever on one device while another, which never saw the delete, keeps chatting in it offline comes back in the Trash on both, with the new message and a notice', async ({
  browser,
  relayFx,
  fake,
}) => {
  const { a, b } = await pairedDevices(browser, relayFx, { a: fake.url, b: fake.url });
  const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const talk = (page: Page, title: string) => sidebar(page).getByRole('listitem', { name: title, exact: true });

  await goToChat(a.page);
  await selectModel(a.page, 'llama3.2:latest');
  await a.page.getByRole('button', { name: 'New chat' }).click();
  await send(a.page, 'Kiln talk');
  await expect(answers(a.page).last()).toContainText('You said: Kiln talk');

  // B has it open and goes offline before A deletes it.
  await goToChat(b.page);
  await talk(b.page, 'Kiln talk').getByRole('link').click();
  await expect(answers(b.page).last()).toContainText('You said: Kiln talk');
  await goOffline(b);

  a.page.once('dialog', (d) => void d.accept());
  await talk(a.page, 'Kiln talk').getByRole('button', { name: 'Actions for Kiln talk' }).click();
  await talk(a.page, 'Kiln talk').getByRole('button', { name: 'Delete' }).click();
  await expect(talk(a.page, 'Kiln talk')).toHaveCount(0);
  await toTrash(a.page);
  a.page.once('dialog', (d) => void d.accept());
  await a.page.getByRole('listitem', { name: 'Kiln talk', exact: true }).getByRole('button', { name: 'Delete forever' }).click();
  await expect(a.page.getByRole('listitem', { name: 'Kiln talk', exact: true })).toHaveCount(0);

  // B, which saw neither, sends another message in it.
  await send(b.page, 'Still kilning');
  await expect(userMessages(b.page).last()).toContainText('Still kilning');
  await goOnline(b);

  const notice = 'The conversation “Kiln talk” was deleted forever on one device while another device was still using it. It is back in the Trash (Settings › Data).';
  await toTrash(b.page);
  for (const d of [a, b]) {
    await expect(d.page.getByRole('listitem', { name: 'Kiln talk', exact: true })).toBeVisible();
    await expect(d.page.getByText(notice)).toBeVisible();
  }
  // Restored on A, it holds B's message.
  await a.page.getByRole('listitem', { name: 'Kiln talk', exact: true }).getByRole('button', { name: 'Restore' }).click();
  await goToChat(a.page);
  await talk(a.page, 'Kiln talk').getByRole('link').click();
  await expect(userMessages(a.page).last()).toContainText('Still kilning');
  await a.context.close();
  await b.context.close();
});
