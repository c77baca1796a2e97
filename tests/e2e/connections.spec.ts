import { test, expect, useOllamaEndpoint } from './fixtures.ts';
import type { Page } from '@playwright/test';
import type { FakeOllama } from '../fake-ollama/index.ts';
import type { RelayFixture } from './fixtures.ts';

/** Settings › Connections with the device's endpoint pointed at the fake Ollama. */
async function openConnections(page: Page, fake: FakeOllama, relayFx: RelayFixture) {
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/settings/connections`);
  await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
}

const connection = (page: Page) => page.getByRole('status', { name: 'Ollama connection' });
const installed = (page: Page) => page.getByRole('list', { name: 'Installed models' });

test('Verify reports a working Ollama with its version', async ({ page, fake, relayFx }) => {
  await openConnections(page, fake, relayFx);
  await expect(page.getByLabel('Ollama endpoint')).toHaveValue(fake.url);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(connection(page)).toContainText(`Connected to Ollama 0.33.0 at ${fake.url}`);
  // The endpoint is device-local: saving keeps it in this browser's storage.
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved on this device.')).toBeVisible();
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('atelier.device') ?? '{}') as { ollamaEndpoint?: string });
  expect(stored.ollamaEndpoint).toBe(fake.url);
});

test('a CORS refusal names the exact origin to put in OLLAMA_ORIGINS', async ({ page, fake, relayFx }) => {
  fake.setOrigins([], false);
  await openConnections(page, fake, relayFx);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(connection(page)).toContainText('Ollama is running but refuses this app’s origin.');
  const line = `OLLAMA_ORIGINS=${relayFx.origin}`;
  await expect(connection(page).getByText(line, { exact: true })).toBeVisible();
  await expect(connection(page).getByRole('button', { name: `Copy ${line}` })).toBeVisible();

  // Once Ollama allows the origin, Verify succeeds.
  fake.setOrigins([relayFx.origin], false);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(connection(page)).toContainText('Connected to Ollama');
});

test('a server that is down is reported as not running', async ({ page, fake, relayFx }) => {
  await openConnections(page, fake, relayFx);
  await expect(connection(page)).toContainText('Connected to Ollama');
  await fake.setDown(true);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(connection(page)).toContainText('Ollama is not running at this address.');
  await expect(connection(page)).toContainText(`Nothing answers at ${fake.url}`);
  await expect(connection(page)).not.toContainText('OLLAMA_ORIGINS');
});

test('a wrong address is explained before any request', async ({ page, fake, relayFx }) => {
  await openConnections(page, fake, relayFx);
  await page.getByLabel('Ollama endpoint').fill(`${fake.url}/api`);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(connection(page)).toContainText('Remove “/api” from the end');
  await expect(page.getByText(`Not saved yet: the app still uses ${fake.url}.`)).toBeVisible();
});

test('installed models are listed with their details and capabilities, and kept on the device', async ({ page, fake, relayFx }) => {
  await openConnections(page, fake, relayFx);
  const list = installed(page);
  const llama = list.getByRole('listitem', { name: 'llama3.2:latest' });
  await expect(llama).toBeVisible();
  await expect(llama).toContainText('2.02 GB');
  await expect(llama).toContainText('llama');
  await expect(llama).toContainText('3.2B');
  await expect(llama).toContainText('Q4_K_M');
  await expect(llama).toContainText('128K');
  await expect(llama.getByRole('list', { name: 'Capabilities' })).toHaveText(['tools']);
  await expect(llama).toContainText('In memory');

  const qwen = list.getByRole('listitem', { name: 'qwen3:4b' });
  await expect(qwen.getByRole('list', { name: 'Capabilities' }).getByRole('listitem')).toHaveText(['tools', 'thinking']);
  await expect(qwen).not.toContainText('In memory');
  await expect(list.getByRole('listitem', { name: 'llava:7b' }).getByRole('list', { name: 'Capabilities' })).toHaveText('vision');
  await expect(list.getByRole('listitem', { name: 'nomic-embed-text:latest' }).getByRole('list', { name: 'Capabilities' })).toHaveText('embedding');
  // Capabilities come from /api/show.
  expect(fake.requests.some((r) => r.path === '/api/show')).toBe(true);

  // The last known list is saved for the editor and the selector…
  const known = await page.evaluate(() => JSON.parse(localStorage.getItem('atelier.ollama.models') ?? '[]') as Array<{ name: string; capabilities: string[] }>);
  expect(known.map((m) => m.name).sort()).toEqual(['llama3.2:latest', 'llava:7b', 'nomic-embed-text:latest', 'qwen3:4b']);
  expect(known.find((m) => m.name === 'qwen3:4b')?.capabilities).toEqual(['completion', 'tools', 'thinking']);

  // …and shown when Ollama is gone.
  await fake.setDown(true);
  await page.reload();
  await expect(connection(page)).toContainText('Ollama is not running at this address.');
  await expect(page.getByText('Last known list: Ollama cannot be reached right now.')).toBeVisible();
  await expect(installed(page).getByRole('listitem', { name: 'qwen3:4b' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete qwen3:4b' })).toHaveCount(0);
});

test('a pull shows its progress, then success, and the model appears', async ({ page, fake, relayFx }) => {
  fake.setPullable({ 'smollm2:135m': { layers: 3, totalBytes: 270_898_362, steps: 12, stepDelayMs: 150, model: { family: 'llama', parameterSize: '134.52M', quantization: 'F16', capabilities: ['completion', 'tools'] } } });
  await openConnections(page, fake, relayFx);
  await expect(installed(page).getByRole('listitem', { name: 'llama3.2:latest' })).toBeVisible();

  await page.getByLabel('Model to pull').fill('smollm2:135m');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();

  const row = page.getByRole('list', { name: 'Pulls' }).getByRole('listitem', { name: 'Pull of smollm2:135m' });
  const bar = row.getByRole('progressbar', { name: 'Pull of smollm2:135m' });
  await expect(bar).toBeVisible();
  // Progress moves while downloading: percent, bytes done of total, speed and time left.
  await expect
    .poll(async () => {
      const now = Number(await bar.getAttribute('aria-valuenow'));
      return now > 0 && now < 100;
    })
    .toBe(true);
  await expect(row).toContainText('Downloading');
  await expect(row).toContainText(/of 271 MB/);
  await expect(row).toContainText(/\d+%/);
  await expect(row).toContainText(/MB\/s/);
  await expect(row).toContainText(/left/);

  await expect(row).toContainText('Pulled smollm2:135m. It is now in the installed models.');
  await expect(bar).toHaveCount(0);
  const pulled = installed(page).getByRole('listitem', { name: 'smollm2:135m' });
  await expect(pulled).toBeVisible();
  await expect(pulled.getByRole('list', { name: 'Capabilities' })).toHaveText('tools');
  const known = await page.evaluate(() => JSON.parse(localStorage.getItem('atelier.ollama.models') ?? '[]') as Array<{ name: string }>);
  expect(known.map((m) => m.name)).toContain('smollm2:135m');

  await row.getByRole('button', { name: 'Dismiss pull of smollm2:135m' }).click();
  await expect(row).toHaveCount(0);
});

test('a pull keeps running while the person moves around the app', async ({ page, fake, relayFx }) => {
  fake.setPullable({ 'smollm2:135m': { layers: 2, totalBytes: 100_000_000, steps: 10, stepDelayMs: 150 } });
  await openConnections(page, fake, relayFx);
  await page.getByLabel('Model to pull').fill('ollama pull smollm2:135m');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(page.getByRole('progressbar', { name: 'Pull of smollm2:135m' })).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  await expect.poll(() => fake.modelNames()).toContain('smollm2:135m');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Connections' }).click();
  await expect(page.getByRole('listitem', { name: 'Pull of smollm2:135m' })).toContainText('Pulled smollm2:135m.');
  await expect(installed(page).getByRole('listitem', { name: 'smollm2:135m' })).toBeVisible();
});

test("an unknown model's in-stream error is shown in plain words", async ({ page, fake, relayFx }) => {
  await openConnections(page, fake, relayFx);
  await page.getByLabel('Model to pull').fill('nosuchmodel:7b');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  const row = page.getByRole('listitem', { name: 'Pull of nosuchmodel:7b' });
  await expect(row).toContainText('The pull of nosuchmodel:7b failed.');
  await expect(row).toContainText('No model named “nosuchmodel:7b” could be found to download.');
  await expect(row.getByRole('button', { name: 'Retry pull of nosuchmodel:7b' })).toBeVisible();
  await expect(installed(page).getByRole('listitem', { name: 'nosuchmodel:7b' })).toHaveCount(0);

  // A name Ollama rejects is refused before any request.
  await page.getByLabel('Model to pull').fill('not a model!');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'is not a model name' })).toContainText('“not a model!” is not a model name.');
});

test('cancel stops a pull', async ({ page, fake, relayFx }) => {
  fake.setPullable({ 'hf.co/unsloth/gemma-3-270m-it-GGUF': { layers: 3, totalBytes: 253_113_952, steps: 200, stepDelayMs: 200 } });
  await openConnections(page, fake, relayFx);
  await page.getByLabel('Model to pull').fill('ollama run hf.co/unsloth/gemma-3-270m-it-GGUF');
  await page.getByRole('button', { name: 'Pull', exact: true }).click();
  const row = page.getByRole('listitem', { name: 'Pull of hf.co/unsloth/gemma-3-270m-it-GGUF' });
  const bar = row.getByRole('progressbar');
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  expect(fake.inFlight()).toBeGreaterThan(0);

  await row.getByRole('button', { name: 'Cancel pull of hf.co/unsloth/gemma-3-270m-it-GGUF' }).click();
  await expect(row).toContainText('The pull of hf.co/unsloth/gemma-3-270m-it-GGUF was cancelled.');
  await expect(bar).toHaveCount(0);
  // Ollama saw the connection close and stopped the pull; nothing was installed.
  await expect.poll(() => fake.inFlight()).toBe(0);
  expect(fake.modelNames()).not.toContain('hf.co/unsloth/gemma-3-270m-it-GGUF:latest');
});

test('at most three pulls run at once; the next one waits its turn', async ({ page, fake, relayFx }) => {
  const slow = { layers: 1, totalBytes: 10_000_000, steps: 200, stepDelayMs: 200 };
  fake.setPullable({ 'a1:1b': slow, 'a2:1b': slow, 'a3:1b': slow, 'a4:1b': slow });
  await openConnections(page, fake, relayFx);
  for (const n of ['a1:1b', 'a2:1b', 'a3:1b', 'a4:1b']) {
    await page.getByLabel('Model to pull').fill(n);
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
  }
  const fourth = page.getByRole('listitem', { name: 'Pull of a4:1b' });
  await expect(fourth).toContainText('Waiting: at most 3 pulls run at once');
  await expect.poll(() => fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/pull').length).toBe(3);

  await page.getByRole('button', { name: 'Cancel pull of a1:1b' }).click();
  await expect(fourth).not.toContainText('Waiting');
  await expect.poll(() => fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/pull').length).toBe(4);
  for (const n of ['a2:1b', 'a3:1b', 'a4:1b']) await page.getByRole('button', { name: `Cancel pull of ${n}` }).click();
  await expect.poll(() => fake.inFlight()).toBe(0);
});

test('delete removes a model after confirmation', async ({ page, fake, relayFx }) => {
  await openConnections(page, fake, relayFx);
  const item = installed(page).getByRole('listitem', { name: 'llava:7b' });
  await expect(item).toBeVisible();

  // Keeping it changes nothing.
  await item.getByRole('button', { name: 'Delete llava:7b' }).click();
  await expect(item).toContainText('Delete llava:7b from Ollama?');
  await item.getByRole('button', { name: 'Keep llava:7b' }).click();
  expect(fake.modelNames()).toContain('llava:7b');

  await item.getByRole('button', { name: 'Delete llava:7b' }).click();
  await item.getByRole('button', { name: 'Yes, delete llava:7b' }).click();
  await expect(installed(page).getByRole('listitem', { name: 'llava:7b' })).toHaveCount(0);
  expect(fake.modelNames()).not.toContain('llava:7b');
  await expect(installed(page).getByRole('listitem', { name: 'qwen3:4b' })).toBeVisible();
  const known = await page.evaluate(() => JSON.parse(localStorage.getItem('atelier.ollama.models') ?? '[]') as Array<{ name: string }>);
  expect(known.map((m) => m.name)).not.toContain('llava:7b');
});

test('works on a 390 px wide phone', async ({ page, fake, relayFx }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  fake.setOrigins([], false);
  await openConnections(page, fake, relayFx);
  await expect(connection(page)).toContainText('refuses this app’s origin');
  fake.setOrigins([relayFx.origin], false);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(installed(page).getByRole('listitem', { name: 'nomic-embed-text:latest' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  for (const name of ['Verify', 'Save', 'Pull', 'Delete llama3.2:latest']) {
    const box = await page.getByRole('button', { name, exact: true }).boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.x + box!.width, name).toBeLessThanOrEqual(390);
  }
});
