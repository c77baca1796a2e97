import { test, expect, useOllamaEndpoint } from './fixtures.ts';

/* A reload during a pull leaves a trace: the pull is interrupted, with Resume. */

test('a pull cut off by a reload shows as interrupted with Resume, and a page outside Settings shows pulls running', async ({ page, fake, relayFx }) => {
  fake.setPullable({ 'smollm2:135m': { layers: 3, totalBytes: 270_898_362, steps: 40, stepDelayMs: 200 } });
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/settings/connections`);
  await page.getByLabel('Model to pull').fill('smollm2:135m');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Pull of smollm2:135m' })).toBeVisible();

  // elsewhere in the app, the shell says a pull is running and leads back to it
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  const indicator = page.getByRole('link', { name: 'Pulling models: 1. Open Settings › Connections' });
  await expect(indicator).toBeVisible();
  await indicator.click();
  await expect(page.getByRole('progressbar', { name: 'Pull of smollm2:135m' })).toBeVisible();
  await expect(indicator).toHaveCount(0);

  await page.reload();
  const row = page.getByRole('list', { name: 'Pulls' }).getByRole('listitem', { name: 'Pull of smollm2:135m' });
  await expect(row).toContainText('The pull of smollm2:135m stopped when the page was reloaded.');
  await expect(row.getByRole('progressbar')).toHaveCount(0);

  // Resume asks Ollama for the same model again (Ollama continues what it had downloaded)
  fake.setPullable({ 'smollm2:135m': { layers: 3, totalBytes: 270_898_362, steps: 2, stepDelayMs: 20 } });
  await row.getByRole('button', { name: 'Resume pull of smollm2:135m' }).click();
  await expect(row).toContainText('Pulled smollm2:135m. It is now in the installed models.');
  const pulls = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/pull').map((r) => {
    const b = r.body as { model?: string; name?: string };
    return b.model ?? b.name;
  });
  expect(pulls).toEqual(['smollm2:135m', 'smollm2:135m']);

  // finished: nothing is kept for the next reload
  await page.reload();
  await expect(page.getByLabel('Model to pull')).toBeVisible();
  await expect(page.getByRole('listitem', { name: 'Pull of smollm2:135m' })).toHaveCount(0);
});
