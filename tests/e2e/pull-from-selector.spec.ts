import { test, expect, useOllamaEndpoint } from './fixtures.ts';

const HF = 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M';
/** The selector's button ("Select a model" until one is chosen; the chat work may label it "Model: …"). */
const SELECTOR = { name: /^(Select a model|Model: )/ };

test('"ollama run hf.co/…" typed in the chat model selector offers the pull and runs it in place', async ({ page, fake, relayFx }) => {
  fake.setPullable({
    [HF]: { layers: 4, totalBytes: 807_694_464, steps: 10, stepDelayMs: 120, model: { family: 'llama', parameterSize: '1.2B', quantization: 'Q4_K_M', capabilities: ['completion', 'tools'] } },
  });
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/chat`);
  await page.getByRole('button', SELECTOR).click();
  const search = page.getByRole('combobox', { name: 'Search models' });
  await search.fill(`ollama run ${HF}`);

  const offer = page.getByRole('button', { name: `Pull "${HF}"` });
  await expect(offer).toBeVisible();
  await offer.click();

  const bar = page.getByRole('progressbar', { name: `Pull of ${HF}` });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  await expect(page.getByText(`Pulled ${HF}. It is now in the installed models.`)).toBeVisible();
  expect(fake.modelNames()).toContain(HF);
  const pulls = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/pull');
  expect(pulls).toHaveLength(1);
  expect(pulls[0]!.body).toMatchObject({ name: HF, stream: true });

  // The selector now lists it (the installed list was refreshed and kept on the device).
  await search.fill(HF);
  await expect(page.getByRole('option', { name: new RegExp(HF.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeVisible();
  await expect(page.getByRole('button', { name: `Pull "${HF}"` })).toHaveCount(0);
});

test('a bare name that is not installed is offered; an installed one is not', async ({ page, fake, relayFx }) => {
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/chat`);
  await page.getByRole('button', SELECTOR).click();
  const search = page.getByRole('combobox', { name: 'Search models' });
  // Opening the selector refreshes the known list from Ollama.
  await expect(page.getByRole('option', { name: /qwen3:4b/ })).toBeVisible();
  await search.fill('qwen3:4b');
  await expect(page.getByRole('option', { name: /qwen3:4b/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Pull "/ })).toHaveCount(0);

  await search.fill('nosuchmodel');
  await page.getByRole('button', { name: 'Pull "nosuchmodel"' }).click();
  await expect(page.getByText('No model named “nosuchmodel” could be found to download.')).toBeVisible();
});
