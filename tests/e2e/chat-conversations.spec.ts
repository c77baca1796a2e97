import { test, expect } from './fixtures.ts';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { answers, chatRequests, openChat, selectModel, send, userMessages } from './chat-helpers.ts';

const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
const item = (page: Page, title: string) => sidebar(page).getByRole('listitem', { name: title, exact: true });

async function chatAbout(page: Page, text: string) {
  await page.getByRole('button', { name: 'New chat' }).click();
  await send(page, text);
  await expect(answers(page).last()).toContainText(`You said: ${text}`);
}

test('conversations: newest first, search, rename, pin, delete to the Trash and restore', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  await chatAbout(page, 'Apples and pears');
  await chatAbout(page, 'Bananas');
  await chatAbout(page, 'Cherries in spring');
  await expect(sidebar(page).getByRole('listitem')).toHaveText([/Cherries in spring/, /Bananas/, /Apples and pears/]);

  // search (accents and case do not matter)
  await sidebar(page).getByRole('searchbox', { name: 'Search conversations' }).fill('BANANAS');
  await expect(sidebar(page).getByRole('listitem')).toHaveText([/Bananas/]);
  await sidebar(page).getByRole('searchbox', { name: 'Search conversations' }).fill('nothing like this');
  await expect(sidebar(page).getByText('No conversation matches.')).toBeVisible();
  await sidebar(page).getByRole('searchbox', { name: 'Search conversations' }).fill('');

  // rename
  await item(page, 'Apples and pears').getByRole('button', { name: 'Actions for Apples and pears' }).click();
  await item(page, 'Apples and pears').getByRole('button', { name: 'Rename' }).click();
  const input = sidebar(page).getByRole('textbox', { name: 'New title for “Apples and pears”' });
  await input.fill('Fruit salad');
  await input.press('Enter');
  await expect(item(page, 'Fruit salad')).toBeVisible();

  // pin: pinned first
  await item(page, 'Fruit salad').getByRole('button', { name: 'Actions for Fruit salad' }).click();
  await item(page, 'Fruit salad').getByRole('button', { name: 'Pin' }).click();
  await expect(sidebar(page).getByRole('listitem')).toHaveText([/Fruit salad/, /Cherries in spring/, /Bananas/]);

  // a new message moves a conversation up (among the unpinned)
  await item(page, 'Bananas').getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Bananas' })).toBeVisible();
  await send(page, 'More bananas');
  await expect(answers(page)).toHaveCount(2);
  await expect(sidebar(page).getByRole('listitem')).toHaveText([/Fruit salad/, /Bananas/, /Cherries in spring/]);

  // delete → Trash (asks first); the open conversation closes
  page.once('dialog', (d) => void d.accept());
  await item(page, 'Bananas').getByRole('button', { name: 'Actions for Bananas' }).click();
  await item(page, 'Bananas').getByRole('button', { name: 'Delete' }).click();
  await expect(item(page, 'Bananas')).toHaveCount(0);
  await expect(page).toHaveURL(/\/chat$/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Data' }).click();
  const trashed = page.getByRole('listitem', { name: 'Bananas' });
  await expect(trashed).toBeVisible();
  await trashed.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('The Trash is empty.')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await item(page, 'Bananas').getByRole('link').click();
  await expect(userMessages(page)).toHaveCount(2);

  // everything survives a reload
  await page.reload();
  await expect(sidebar(page).getByRole('listitem')).toHaveText([/Fruit salad/, /Bananas/, /Cherries in spring/]);
});

test('export as Markdown and as Open WebUI JSON, and import that JSON back', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'qwen3:4b');
  fake.scriptChat({ thinking: 'Tables first.', content: 'A **LEFT JOIN** keeps every row.' });
  await send(page, 'What is a LEFT JOIN?');
  await expect(answers(page)).toContainText('keeps every row.');

  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const [md] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as Markdown' }).click()]);
  expect(md.suggestedFilename()).toBe('chat-what-is-a-left-join.md');
  const mdText = readFileSync((await md.path())!, 'utf8');
  expect(mdText).toContain('# What is a LEFT JOIN?');
  expect(mdText).toContain('### You\n\nWhat is a LEFT JOIN?');
  expect(mdText).toContain('### qwen3:4b');
  expect(mdText).toContain('A **LEFT JOIN** keeps every row.');

  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as JSON (Open WebUI)' }).click()]);
  const jsonPath = (await json.path())!;
  const exported = JSON.parse(readFileSync(jsonPath, 'utf8')) as Array<{ title: string; chat: { history: { messages: Record<string, { role: string; model?: string; content: string }> } } }>;
  expect(exported[0]!.title).toBe('What is a LEFT JOIN?');
  const msgs = Object.values(exported[0]!.chat.history.messages);
  expect(msgs.find((m) => m.role === 'assistant')).toMatchObject({ model: 'qwen3:4b' });
  expect(msgs.find((m) => m.role === 'assistant')!.content).toContain('<details type="reasoning"');

  // import: a new conversation, same content, thinking back in its block
  await page.getByLabel('Import chats').setInputFiles(jsonPath);
  await expect(sidebar(page).getByText('Imported 1 conversation(s).')).toBeVisible();
  await expect(sidebar(page).getByRole('listitem', { name: 'What is a LEFT JOIN?' })).toHaveCount(2);
  await sidebar(page).getByRole('listitem', { name: 'What is a LEFT JOIN?' }).nth(1).getByRole('link').click();
  await expect(answers(page, 'qwen3:4b')).toContainText('keeps every row.');
  await expect(answers(page, 'qwen3:4b').locator('details.thinking')).toContainText('Tables first.');

  // a file that is not a chat export is refused clearly
  await page.getByLabel('Import chats').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await expect(sidebar(page).getByText('This file is not an Open WebUI chat export.')).toBeVisible();
});

