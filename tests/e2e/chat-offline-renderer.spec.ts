import { test, expect } from './fixtures.ts';
import { answers, send, userMessages } from './chat-helpers.ts';

/*
 * The Markdown renderer is a chunk of its own. A device offline before that chunk could be
 * fetched or cached (here: no service worker at all) shows answers as plain text; the
 * conversation must still follow every change, and render once the browser is back online.
 */

const owui = [
  {
    id: 'talk-1',
    title: 'Imported talk',
    chat: {
      title: 'Imported talk',
      models: ['llama3.2:latest'],
      history: {
        currentId: 'm2',
        messages: {
          m1: { id: 'm1', parentId: null, childrenIds: ['m2'], role: 'user', content: 'Tell me a story', timestamp: 1720000000, models: ['llama3.2:latest'] },
          m2: { id: 'm2', parentId: 'm1', childrenIds: [], role: 'assistant', content: 'Once upon a time.', model: 'llama3.2:latest', done: true, timestamp: 1720000005 },
        },
      },
      messages: [],
      timestamp: 1720000000000,
    },
    updated_at: 1720000005,
    created_at: 1720000000,
  },
];

test.describe('without a service worker', () => {
  test.use({ serviceWorkers: 'block' });

  test('a message sent while the Markdown renderer cannot load appears at once, and answers render once back online', async ({ shell: page, context }) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
    await page.getByLabel('Import chats').setInputFiles({ name: 'chat-export.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(owui)) });
    const link = page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Imported talk' });
    await expect(link).toBeVisible();

    // offline before any answer was shown: the renderer's chunk cannot load
    await context.setOffline(true);
    const chunkFailed = page.waitForEvent('requestfailed', (r) => /\/assets\/render-[^/]*\.js$/.test(r.url()));
    await link.click();
    await expect(answers(page)).toContainText('Once upon a time.');
    await chunkFailed;
    await expect(answers(page).getByRole('paragraph')).toHaveCount(0);

    await send(page, 'Sent while offline');
    await expect(userMessages(page).nth(1)).toContainText('Sent while offline');
    await expect(answers(page)).toHaveCount(2);

    await context.setOffline(false);
    await expect(answers(page).first().getByRole('paragraph')).toHaveText('Once upon a time.');
  });
});
