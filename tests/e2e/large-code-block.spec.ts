import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { answers, openChat, selectModel, send } from './chat-helpers.ts';

/*
 * A large code block (client/chat/markdown/code-view.ts): streamed in place, highlighted off the
 * page's thread, its text exact whatever happens to the highlighting.
 */

/** About `lines` lines of TypeScript, with a comment and a template string over many lines (spans cut across chunks). */
function bigCode(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (i % 150 === 40) out.push('/* a comment', ...Array.from({ length: 60 }, (_, j) => ` * note ${i}.${j} <b>&amp;</b>`), ' */');
    else if (i % 150 === 120) out.push('const text = `', ...Array.from({ length: 50 }, (_, j) => `  template ${i}.${j} & <tag>`), '`;');
    else out.push(`export function step${i}(value: number): string { return "step ${i}: " + (value * ${i}).toString(); }`);
  }
  return out.join('\n');
}

const CODE = bigCode(400);
const FENCED = `Here is the module:\n\n\`\`\`ts\n${CODE}\n\`\`\`\n\nThat is all.`;

/** Counts, in the page, the code blocks of 3,000 characters or more taken out of the DOM (a re-render of the whole block). */
async function countReplacedBigBlocks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __bigBlocksRemoved: number };
    w.__bigBlocksRemoved = 0;
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.removedNodes)
          if (n instanceof HTMLElement) for (const b of [n, ...n.querySelectorAll('.code-block')]) if (b.matches('.code-block') && (b.textContent ?? '').length >= 3000) w.__bigBlocksRemoved++;
    }).observe(document.body, { childList: true, subtree: true });
  });
}

const codeOf = (page: Page) => answers(page, 'qwen3:4b').locator('pre code').first();

test('a large streamed code block grows in place (never rendered again whole), then shows highlighted with its exact text, also after a reload', async ({ page, fake, relayFx }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openChat(page, relayFx, fake);
  await selectModel(page, 'qwen3:4b');
  await countReplacedBigBlocks(page);
  fake.scriptChat({ content: FENCED, tokensPerSecond: 1500 });
  await send(page, 'Write a big module');

  const answer = answers(page, 'qwen3:4b');
  await expect(answer).toContainText('That is all.');
  await expect(answer.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  expect(await codeOf(page).textContent()).toBe(CODE);
  expect(await page.evaluate(() => (window as unknown as { __bigBlocksRemoved: number }).__bigBlocksRemoved)).toBe(0);

  // highlighted from the worker, to the last line, and still exactly the code
  await expect(codeOf(page).locator('.hljs-title').filter({ hasText: 'step399' })).toHaveCount(1);
  await expect(codeOf(page).locator('.hljs-comment').first()).toContainText('a comment');
  expect(await codeOf(page).textContent()).toBe(CODE);
  await answer.getByRole('button', { name: 'Copy code' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(CODE);

  await page.reload();
  await expect(codeOf(page).locator('.hljs-title').filter({ hasText: 'step399' })).toHaveCount(1);
  expect(await codeOf(page).textContent()).toBe(CODE);
});

test('with the highlighting worker unavailable, a large code block shows its whole code as plain text, never highlighted on the page thread', async ({ page, fake, relayFx }) => {
  // the highlighting worker's script fails as it starts (its 'error' event, as a broken or missing script gives)
  await page.addInitScript(() => {
    const Real = window.Worker;
    window.Worker = class extends Real {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(String(url).includes('highlight.worker') ? URL.createObjectURL(new Blob(['throw new Error("broken worker")'], { type: 'text/javascript' })) : url, options);
      }
    };
  });
  await openChat(page, relayFx, fake);
  await selectModel(page, 'qwen3:4b');
  fake.scriptChat({ content: FENCED, tokensPerSecond: 3000 });
  await send(page, 'Write a big module');

  const answer = answers(page, 'qwen3:4b');
  await expect(answer).toContainText('That is all.');
  await expect(answer.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  expect(await codeOf(page).textContent()).toBe(CODE);
  await expect(codeOf(page).locator('span[class^="hljs-"]')).toHaveCount(0);
  await expect(answer.getByRole('button', { name: 'Copy code' })).toBeVisible();
});

test('a large code block whose fence the finished answer never closed is highlighted too, its text exact', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'qwen3:4b');
  fake.scriptChat({ content: `Cut short:\n\n\`\`\`ts\n${CODE}`, tokensPerSecond: 3000 });
  await send(page, 'Write a big module');

  const answer = answers(page, 'qwen3:4b');
  await expect(answer.getByRole('button', { name: 'Stop' })).toHaveCount(0);
  await expect(codeOf(page).locator('.hljs-title').filter({ hasText: 'step399' })).toHaveCount(1);
  expect(await codeOf(page).textContent()).toBe(CODE);
});
