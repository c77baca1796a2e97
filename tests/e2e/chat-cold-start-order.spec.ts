import { test, expect, createPresetQuick } from './fixtures.ts';
import { answers, openChat, selectModel, send, userMessages } from './chat-helpers.ts';

/**
 * Which documents the page reads from IndexedDB, in the order it asks (automerge-repo loads a
 * document by ranges of keys starting with its id), and how many distinct documents it had asked
 * for when the conversation's first message was shown.
 */
function watchDocumentReads(): void {
  const w = window as unknown as { __reads: string[]; __readsWhenShown: number | null };
  w.__reads = [];
  w.__readsWhenShown = null;
  const getAll = IDBObjectStore.prototype.getAll;
  IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, query?: IDBValidKey | IDBKeyRange | null, count?: number) {
    const lower: unknown = query instanceof IDBKeyRange ? query.lower : undefined;
    if (this.name === 'documents' && Array.isArray(lower) && typeof lower[0] === 'string' && !w.__reads.includes(lower[0])) w.__reads.push(lower[0]);
    return getAll.call(this, query, count);
  };
  new MutationObserver((_, observer) => {
    if (!document.querySelector('article[aria-label="You"]')) return;
    w.__readsWhenShown = w.__reads.length;
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
}

test('a cold start at a conversation opens it before the presets it does not name; they open afterwards', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  for (const name of ['Named', 'Other 1', 'Other 2', 'Other 3', 'Other 4']) await createPresetQuick(page, name);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await selectModel(page, 'Named');
  await send(page, 'Hello');
  await expect(answers(page).last()).toContainText('You said: Hello');
  await expect(page).toHaveURL(/\/chat\/[^/]+$/);
  const at = page.url();

  // a new page load at the conversation: nothing in memory
  await page.addInitScript(watchDocumentReads);
  await page.goto(at);
  await expect(userMessages(page)).toContainText(['Hello']);
  await expect(page.getByRole('button', { name: /^Model: Named/ })).toBeVisible();
  const shownAfter = await page.evaluate(() => (window as unknown as { __readsWhenShown: number | null }).__readsWhenShown);
  // the workspace, the conversation and the preset it names: none of the four others
  expect(shownAfter).toBe(3);
  // and every preset opens once the conversation is shown (workspace + conversation + 5 presets)
  await expect.poll(() => page.evaluate(() => (window as unknown as { __reads: string[] }).__reads.length)).toBe(7);
  await page.getByRole('button', { name: /^Model: Named/ }).click();
  for (const name of ['Other 1', 'Other 2', 'Other 3', 'Other 4']) await expect(page.getByRole('option', { name: new RegExp(`^${name}`) })).toBeVisible();
});
