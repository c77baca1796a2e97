import { test, expect } from './fixtures.ts';
import { answers, lastChatBody, openChat, selectModel, send } from './chat-helpers.ts';

/* Interruptions told honestly: what a reload cut off says so at once. */

test('an answer this tab was writing when the page reloaded is interrupted at once, never "being written elsewhere", and Continue finishes it', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
  fake.scriptChat({ content: words, tokensPerSecond: 10 });
  await send(page, 'Write a long answer');
  await expect(answers(page)).toContainText('w5');
  // a second tab shows what reached the document (not this tab's live text): once it holds some
  // of the answer, the reload cuts the stream
  const observer = await page.context().newPage();
  await observer.goto(page.url());
  await expect(answers(observer, 'llama3.2:latest')).toContainText('w3');
  await observer.close();

  // from the first paint after the reload, note whether the misleading status ever shows
  await page.addInitScript(() => {
    const w = window as unknown as { sawElsewhere: boolean };
    w.sawElsewhere = false;
    new MutationObserver(() => {
      if (document.body?.textContent?.includes('Being written in another tab or on another device')) w.sawElsewhere = true;
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await page.reload();
  const answer = answers(page, 'llama3.2:latest');
  await expect(answer).toContainText('This answer was interrupted: the tab writing it closed before the end.');
  expect(await page.evaluate(() => (window as unknown as { sawElsewhere: boolean }).sawElsewhere)).toBe(false);
  const partial = (await answer.locator('.answer-text').innerText()).trim();
  expect(partial).toMatch(/^w0 w1 w2 w3/);

  fake.scriptChat({ content: ' the end.' });
  await answer.getByRole('button', { name: 'Continue' }).click();
  await expect(answer).toContainText('the end.');
  await expect(answer).not.toContainText('This answer was interrupted');
  // the partial text goes last, as the start of the reply
  expect(lastChatBody(fake).messages.at(-1)).toEqual({ role: 'assistant', content: partial });
});
