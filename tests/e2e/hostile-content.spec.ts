import { test, expect } from './fixtures.ts';
import { answers, openChat, selectModel, send } from './chat-helpers.ts';
import type { Page } from '@playwright/test';

/** Payloads that would run script if rendered as HTML. None may run, in answers or in imported text. */
const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '<svg onload="window.__pwned=2"><script>window.__pwned=3</script></svg>',
  '[click me](javascript:window.__pwned=4)',
  '<a href="javascript:window.__pwned=5">html link</a>',
  '<iframe src="javascript:window.__pwned=6"></iframe>',
  '<details open ontoggle="window.__pwned=7">x</details>',
  '![img](x" onerror="window.__pwned=8)',
  '```html\n<script>window.__pwned=9</script>\n<img src=x onerror="window.__pwned=10">\n```',
  '<math><mi xlink:href="javascript:window.__pwned=11">m</mi></math>',
].join('\n\n');

/**
 * Nothing ran, and nothing can: a handler or script URL runs only from an element that carries
 * it, and no element anywhere on the page does (so there is no moment to wait for).
 */
async function notPwned(page: Page) {
  await expect(page.locator('[onerror], [onload], [ontoggle], [onmouseover], [href^="javascript:"], [src^="javascript:"], iframe, object, embed')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
}

test('hostile model output renders as inert text', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  fake.scriptChat({ content: HOSTILE, tokensPerSecond: 0 });
  await send(page, 'Say something dangerous');
  const answer = answers(page, 'llama3.2:latest');
  await expect(answer).toContainText('<img src=x onerror="window.__pwned=1">');
  await notPwned(page);
  await expect(answer.locator('script, svg, iframe, math, img, [onerror], [onload], [ontoggle]')).toHaveCount(0);
  await expect(answer.locator('a[href^="javascript:"]')).toHaveCount(0);
  // The code fence shows its HTML as code.
  await expect(answer.locator('pre code')).toContainText('<script>window.__pwned=9</script>');
  await page.reload();
  await expect(answers(page, 'llama3.2:latest')).toContainText('<img src=x onerror="window.__pwned=1">');
  await notPwned(page);
});

test('hostile text in an imported preset stays text', async ({ shell: page }) => {
  const file = [
    {
      id: 'evil',
      base_model_id: 'llama3.2',
      name: '<img src=x onerror="window.__pwned=20">Evil',
      params: { system: '<script>window.__pwned=21</script>' },
      meta: { description: '<svg onload="window.__pwned=22">', tags: [{ name: '<b onmouseover="window.__pwned=23">t</b>' }], profile_image_url: 'javascript:window.__pwned=24' },
    },
  ];
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByLabel('Import from a file').setInputFiles({ name: 'evil.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await expect(page.getByText('<img src=x onerror="window.__pwned=20">Evil').first()).toBeVisible();
  await notPwned(page);
  await expect(page.locator('main script, main svg, main [onerror], main [onload]')).toHaveCount(0);
});
