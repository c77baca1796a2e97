import { test, expect } from './fixtures.ts';
import { pairedDevices } from './devices.ts';
import { answers, selectModel, send } from './chat-helpers.ts';
import { filesWithBytes, readableIn } from '../helpers/plaintext-scan.ts';

/*
 * An answer streamed on device A reaches device B live, through the encrypted ephemeral channel
 * (the document gets the text only at sparse checkpoints), and the relay never holds any of it in
 * the clear.
 */
test('a second device sees the answer grow live while it streams, ends with the same text, each device sees the other has it open, and the relay stores none of it readable', async ({ browser, fake, relayFx }) => {
  const { a, b, close } = await pairedDevices(browser, relayFx, { a: fake.url, b: fake.url });
  const [pageA, pageB] = [a.page, b.page];

  await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await selectModel(pageA, 'llama3.2:latest');
  // long, distinctive words: found by the scan below if they were stored readable
  const words = Array.from({ length: 90 }, (_, i) => `livestreamword${i}`);
  fake.scriptChat({ content: words.join(' '), tokensPerSecond: 8 });
  await send(pageA, 'Stream to the other device');
  const answerA = answers(pageA, 'llama3.2:latest');
  await expect(answerA).toContainText('livestreamword1');

  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  const link = pageB.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Stream to the other device' });
  await link.click();
  const answerB = answers(pageB, 'llama3.2:latest');
  // B shows text that came live from A (not from a stored checkpoint), and says where it is written
  await expect(answerB.getByRole('status')).toHaveText('Written live on another device…');
  const lengthOf = async () => ((await answerB.locator('.answer-text').textContent()) ?? '').length;
  await expect.poll(lengthOf).toBeGreaterThan(0);
  const early = await lengthOf();
  await expect.poll(lengthOf).toBeGreaterThan(early + 30);
  const later = await lengthOf();
  await expect.poll(lengthOf).toBeGreaterThan(later + 30);
  // …all while A's stream is still open
  await expect(answerA.getByRole('button', { name: 'Stop' })).toBeVisible();
  expect(await answerA.locator('.answer-text').textContent()).not.toContain(words.at(-1));

  // the end: settled on both, with the same text
  await expect(answerA.getByText(/tokens\/s/)).toBeVisible();
  await expect(answerB.getByText(/tokens\/s/)).toBeVisible();
  await expect(answerB.getByRole('status')).toHaveCount(0);
  const textA = (await answerA.locator('.answer-text').innerText()).trim();
  expect(textA).toBe(words.join(' '));
  expect((await answerB.locator('.answer-text').innerText()).trim()).toBe(textA);

  // presence: A's chat says the conversation is also open on B, until B leaves it
  await expect(pageA.getByRole('status').filter({ hasText: 'Also open on another device' })).toBeVisible();
  await expect(pageB.getByRole('status').filter({ hasText: 'Also open on another device' })).toBeVisible();
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(pageA.getByText('Also open on another device')).toHaveCount(0);

  // the relay's files hold none of the streamed words in the clear
  expect(readableIn(await filesWithBytes(relayFx.dataDir), words)).toEqual([]);

  await close();
});
