import { test, expect } from './fixtures.ts';
import { pairedDevices } from './devices.ts';
import { answers, selectModel, send } from './chat-helpers.ts';

test('a conversation appears on a second paired device, which sees the answer grow', async ({ browser, fake, relayFx }) => {
  const { a, b, close } = await pairedDevices(browser, relayFx, { a: fake.url, b: fake.url });
  const [pageA, pageB] = [a.page, b.page];

  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await selectModel(pageA, 'llama3.2:latest');
  const words = Array.from({ length: 120 }, (_, i) => `t${i}`).join(' ');
  fake.scriptChat({ content: words, tokensPerSecond: 12 });
  await send(pageA, 'Tell the other device');
  await expect(answers(pageA)).toContainText('t2');

  // B: the conversation is in the list; opening it shows the answer while it is being written
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  const link = pageB.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Tell the other device' });
  await expect(link).toBeVisible();
  await link.click();
  const answerB = answers(pageB, 'llama3.2:latest');
  // live text from A's ephemeral messages, or the stored checkpoints before the first one arrives
  const writtenElsewhere = /Written live on another device…|Being written in another tab or on another device…/;
  await expect(answerB).toContainText(writtenElsewhere);
  const lengthOf = async () => ((await answerB.locator('.answer-text').textContent()) ?? '').length;
  await expect.poll(lengthOf).toBeGreaterThan(10);
  const early = await lengthOf();
  await expect.poll(lengthOf).toBeGreaterThan(early + 10);
  // and the end, settled, with the same text as on A
  await expect(answerB).toContainText('t119');
  await expect(answerB).not.toContainText(writtenElsewhere);
  await expect(answerB.getByText(/tokens\/s/)).toBeVisible();
  expect((await answerB.locator('.answer-text').innerText()).trim()).toBe(words);

  // B answers in the same conversation; A sees it
  await send(pageB, 'Hello from B');
  await expect(answers(pageA)).toHaveCount(2);
  await expect(answers(pageA).nth(1)).toContainText('You said: Hello from B');

  await close();
});
