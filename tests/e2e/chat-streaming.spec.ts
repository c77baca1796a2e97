import { test, expect } from './fixtures.ts';
import { answers, chatRequests, openChat, selectModel, send, userMessages } from './chat-helpers.ts';

const MARKDOWN = [
  'Here is **bold** text and a table:',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '```python',
  'def greet(name):',
  '    return f"hi {name}"',
  '```',
  '',
  'Raw HTML stays text: <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [link](javascript:window.__pwned=3)',
  '',
  'The end of the answer.',
].join('\n');

test('a streamed answer renders progressively as Markdown, with thinking, speed and code copy, and is saved', async ({ page, fake, relayFx }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openChat(page, relayFx, fake);
  await selectModel(page, 'qwen3:4b');
  fake.scriptChat({ thinking: 'Let me think about tables.', content: MARKDOWN, tokensPerSecond: 25 });
  await send(page, 'Show me some Markdown');

  const answer = answers(page, 'qwen3:4b');
  // progressively: the beginning is there while the end is not yet, and it can be stopped
  await expect(answer).toContainText('Here is');
  await expect(answer.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect(answer).not.toContainText('The end of the answer.');
  await expect(answer).toContainText('The end of the answer.');

  // Markdown: bold, a table, highlighted code with a copy button
  await expect(answer.locator('strong', { hasText: 'bold' })).toBeVisible();
  await expect(answer.getByRole('table')).toBeVisible();
  await expect(answer.locator('code .hljs-keyword').first()).toHaveText('def');
  await answer.getByRole('button', { name: 'Copy code' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('def greet(name):\n    return f"hi {name}"');

  // sanitised: the model's HTML is shown, never run
  await expect(answer).toContainText('<img src=x onerror="window.__pwned=1">');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(answer.locator('img, script')).toHaveCount(0);
  await expect(answer.locator('a[href^="javascript:"]')).toHaveCount(0);

  // thinking is collapsed; the speed follows the answer
  const thinking = answer.locator('details.thinking');
  await expect(thinking.locator('summary')).toHaveText('Thoughts');
  await expect(thinking).not.toHaveAttribute('open', '');
  await thinking.locator('summary').click();
  await expect(thinking).toContainText('Let me think about tables.');
  await expect(answer.getByText(/\d+(\.\d)? tokens\/s/)).toBeVisible();

  // copy the whole message
  await answer.getByRole('button', { name: 'Copy message' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(MARKDOWN);

  // saved: the conversation is in the sidebar, titled from the first message, and a reload shows everything
  await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Show me some Markdown' })).toBeVisible();
  await page.reload();
  await expect(userMessages(page)).toHaveText(/Show me some Markdown/);
  await expect(answers(page, 'qwen3:4b')).toContainText('The end of the answer.');
  await expect(answers(page, 'qwen3:4b').getByRole('table')).toBeVisible();
  expect(chatRequests(fake)).toHaveLength(1);
});

test('Stop (button or Escape) ends the answer and keeps what arrived, also after a reload', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
  fake.scriptChat({ content: words, tokensPerSecond: 10 });
  await send(page, 'Talk for a while');
  const answer = answers(page, 'llama3.2:latest');
  await expect(answer).toContainText('word3');
  await answer.getByRole('button', { name: 'Stop' }).click();
  await expect(answer).toContainText('Stopped.');
  await expect.poll(() => fake.inFlight()).toBe(0);
  const kept = (await answer.locator('.answer-text').innerText()).trim();
  expect(kept).toMatch(/^word0 word1 word2 word3/);
  expect(kept).not.toContain('word79');

  // Escape stops too
  fake.scriptChat({ content: words, tokensPerSecond: 10 });
  await send(page, 'Again please');
  await expect(answers(page).nth(1)).toContainText('word2');
  await page.keyboard.press('Escape');
  await expect(answers(page).nth(1)).toContainText('Stopped.');
  await expect.poll(() => fake.inFlight()).toBe(0);

  await page.reload();
  await expect(answers(page).first()).toContainText('Stopped.');
  await expect(answers(page).first().locator('.answer-text')).toHaveText(kept);
});

test('Enter sends, Shift+Enter adds a line, and the unsent draft is kept per conversation', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('first line');
  await box.press('Shift+Enter');
  await box.pressSequentially('second line');
  await expect(box).toHaveValue('first line\nsecond line');
  await box.press('Enter');
  await expect(answers(page)).toContainText('You said: first line\nsecond line');
  await expect(box).toHaveValue('');

  // a draft in this conversation survives a reload; a new chat has its own
  await box.fill('half-written thought');
  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('half-written thought');
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'first line' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('half-written thought');
});
