import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';
import type { FakeOllama } from '../fake-ollama/index.ts';
import { chatRequests, openChat, selectModel, send, type ChatBody } from './chat-helpers.ts';

async function pickTwo(page: Page) {
  await selectModel(page, 'llama3.2:latest');
  await page.getByRole('button', { name: 'Add a model' }).click();
  await selectModel(page, 'qwen3:4b', 2);
  await expect(page.getByRole('button', { name: 'Model 1: llama3.2:latest' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Model 2: qwen3:4b' })).toBeVisible();
  // the default limit is two
  await expect(page.getByRole('button', { name: 'Add a model' })).toHaveCount(0);
}

function bodiesFor(fake: FakeOllama, model: string): ChatBody[] {
  return chatRequests(fake)
    .map((r) => r.body as ChatBody)
    .filter((b) => b.model === model);
}

test('two models answer side by side, each can be stopped, and the next turn continues from the selected answer', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await pickTwo(page);
  const slow = Array.from({ length: 60 }, (_, i) => `llama${i}`).join(' ');
  fake.scriptChat({ model: 'llama3.2', content: slow, tokensPerSecond: 8 });
  fake.scriptChat({ model: 'qwen3:4b', thinking: 'Hmm.', content: 'Answer from qwen.' });
  await send(page, 'Compare yourselves');

  const group = page.getByRole('group', { name: 'Answers from 2 models' });
  const llama = group.getByRole('region', { name: 'Answer from llama3.2:latest' });
  const qwen = group.getByRole('region', { name: 'Answer from qwen3:4b' });
  await expect(qwen).toContainText('Answer from qwen.');
  await expect(llama).toContainText('llama2');
  // side by side on a desktop
  const [lb, qb] = [await llama.boundingBox(), await qwen.boundingBox()];
  expect(lb && qb && Math.abs(lb.y - qb.y) < 5 && qb.x > lb.x + lb.width - 5).toBe(true);
  // both were asked in parallel with the same message
  expect(bodiesFor(fake, 'llama3.2:latest')[0]!.messages).toEqual([{ role: 'user', content: 'Compare yourselves' }]);
  expect(bodiesFor(fake, 'qwen3:4b')[0]!.messages).toEqual([{ role: 'user', content: 'Compare yourselves' }]);

  // stop only the slow one
  await llama.getByRole('button', { name: 'Stop' }).click();
  await expect(llama).toContainText('Stopped.');
  await expect(qwen).not.toContainText('Stopped.');

  // choose qwen's answer; the next message continues from it, for both models
  await expect(llama.getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');
  await qwen.getByRole('button', { name: 'Continue from this answer' }).click();
  await expect(qwen.getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');
  await send(page, 'Go on');
  await expect(page.getByRole('group', { name: 'Answers from 2 models' })).toHaveCount(2);
  await expect(page.getByRole('group', { name: 'Answers from 2 models' }).nth(1).getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('You said: Go on');
  const expected = [
    { role: 'user', content: 'Compare yourselves' },
    { role: 'assistant', content: 'Answer from qwen.' },
    { role: 'user', content: 'Go on' },
  ];
  expect(bodiesFor(fake, 'llama3.2:latest')[1]!.messages).toEqual(expected);
  expect(bodiesFor(fake, 'qwen3:4b')[1]!.messages).toEqual(expected);
});

test('with "each model continues its own thread", each model sees its own earlier answer', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await page.getByRole('link', { name: 'Chat settings' }).click();
  await page.getByRole('checkbox', { name: 'Each model continues its own thread' }).check();
  await page.getByLabel('Models answering at once').selectOption('3');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await pickTwoOfThree(page);
  fake.scriptChat({ model: 'llama3.2', content: 'Llama says one.' });
  fake.scriptChat({ model: 'qwen3:4b', content: 'Qwen says one.' });
  await send(page, 'One');
  await expect(page.getByRole('region', { name: 'Answer from qwen3:4b' })).toContainText('Qwen says one.');
  await expect(page.getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('Llama says one.');
  await send(page, 'Two');
  await expect(page.getByRole('group', { name: 'Answers from 2 models' })).toHaveCount(2);
  await expect.poll(() => bodiesFor(fake, 'qwen3:4b').length).toBe(2);
  expect(bodiesFor(fake, 'llama3.2:latest')[1]!.messages[1]).toEqual({ role: 'assistant', content: 'Llama says one.' });
  expect(bodiesFor(fake, 'qwen3:4b')[1]!.messages[1]).toEqual({ role: 'assistant', content: 'Qwen says one.' });
});

async function pickTwoOfThree(page: Page) {
  await selectModel(page, 'llama3.2:latest');
  await page.getByRole('button', { name: 'Add a model' }).click();
  await selectModel(page, 'qwen3:4b', 2);
  // the limit is now three: a third could be added
  await expect(page.getByRole('button', { name: 'Add a model' })).toBeVisible();
}

test('on a phone the answers show one at a time, with arrows between the models', async ({ page, fake, relayFx }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await openChat(page, relayFx, fake);
  await pickTwo(page);
  fake.scriptChat({ model: 'llama3.2', content: 'Llama answer.' });
  fake.scriptChat({ model: 'qwen3:4b', content: 'Qwen answer.' });
  await send(page, 'Hi both');
  const group = page.getByRole('group', { name: 'Answers from 2 models' }).first();
  await expect(group).toContainText('Llama answer.');
  await expect(group).not.toContainText('Qwen answer.');
  await expect(group).toContainText('llama3.2:latest (1 of 2)');
  await group.getByRole('button', { name: 'Next model' }).click();
  await expect(group).toContainText('Qwen answer.');
  await expect(group).not.toContainText('Llama answer.');
  await expect(group.getByRole('button', { name: 'Next model' })).toBeDisabled();
  // nothing overflows the phone's width
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // continuing from the answer shown is an explicit choice
  await group.getByRole('button', { name: 'Continue from this answer' }).click();
  await send(page, 'Next');
  await expect.poll(() => chatRequests(fake).length).toBe(4);
  expect((chatRequests(fake)[3]!.body as ChatBody).messages[1]).toEqual({ role: 'assistant', content: 'Qwen answer.' });
});
