import { test, expect } from './fixtures.ts';
import { goOffline, goOnline, pairedDevices } from './devices.ts';
import { answers, send, userMessages } from './chat-helpers.ts';
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { next as A, isImmutableString } from '@automerge/automerge';

/*
 * A conversation whose text is stored as collaborative text (as builds before conversation
 * schema 2 wrote every message, and as the Open WebUI import still writes it) is moved into a
 * fresh document when opened. Two devices: B, offline, opens and edits it (and so moves it on
 * its own), while A moves it and edits it too. Once they meet, both show both edits, and the
 * conversation lives in one document of single values.
 */

const LONG = Array.from({ length: 120 }, (_, i) => `Sentence ${i} of a long answer written before single values.`).join(' ');
const FROM_A = 'Edit from A after the move';
const FROM_B = 'Edit from B while offline';

const owui = [
  {
    id: 'old-1',
    title: 'Old talk',
    chat: {
      title: 'Old talk',
      models: ['llama3.2:latest'],
      history: {
        currentId: 'm2',
        messages: {
          m1: { id: 'm1', parentId: null, childrenIds: ['m2'], role: 'user', content: 'Tell me a long story', timestamp: 1720000000, models: ['llama3.2:latest'] },
          m2: { id: 'm2', parentId: 'm1', childrenIds: [], role: 'assistant', content: LONG, model: 'llama3.2:latest', done: true, timestamp: 1720000005 },
        },
      },
      messages: [],
      timestamp: 1720000000000,
    },
    updated_at: 1720000005,
    created_at: 1720000000,
  },
];

async function openOldTalk(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Old talk' }).click();
  await expect(answers(page)).toContainText('Sentence 119 of a long answer');
}

/**
 * The second turn has both versions, each one arrow away from the other. While the devices
 * converge, which version is shown (and its number) may still change under the test, so each
 * text is looked for by stepping through the versions until it is shown.
 */
async function seesBothEdits(page: Page): Promise<void> {
  const second = userMessages(page).nth(1);
  await expect(second.getByRole('group', { name: /^Version [12] of 2$/ })).toBeVisible();
  // of the two arrows, the one that leads to the other version (exactly one is enabled)
  const otherVersion = second.getByRole('button', { name: /^(Previous|Next) version$/ }).and(page.locator(':enabled'));
  for (const text of [FROM_A, FROM_B]) {
    await expect
      .poll(async () => {
        if ((await second.innerText()).includes(text)) return true;
        await otherVersion.click();
        return false;
      })
      .toBe(true);
  }
}

test('a conversation moved on one device while another edits it offline (and moves it too) ends in one light document with both edits', async ({ browser, fake, relayFx }) => {
  const { a, b, close } = await pairedDevices(browser, relayFx, { a: fake.url, b: fake.url });
  const [pageA, pageB] = [a.page, b.page];

  // A imports the old-format conversation; B receives it
  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await pageA.getByLabel('Import chats').setInputFiles({ name: 'chat-export.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(owui)) });
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(pageB.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Old talk' })).toBeVisible();

  // B, offline, opens it (it holds the old document) and answers
  await goOffline(b);
  await openOldTalk(pageB);
  await send(pageB, FROM_B);
  await expect(userMessages(pageB).nth(1)).toContainText(FROM_B);

  // A opens it meanwhile and answers
  await openOldTalk(pageA);
  fake.scriptChat({ content: 'Noted.' });
  await send(pageA, FROM_A);
  await expect(answers(pageA).nth(1)).toContainText('Noted.');

  await goOnline(b);
  await seesBothEdits(pageA);
  await seesBothEdits(pageB);

  // what is stored: the entry names a document of single values holding both edits
  await pageA.goto(`${relayFx.origin}/settings/data`);
  const [download] = await Promise.all([pageA.waitForEvent('download'), pageA.getByRole('button', { name: 'Back up everything' }).click()]);
  const backup = JSON.parse(await readFile((await download.path())!, 'utf8')) as { workspaceUrl: string; docs: { url: string; data: string }[] };
  const load = (url: string) => A.load<Record<string, unknown>>(Buffer.from(backup.docs.find((d) => d.url === url)!.data, 'base64'));
  const ws = load(backup.workspaceUrl) as { conversations: Record<string, { url: unknown; title: unknown }> };
  const entry = Object.values(ws.conversations).find((e) => String(e.title) === 'Old talk')!;
  const conversation = load(String(entry.url)) as { messages: Record<string, { content: unknown }> };
  const contents = Object.values(conversation.messages).map((m) => m.content);
  // (an answer that failed offline keeps its empty placeholder, which holds no operations)
  expect(contents.filter((c) => String(c) !== '').every((c) => isImmutableString(c))).toBe(true);
  expect(contents.map(String)).toEqual(expect.arrayContaining([FROM_A, FROM_B, LONG]));
  await close();
});
