import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { png } from './images.ts';
import { answers, chatRequests, createPreset, goToChat, lastChatBody, openChat, selectModel, send, setParam, userMessages, type ChatBody } from './chat-helpers.ts';
import type { FakeOllama } from '../fake-ollama/index.ts';

/* What each /api/chat request holds after a model switch, a picture, passages, or a failed answer. */

function bodiesFor(fake: FakeOllama, model: string): ChatBody[] {
  return chatRequests(fake)
    .map((r) => r.body as ChatBody)
    .filter((b) => b.model === model);
}

test('after a picture for a vision model, a preset without vision gets every turn as text, its own system prompt and parameters, and the person is told once', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Tutor', 'llama3.2', async () => {
    await page.getByLabel('System prompt').fill('You are a patient tutor.');
    await setParam(page, 'Temperature', '0.3');
  });
  await goToChat(page);
  await selectModel(page, 'llava:7b');
  await page.getByLabel('Attach images').setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: png(64, 64) });
  fake.scriptChat({ model: 'llava:7b', content: 'A blue square.' });
  await send(page, 'What is in this picture?');
  await expect(answers(page, 'llava:7b')).toContainText('A blue square.');
  expect(lastChatBody(fake).messages[0]!.images).toHaveLength(1);

  await selectModel(page, 'Tutor');
  await send(page, 'Explain it simply');
  // Ollama fails a request with images for a model without vision: the answer must arrive
  await expect(answers(page, 'Tutor')).toContainText('You said: Explain it simply');
  expect(lastChatBody(fake)).toEqual({
    model: 'llama3.2',
    messages: [
      { role: 'system', content: 'You are a patient tutor.' },
      { role: 'user', content: 'What is in this picture?' },
      { role: 'assistant', content: 'A blue square.' },
      { role: 'user', content: 'Explain it simply' },
    ],
    stream: true,
    options: { temperature: 0.3 },
  });
  const told = page.getByRole('note').filter({ hasText: 'Tutor cannot read images: the earlier pictures of this conversation (1) were not sent to it.' });
  await expect(answers(page, 'Tutor').getByRole('note')).toHaveText('Tutor cannot read images: the earlier pictures of this conversation (1) were not sent to it.');

  // the next turn leaves the picture out again, without telling again
  await send(page, 'Thanks');
  await expect(answers(page, 'Tutor')).toHaveCount(2);
  await expect(answers(page, 'Tutor').nth(1)).toContainText('You said: Thanks');
  expect(lastChatBody(fake).messages.some((m) => m.images !== undefined)).toBe(false);
  await expect(told).toHaveCount(1);

  // back to the vision model: it gets the picture again
  await selectModel(page, 'llava:7b');
  await send(page, 'And now?');
  await expect(answers(page, 'llava:7b')).toHaveCount(2);
  await expect(answers(page, 'llava:7b').nth(1)).toContainText('You said: And now?');
  expect(bodiesFor(fake, 'llava:7b').at(-1)!.messages[0]!.images).toHaveLength(1);
  await expect(userMessages(page)).toHaveCount(4);
});

async function wholeDocumentPreset(page: Page) {
  await createPreset(page, 'Handbook', 'llama3.2', async () => {
    await page.getByLabel('Attach documents').first().setInputFiles({ name: 'refunds.txt', mimeType: 'text/plain', buffer: Buffer.from('Refunds take 14 days.') });
    await page.locator('.document-item', { hasText: 'refunds.txt' }).getByLabel('Use whole document').check();
  });
}

test('passages retrieved for an earlier answer stay in later turns, also for another model', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await wholeDocumentPreset(page);
  await goToChat(page);
  await selectModel(page, 'Handbook');
  fake.scriptChat({ content: 'They take 14 days [1].' });
  await send(page, 'How long do refunds take?');
  await expect(answers(page, 'Handbook')).toContainText('They take 14 days');
  const asked = lastChatBody(fake).messages[0]!;
  expect(asked.content).toContain('<source id="1" name="refunds.txt">\nRefunds take 14 days.\n</source>');

  await selectModel(page, 'qwen3:4b');
  await send(page, 'Quote the source exactly');
  await expect(answers(page, 'qwen3:4b')).toContainText('You said: Quote the source exactly');
  expect(lastChatBody(fake).messages).toEqual([
    { role: 'user', content: asked.content },
    { role: 'assistant', content: 'They take 14 days [1].' },
    { role: 'user', content: 'Quote the source exactly' },
  ]);
});

