/**
 * Streaming in the live app, from the fake Ollama:
 *   into the long conversation  a cold start online (sync connects and catches up meanwhile;
 *                nothing waits for it to settle) to /chat/<the long conversation>; as soon as it
 *                is interactive (bench/figures/browser-cold-start.ts) a question is sent and
 *                `tokens` tokens stream at 200 tokens/s. Counted: main-thread tasks > 50 ms from
 *                the Enter key until the finished answer's last words are painted and Send is back.
 *   a large code block  a new chat gets one answer holding a code block of `blockBytes`,
 *                streamed at 1,000 tokens/s: the longest task from Enter until the block's last
 *                line is painted in the finished answer (+ 1 s, for the work that follows the
 *                end); then the browser is closed and relaunched offline, /chat opened, and the
 *                conversation reopened from the sidebar: the longest task from the click until its
 *                live list shows the block and the composer takes input (+ 1 s).
 */
import type { Page } from '@playwright/test';
import { waitFor } from '../lib/common.ts';
import type { BrowserEnv } from '../lib/browser-env.ts';
import { codeBlock, paragraphs, prng } from '../lib/seed.ts';
import { longest, longTasks, longTasksBetween, pageNow, pastPageTime, until, waitMarks, waitQuiet, watch, type LongTask } from '../lib/browser.ts';
import { clickConversation, liveConversation, typeInComposer } from '../lib/app-probes.ts';

/** `tokens` words of Markdown (paragraphs, lists, code blocks), deterministic. */
export function answerText(tokens: number): string {
  const rand = prng(7);
  const parts: string[] = [];
  let n = 0;
  const count = (s: string) => (s.match(/\s*\S+|\s+/g) ?? []).filter((p) => /\S/.test(p)).length;
  while (n < tokens) {
    const block = parts.length % 4 === 3 ? codeBlock(rand, 8) : parts.length % 4 === 1 ? `- ${paragraphs(rand, 12)}\n- ${paragraphs(rand, 10)}` : paragraphs(rand, 60);
    parts.push(block);
    n += count(block);
  }
  const words = parts.join('\n\n').match(/\s*\S+/g) ?? [];
  return words.slice(0, tokens).join('');
}

/** A fenced TypeScript block of about `bytes`, ending with a line naming `marker`. */
export function bigCodeBlock(bytes: number, marker: string): string {
  const rand = prng(11);
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = codeBlock(rand, 3).split('\n').slice(1, -1).join('\n').replace(/_(\d+)\(/, `_${i}(`);
    lines.push(line);
    size += line.length + 1;
  }
  return '```ts\n' + lines.join('\n') + `\n// ${marker}\n` + '```';
}

export interface StreamRun {
  seconds: number;
  tasks: LongTask[];
}

/** Sends `question` from the composer and waits until the fake has streamed `content` and the app shows it finished. */
async function ask(page: Page, env: BrowserEnv, question: string, content: string, tokensPerSecond: number, finished: string): Promise<{ from: number; to: number }> {
  env.fake.scriptChat({ content, tokensPerSecond });
  const before = env.fake.requests.length;
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(question);
  const from = await pageNow(page);
  await box.press('Enter');
  await waitFor(() => env.fake.requests.length > before, 'the chat request', 60_000, 20);
  await waitFor(() => env.fake.inFlight() === 0, 'the stream to end', 600_000, 50);
  await until(page, finished, 120_000, 'the finished answer');
  return { from, to: await pageNow(page) };
}

/** Page code: the last answer's text ends with `tail` and the composer's Send button is back (the answer is finished). */
const answerFinished = (tail: string) => `(() => {
  const last = [...document.querySelectorAll('.message-scroll:not(.message-preview) article.answer')].at(-1);
  const text = last ? (last.textContent || '').replace(/\\s+/g, ' ') : '';
  return Boolean(last) && last.getAttribute('aria-busy') !== 'true' && text.includes(${JSON.stringify(tail.replace(/\s+/g, ' '))}) && Boolean(document.querySelector('button.send[type="submit"]'));
})()`;

/** Streams `tokens` tokens into the conversation open on `page` (interactive already). */
export async function streamInto(page: Page, env: BrowserEnv, tokens: number): Promise<StreamRun> {
  // a plain closing line, so the finished answer is recognised whatever Markdown the cut ends in
  const end = `Streamed answer ${Date.now()} ends here.`;
  const text = `${answerText(tokens - 5)}\n\n${end}`;
  const t = await ask(page, env, `Benchmark question ${Date.now()}`, text, 200, answerFinished(end));
  return { seconds: (t.to - t.from) / 1000, tasks: (await longTasksBetween(page, t.from, t.to)).filter((x) => x.duration > 50) };
}

export interface BlockStream {
  /** the new conversation's id and the text of the block's last line */
  id: string;
  marker: string;
  seconds: number;
  longestTask: number;
}

/** A new chat on `page` (on /chat), one answer holding a code block of `bytes`; the longest task from Enter until its last line is painted finished, + 1 s. */
export async function streamLargeBlock(page: Page, env: BrowserEnv, bytes: number, run: number): Promise<BlockStream> {
  const marker = `end of block ${run}`;
  await page.locator('button.new-chat').click();
  const model = page.getByRole('button', { name: /^Model( \d)?: / }).first();
  if (!/llama3\.2/.test((await model.getAttribute('aria-label')) ?? (await model.textContent()) ?? '')) {
    await model.click();
    await page.getByRole('option', { name: /^llama3\.2/ }).first().click();
  }
  const t = await ask(page, env, `Print the big file ${run}`, `Here it is.\n\n${bigCodeBlock(bytes, marker)}`, 1000, `(${liveConversation(marker)})() && Boolean(document.querySelector('button.send[type="submit"]'))`);
  await pastPageTime(page, t.to + 1000);
  const id = /\/chat\/([^/?#]+)/.exec(page.url())?.[1];
  if (!id) throw new Error(`no conversation id in ${page.url()}`);
  return { id, marker, seconds: (t.to - t.from) / 1000, longestTask: longest(await longTasksBetween(page, t.from, t.to + 1000)) };
}

/**
 * The block's conversation reopened at a later start (browser relaunched, offline, /chat, main
 * thread quiet, its sidebar link clicked): ms until the live list shows the block and the
 * composer takes input, and the longest task from the click until a second after that.
 */
export async function reopenLargeBlock(page: Page, block: BlockStream): Promise<{ ms: number; longestTask: number }> {
  await page.locator(`a.conversation-link[href="/chat/${block.id}"]`).waitFor({ state: 'attached', timeout: 120_000 });
  await waitQuiet(page, 1000, 30_000);
  await watch(page, 'reopened', liveConversation(block.marker), typeInComposer('reopenInteractive'));
  await page.evaluate(clickConversation('reopenClick', block.id));
  const m = await waitMarks(page, ['reopenClick', 'reopenInteractive'], 120_000, 'reopening the code block');
  await pastPageTime(page, m.reopenInteractive! + 1000);
  return {
    ms: m.reopenInteractive! - m.reopenClick!,
    longestTask: longest((await longTasks(page)).filter((x) => x.start >= m.reopenClick! && x.start <= m.reopenInteractive! + 1000)),
  };
}
