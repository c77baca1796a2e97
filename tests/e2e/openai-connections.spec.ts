import { test, expect, useOllamaEndpoint } from './fixtures.ts';
import type { Page } from '@playwright/test';
import type { FakeOllama, RecordedRequest } from '../fake-ollama/index.ts';
import type { RelayFixture } from './fixtures.ts';
import { answers, chatRequests, createPreset, goToChat, openChat, selectModel, send, setParam } from './chat-helpers.ts';
import { png } from './images.ts';

/*
 * OpenAI-compatible connections beside Ollama, against the fake server's OpenAI mode
 * (`fake.openai.url` = the fake's URL + /v1, Bearer key checked).
 */

const KEY = 'sk-test-9f8e7d6c5b4a3210';

async function openConnections(page: Page, fake: FakeOllama, relayFx: RelayFixture) {
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/settings/connections`);
  await expect(page.getByRole('heading', { name: 'Connections' })).toBeVisible();
}

/** A connection already saved on the device (as Settings › Connections saves it). */
async function seedConnection(page: Page, fake: FakeOllama, apiKey = KEY) {
  await page.addInitScript(
    ([url, key]) => {
      if (localStorage.getItem('atelier.openai.connections')) return;
      localStorage.setItem('atelier.openai.connections', JSON.stringify([{ id: 'fakeoa', name: 'Fake OpenAI', baseUrl: url, apiKey: key, vision: [] }]));
      localStorage.setItem('atelier.openai.models', JSON.stringify({ fakeoa: ['gpt-3.5-turbo', 'gpt-4o'] }));
    },
    [fake.openai.url, apiKey] as const,
  );
}

const openaiChats = (fake: FakeOllama): RecordedRequest[] => fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions');

test('an OpenAI-compatible connection is added, verified (its models listed), its key kept masked on this device only', async ({ page, fake, relayFx }) => {
  fake.openai.setKey(KEY);
  await openConnections(page, fake, relayFx);
  await expect(page.getByText('No OpenAI-compatible connection yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Add connection' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Fake OpenAI');
  await page.getByLabel('Base URL').fill(fake.openai.url);
  await page.getByLabel('API key').fill(KEY);
  await expect(page.getByLabel('API key')).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Save connection' }).click();

  const item = page.getByRole('listitem', { name: 'Fake OpenAI' });
  await expect(item.getByRole('status', { name: 'Status of Fake OpenAI' })).toContainText(`2 models at ${fake.openai.url}.`);
  // masked: the key itself is nowhere on the page
  await expect(item).toContainText('sk-…3210');
  expect(await page.content()).not.toContain(KEY);
  // the models are listed, and can be marked as reading images
  await item.getByText('Models of Fake OpenAI').click();
  await expect(item.getByRole('list', { name: 'Models of Fake OpenAI' })).toContainText('gpt-3.5-turbo');
  await item.getByRole('checkbox', { name: 'gpt-4o reads images' }).check();

  // the key went only to its endpoint, as a Bearer token
  const listCalls = fake.requests.filter((r) => r.path === '/v1/models' && r.method === 'GET');
  expect(listCalls.length).toBeGreaterThan(0);
  expect(listCalls.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(fake.requests.filter((r) => !r.path.startsWith('/v1/')).every((r) => r.headers.authorization === undefined)).toBe(true);

  // device-local storage, never in the synced workspace
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('atelier.openai.connections') ?? '[]') as Array<{ apiKey: string; vision: string[] }>);
  expect(stored[0]).toMatchObject({ apiKey: KEY, vision: ['gpt-4o'] });

  // the model selector groups the connection's models under its name
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('button', { name: /^Model( \d)?: / }).first().click();
  const listbox = page.getByRole('listbox');
  await expect(listbox.getByRole('group', { name: 'Fake OpenAI' })).toBeVisible();
  await expect(listbox.getByRole('option', { name: /^gpt-4o/ })).toContainText('vision');
  await expect(listbox.getByRole('option', { name: /^llama3\.2:latest/ })).toBeVisible();

  // edit keeps the key when the field is left empty; remove takes it off the device
  await page.goto(`${relayFx.origin}/settings/connections`);
  await item.getByRole('button', { name: 'Edit Fake OpenAI' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Local server');
  await page.getByRole('button', { name: 'Save connection' }).click();
  const renamed = page.getByRole('listitem', { name: 'Local server' });
  await expect(renamed.getByRole('status', { name: 'Status of Local server' })).toContainText('2 models');
  await renamed.getByRole('button', { name: 'Remove Local server' }).click();
  await renamed.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page.getByText('No OpenAI-compatible connection yet.')).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('atelier.openai.connections'))).toBe('[]');
});

test('a conversation goes Ollama → OpenAI-compatible → Ollama vision model and every model gets the earlier turns', async ({ page, fake, relayFx }) => {
  fake.openai.setKey(KEY);
  await seedConnection(page, fake);
  await openChat(page, relayFx, fake);

  // 1. Ollama
  await selectModel(page, 'llama3.2:latest');
  fake.scriptChat({ model: 'llama3.2', content: 'Mistral-ish answer one.' });
  await send(page, 'First question');
  await expect(answers(page, 'llama3.2:latest')).toContainText('Mistral-ish answer one.');

  // 2. OpenAI-compatible (streamed over SSE, usage reported → speed shown)
  await selectModel(page, 'gpt-3.5-turbo');
  fake.openai.scriptChat({ content: 'GPT answer two, streamed in several pieces.' });
  await send(page, 'Second question');
  const gpt = answers(page, 'gpt-3.5-turbo');
  await expect(gpt).toContainText('GPT answer two, streamed in several pieces.');
  await expect(gpt).toContainText('tokens/s');
  const oa = openaiChats(fake);
  expect(oa).toHaveLength(1);
  expect(oa[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(oa[0]!.body).toMatchObject({
    model: 'gpt-3.5-turbo',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'Mistral-ish answer one.' },
      { role: 'user', content: 'Second question' },
    ],
  });

  // 3. Ollama vision model with a picture
  await selectModel(page, 'llava:7b');
  await page.getByLabel('Attach images').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: png(32, 32) });
  fake.scriptChat({ model: 'llava:7b', content: 'A blue square.' });
  await send(page, 'What is in this picture?');
  await expect(answers(page, 'llava:7b')).toContainText('A blue square.');
  const llava = chatRequests(fake)
    .map((r) => r.body as { model: string; messages: Array<{ role: string; content: string; images?: string[] }> })
    .filter((b) => b.model === 'llava:7b');
  expect(llava).toHaveLength(1);
  const msgs = llava[0]!.messages;
  expect(msgs.map((m) => ({ role: m.role, content: m.content }))).toEqual([
    { role: 'user', content: 'First question' },
    { role: 'assistant', content: 'Mistral-ish answer one.' },
    { role: 'user', content: 'Second question' },
    { role: 'assistant', content: 'GPT answer two, streamed in several pieces.' },
    { role: 'user', content: 'What is in this picture?' },
  ]);
  expect(msgs[4]!.images?.length).toBe(1);
  // the API key never went to Ollama
  expect(chatRequests(fake).every((r) => r.headers.authorization === undefined)).toBe(true);

  // and back to the OpenAI-compatible model: the whole branch, the picture as an image_url part when marked vision
  await page.evaluate(() => {
    const list = JSON.parse(localStorage.getItem('atelier.openai.connections') ?? '[]') as Array<{ vision: string[] }>;
    list[0]!.vision = ['gpt-4o'];
    localStorage.setItem('atelier.openai.connections', JSON.stringify(list));
  });
  await page.reload();
  await expect(answers(page, 'llava:7b')).toContainText('A blue square.');
  await selectModel(page, 'gpt-4o');
  await send(page, 'Summarise everything');
  await expect(answers(page, 'gpt-4o')).toContainText('You said: Summarise everything');
  const last = openaiChats(fake).at(-1)!.body as { model: string; messages: Array<{ role: string; content: unknown }> };
  expect(last.model).toBe('gpt-4o');
  expect(last.messages).toHaveLength(7);
  expect(last.messages[4]).toEqual({
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image_url', image_url: { url: expect.stringMatching(/^data:image\/(png|jpeg|webp);base64,/) as unknown as string } },
    ],
  });
  expect(last.messages[5]).toEqual({ role: 'assistant', content: 'A blue square.' });
});

test('a wrong key is diagnosed as such, in Settings and on the answer, and Retry works once the key is fixed', async ({ page, fake, relayFx }) => {
  fake.openai.setKey(KEY);
  await seedConnection(page, fake, 'sk-wrong-key-000000');
  await openConnections(page, fake, relayFx);
  const status = page.getByRole('status', { name: 'Status of Fake OpenAI' });
  await expect(status).toContainText('The API key was refused (HTTP 401).');
  await expect(status).toContainText('Incorrect API key provided');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await selectModel(page, 'gpt-3.5-turbo');
  await send(page, 'Hello?');
  const answer = answers(page, 'gpt-3.5-turbo');
  const alert = answer.getByRole('alert');
  await expect(alert).toContainText('The API key was refused (HTTP 401).');
  const chatUrl = page.url();

  // fix the key (the field starts empty: the saved key is never shown)
  await page.goto(`${relayFx.origin}/settings/connections`);
  await page.getByRole('button', { name: 'Edit Fake OpenAI' }).click();
  await expect(page.getByLabel('API key')).toHaveValue('');
  await page.getByLabel('API key').fill(KEY);
  await page.getByRole('button', { name: 'Save connection' }).click();
  await expect(status).toContainText('2 models');
  await page.goto(chatUrl);
  await expect(answers(page, 'gpt-3.5-turbo').getByRole('alert')).toContainText('The API key was refused');
  await answers(page, 'gpt-3.5-turbo').getByRole('button', { name: 'Retry' }).click();
  await expect(answers(page, 'gpt-3.5-turbo')).toContainText('You said: Hello?');
});

test('rate limits and a CORS refusal are diagnosed specifically', async ({ page, fake, relayFx }) => {
  fake.openai.setKey(KEY);
  await seedConnection(page, fake);
  await openChat(page, relayFx, fake);
  await selectModel(page, 'gpt-4o');
  fake.openai.scriptChat({ errorBefore: { status: 429, message: 'Rate limit reached for gpt-4o', type: 'requests', code: 'rate_limit_exceeded', retryAfter: 20 } });
  await send(page, 'Quick one');
  const alert = answers(page, 'gpt-4o').getByRole('alert');
  await expect(alert).toContainText('Too many requests (HTTP 429).');
  await expect(alert).toContainText('The endpoint asks to wait 20 s.');

  fake.openai.setOrigins(['http://elsewhere.example']);
  await page.goto(`${relayFx.origin}/settings/connections`);
  await expect(page.getByRole('status', { name: 'Status of Fake OpenAI' })).toContainText('The endpoint is running but refuses this app’s origin.');
});

test('a preset whose base model is on an OpenAI-compatible connection sends its system prompt and the mapped parameters', async ({ page, fake, relayFx }) => {
  fake.openai.setKey(KEY);
  await seedConnection(page, fake);
  await openChat(page, relayFx, fake);
  await createPreset(page, 'GPT Tutor', 'openai:fakeoa:gpt-3.5-turbo', async () => {
    await page.getByLabel('System prompt').fill('You are a patient tutor.');
    await setParam(page, 'Temperature', '0.3');
    await setParam(page, 'Max tokens (num_predict)', '1024');
    await setParam(page, 'Keep alive');
  });
  await goToChat(page);
  await selectModel(page, 'GPT Tutor');
  await send(page, 'What is a monad?');
  await expect(answers(page, 'GPT Tutor')).toContainText('You said: What is a monad?');
  expect(chatRequests(fake)).toHaveLength(0);
  expect(openaiChats(fake).at(-1)!.body).toEqual({
    model: 'gpt-3.5-turbo',
    messages: [
      { role: 'system', content: 'You are a patient tutor.' },
      { role: 'user', content: 'What is a monad?' },
    ],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.3,
    max_tokens: 1024,
  });
});

test('models from Ollama and an OpenAI-compatible connection answer side by side; Stop ends the OpenAI stream', async ({ page, fake, relayFx }) => {
  fake.openai.setKey(KEY);
  await seedConnection(page, fake);
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  await page.getByRole('button', { name: 'Add a model' }).click();
  await selectModel(page, 'gpt-4o', 2);
  fake.openai.scriptChat({ content: Array.from({ length: 80 }, (_, i) => `gpt${i}`).join(' '), tokensPerSecond: 8 });
  fake.scriptChat({ model: 'llama3.2', content: 'Llama is quick.' });
  await send(page, 'Both of you');
  const group = page.getByRole('group', { name: 'Answers from 2 models' });
  await expect(group.getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('Llama is quick.');
  const gpt = group.getByRole('region', { name: 'Answer from gpt-4o' });
  await expect(gpt).toContainText('gpt2');
  await gpt.getByRole('button', { name: 'Stop' }).click();
  await expect(gpt).toContainText('Stopped.');
  await expect.poll(() => fake.inFlight()).toBe(0);
});