async function pickTwo(page: Page) {
  await selectModel(page, 'llama3.2:latest');
  await page.getByRole('button', { name: 'Add a model' }).click();
  await selectModel(page, 'qwen3:4b', 2);
  await expect(page.getByRole('button', { name: 'Model 2: qwen3:4b' })).toBeVisible();
}

test('when one of two answers fails, the next turn continues from the one that succeeded, and retrying the failed one keeps the later turns', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await pickTwo(page);
  fake.scriptChat({ model: 'llama3.2', errorBefore: { status: 500, error: 'model runner has unexpectedly stopped' } });
  fake.scriptChat({ model: 'qwen3:4b', content: 'Qwen made it.' });
  await send(page, 'Hi both');
  const group = page.getByRole('group', { name: 'Answers from 2 models' });
  await expect(group.getByRole('region', { name: 'Answer from qwen3:4b' })).toContainText('Qwen made it.');
  await expect(group.getByRole('region', { name: 'Answer from llama3.2:latest' }).getByRole('alert')).toBeVisible();

  await send(page, 'Go on');
  await expect(group).toHaveCount(2);
  await expect(group.nth(1).getByRole('region', { name: 'Answer from qwen3:4b' })).toContainText('You said: Go on');
  await expect(group.nth(1).getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('You said: Go on');
  const expected = [
    { role: 'user', content: 'Hi both' },
    { role: 'assistant', content: 'Qwen made it.' },
    { role: 'user', content: 'Go on' },
  ];
  expect(bodiesFor(fake, 'llama3.2:latest')[1]!.messages).toEqual(expected);
  expect(bodiesFor(fake, 'qwen3:4b')[1]!.messages).toEqual(expected);
  // the conversation shows the answer it continued from as the chosen one
  await expect(group.first().getByRole('region', { name: 'Answer from qwen3:4b' }).getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');

  // Retry redoes the failed answer in its column; the conversation still continues from qwen's
  fake.scriptChat({ model: 'llama3.2', content: 'Llama made it this time.' });
  const failed = group.first().getByRole('region', { name: 'Answer from llama3.2:latest' });
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toContainText('Llama made it this time.');
  await expect(userMessages(page).filter({ hasText: 'Go on' })).toBeVisible();
  await expect(group).toHaveCount(2);
  await expect(group.first().getByRole('region', { name: 'Answer from qwen3:4b' }).getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');
});

test('on a phone, looking at the other model\'s answer keeps the later turns; continuing from it is an explicit choice', async ({ page, fake, relayFx }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await openChat(page, relayFx, fake);
  await pickTwo(page);
  fake.scriptChat({ model: 'llama3.2', content: 'Llama answer.' });
  fake.scriptChat({ model: 'qwen3:4b', content: 'Qwen answer.' });
  await send(page, 'Hi both');
  const first = page.getByRole('group', { name: 'Answers from 2 models' }).first();
  await expect(first).toContainText('Llama answer.');
  await send(page, 'Second question');
  await expect(userMessages(page)).toHaveCount(2);
  await expect.poll(() => chatRequests(fake).length).toBe(4);

  await first.getByRole('button', { name: 'Next model' }).click();
  await expect(first).toContainText('Qwen answer.');
  await expect(first).toContainText('The conversation continues from llama3.2:latest’s answer.');
  // the later turn is still there
  await expect(userMessages(page).filter({ hasText: 'Second question' })).toBeVisible();
  await expect(userMessages(page)).toHaveCount(2);
  await expect(first.getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'false');

  // choosing it is explicit: now the conversation continues from qwen's answer
  await first.getByRole('button', { name: 'Continue from this answer' }).click();
  await expect(first.getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');
  await expect(userMessages(page).filter({ hasText: 'Second question' })).toHaveCount(0);
  await send(page, 'Next');
  await expect.poll(() => chatRequests(fake).length).toBe(6);
  expect((chatRequests(fake)[5]!.body as ChatBody).messages[1]).toEqual({ role: 'assistant', content: 'Qwen answer.' });
});
