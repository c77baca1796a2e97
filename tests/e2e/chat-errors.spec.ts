import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, type RelayFixture } from './fixtures.ts';
import type { FakeOllama } from '../fake-ollama/index.ts';
import { answers, chatRequests, createPreset, goToChat, lastChatBody, openChat, selectModel, send, userMessages } from './chat-helpers.ts';

test('an error line in the middle of the stream is shown on the answer with the diagnosis; Retry works', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  fake.scriptChat({ content: 'Partial answer then more words', errorAfterChars: { after: 8, error: 'GPU ran out of memory' } });
  await send(page, 'Explain monads');
  const answer = answers(page, 'llama3.2:latest');
  const alert = answer.getByRole('alert');
  await expect(alert).toContainText('Ollama reported an error.');
  await expect(alert).toContainText('Ollama said: GPU ran out of memory');
  await expect(answer).toContainText('Partial');

  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(answer).toContainText('You said: Explain monads');
  await expect(answer.getByRole('alert')).toHaveCount(0);
  await expect(answer).not.toContainText('Partial');
  expect(chatRequests(fake)).toHaveLength(2);
  expect(lastChatBody(fake).messages).toEqual([{ role: 'user', content: 'Explain monads' }]);
  // the retried answer replaced the failed one: no extra version
  await expect(answer.getByRole('group', { name: /^Version/ })).toHaveCount(0);
});

test('Ollama down: what was typed is kept, the diagnosis says so, and Retry works once it is back', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  await fake.setDown(true);
  await send(page, 'Are you there?');
  await expect(userMessages(page)).toContainText('Are you there?');
  const answer = answers(page, 'llama3.2:latest');
  await expect(answer.getByRole('alert')).toContainText('Ollama is not running at this address.');
  await page.reload();
  await expect(userMessages(page)).toContainText('Are you there?');
  await expect(answers(page).getByRole('alert')).toContainText('Ollama is not running at this address.');

  await fake.setDown(false);
  await answers(page).getByRole('button', { name: 'Retry' }).click();
  await expect(answers(page)).toContainText('You said: Are you there?');
});

test('a preset whose base model is not installed gets "Model not found" on the answer', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Ghost', 'nosuchmodel:1b');
  await goToChat(page);
  await selectModel(page, 'Ghost');
  await send(page, 'Hello?');
  await expect(answers(page, 'Ghost').getByRole('alert')).toContainText('Model not found.');
  await expect(answers(page, 'Ghost').getByRole('alert')).toContainText('“nosuchmodel:1b” is not installed in Ollama.');
  // the answer offers to pull it right there
  await expect(answers(page, 'Ghost').getByRole('alert').getByRole('button', { name: 'Pull "nosuchmodel:1b"' })).toBeVisible();
});

/** A tab that asks for a 200-word story, streamed slowly (10 words a second). */
async function startLongStory(context: BrowserContext, relayFx: RelayFixture, fake: FakeOllama): Promise<Page> {
  const first = await context.newPage();
  await openChat(first, relayFx, fake);
  await selectModel(first, 'llama3.2:latest');
  const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
  fake.scriptChat({ content: words, tokensPerSecond: 10 });
  await send(first, 'Write a long story');
  return first;
}

test('an answer whose tab closed mid-stream is shown as interrupted; Continue picks it up', async ({ context, fake, relayFx }) => {
  const first = await startLongStory(context, relayFx, fake);
  await expect(answers(first)).toContainText('w5');
  // A second tab shows what reached the document (not the first tab's live text): once it holds
  // some of the answer, the first tab closes mid-stream.
  const second = await context.newPage();
  await second.goto(first.url());
  const answer = answers(second, 'llama3.2:latest');
  await expect(answer).toContainText('w3');
  await first.close();
  await expect(answer.getByText(/This answer was interrupted/)).toBeVisible();
  const partial = (await answer.locator('.answer-text').innerText()).trim();

  fake.scriptChat({ content: ' and they lived happily.' });
  await answer.getByRole('button', { name: 'Continue' }).click();
  await expect(answer).toContainText('they lived happily.');
  await expect(answer).not.toContainText('interrupted');
  // the partial text was sent last, for the model to continue it
  const body = lastChatBody(fake);
  expect(body.messages.at(-1)).toEqual({ role: 'assistant', content: partial });
  expect((await answer.locator('.answer-text').innerText()).trim()).toBe(`${partial} and they lived happily.`);
});

test('an answer whose writing tab stopped dead keeps the text another tab saw live, also after a reload, and Continue goes on from it', async ({ context, fake, relayFx }) => {
  const first = await startLongStory(context, relayFx, fake);
  const second = await context.newPage();
  await second.goto(first.url());
  const answer = answers(second, 'llama3.2:latest');
  // the second tab has the text live (from the first tab's messages, ahead of any checkpoint)
  await expect(answer).toContainText('w12');
  // the writing tab stops dead, as a crashed or killed one does: paused in the debugger, it runs
  // no more script (no pagehide, no last checkpoint, no heartbeat)
  const cdp = await context.newCDPSession(first);
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  await expect(answer.getByText(/This answer was interrupted/)).toBeVisible();
  const partial = (await answer.locator('.answer-text').innerText()).trim();
  expect(partial).toContain('w12');

  // what this tab saw was stored: a reload shows it again
  await second.reload();
  const reloaded = answers(second, 'llama3.2:latest');
  await expect(reloaded.getByText(/This answer was interrupted/)).toBeVisible();
  await expect(reloaded.locator('.answer-text')).toHaveText(partial);

  fake.scriptChat({ content: ' and they lived happily.' });
  await reloaded.getByRole('button', { name: 'Continue' }).click();
  await expect(reloaded).toContainText('they lived happily.');
  expect(lastChatBody(fake).messages.at(-1)).toEqual({ role: 'assistant', content: partial });
});