test('imports a chat exported by Open WebUI', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const owui = [
    {
      id: 'c1',
      user_id: 'u',
      title: 'Trip to Lyon',
      chat: {
        id: '',
        title: 'Trip to Lyon',
        models: ['llama3.2:latest'],
        history: {
          currentId: 'm2',
          messages: {
            m1: { id: 'm1', parentId: null, childrenIds: ['m2'], role: 'user', content: 'Plan a day in Lyon', timestamp: 1720000000, models: ['llama3.2:latest'] },
            m2: { id: 'm2', parentId: 'm1', childrenIds: [], role: 'assistant', content: 'Start at **Fourvière**.', model: 'llama3.2:latest', done: true, timestamp: 1720000005 },
          },
        },
        messages: [],
        timestamp: 1720000000000,
      },
      updated_at: 1720000005,
      created_at: 1720000000,
      pinned: true,
    },
  ];
  await page.getByLabel('Import chats').setInputFiles({ name: 'chat-export.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(owui)) });
  await sidebar(page).getByRole('listitem', { name: 'Trip to Lyon' }).getByRole('link').click();
  await expect(answers(page, 'llama3.2:latest').locator('strong')).toHaveText('Fourvière');
  // and it goes on with the model it was using
  await expect(page.getByRole('button', { name: 'Model: llama3.2:latest' })).toBeVisible();
  await send(page, 'And in the evening?');
  await expect(answers(page)).toHaveCount(2);
  // the second answer's frame appears before its request reaches Ollama: wait for the reply itself
  await expect(answers(page).nth(1)).toContainText('You said: And in the evening?');
  expect((chatRequests(fake).at(-1)!.body as { messages: unknown[] }).messages).toEqual([
    { role: 'user', content: 'Plan a day in Lyon' },
    { role: 'assistant', content: 'Start at **Fourvière**.' },
    { role: 'user', content: 'And in the evening?' },
  ]);
});

test('with "let the model propose a title", the first answer is followed by a proposed title', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await page.getByRole('link', { name: 'Chat settings' }).click();
  await page.getByRole('checkbox', { name: 'Let the model propose a title' }).check();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await selectModel(page, 'llama3.2:latest');
  fake.scriptChat({ content: 'Use a LEFT JOIN.' });
  fake.scriptChat({ content: '{"title": "🐘 SQL joins"}' });
  await send(page, 'how do i keep rows without a match in sql');
  await expect(page.getByRole('heading', { name: '🐘 SQL joins' })).toBeVisible();
  await expect(item(page, '🐘 SQL joins')).toBeVisible();
  const titleRequest = chatRequests(fake)[1]!.body as { stream: boolean; messages: Array<{ content: string }> };
  expect(titleRequest.stream).toBe(false);
  expect(titleRequest.messages[0]!.content).toContain('USER: how do i keep rows without a match in sql');
});

test('a long conversation list shows a page at a time; search still finds every one', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  const chats = Array.from({ length: 105 }, (_, i) => ({
    id: `c${i}`,
    title: `Imported chat ${i}`,
    chat: {
      title: `Imported chat ${i}`,
      models: ['llama3.2:latest'],
      history: {
        currentId: 'm1',
        messages: { m1: { id: 'm1', parentId: null, childrenIds: [], role: 'user', content: `question ${i}`, timestamp: 1720000000 + i } },
      },
      messages: [],
      timestamp: (1720000000 + i) * 1000,
    },
    updated_at: 1720000000 + i,
    created_at: 1720000000 + i,
  }));
  await page.getByLabel('Import chats').setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(chats)) });
  const items = sidebar(page).getByRole('list', { name: 'Conversations' }).locator(':scope > li');
  await expect(items).toHaveCount(100);
  await sidebar(page).getByRole('searchbox', { name: 'Search conversations' }).fill('Imported chat 3');
  // 3 and 30–39 match; the oldest ones are beyond the first page
  await expect(items).toHaveCount(11);
  await sidebar(page).getByRole('searchbox', { name: 'Search conversations' }).fill('');
  await sidebar(page).getByRole('button', { name: 'Show 5 more conversations' }).click();
  await expect(items).toHaveCount(105);
  await expect(sidebar(page).getByRole('button', { name: /Show \d+ more/ })).toHaveCount(0);
});
