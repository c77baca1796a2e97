import { test, expect, pairAnotherDevice, pairWithToken, useOllamaEndpoint } from './fixtures.ts';
import { tinyPdf } from './pdf.ts';
import type { Page } from '@playwright/test';
import type { FakeOllama } from '../fake-ollama/index.ts';
import { chatRequests, createPreset, goToChat, openChat, selectModel, send, type ChatBody } from './chat-helpers.ts';

function bodiesFor(fake: FakeOllama, model: string): ChatBody[] {
  return chatRequests(fake)
    .map((r) => r.body as ChatBody)
    .filter((b) => b.model === model);
}

async function allowModels(page: Page, n: number) {
  await page.getByRole('link', { name: 'Chat settings' }).click();
  await page.getByLabel('Models answering at once').selectOption(String(n));
  await goToChat(page);
}

async function pickTwo(page: Page) {
  await selectModel(page, 'llama3.2:latest');
  await page.getByRole('button', { name: 'Add a model' }).click();
  await selectModel(page, 'qwen3:4b', 2);
  await expect(page.getByRole('button', { name: 'Model 2: qwen3:4b' })).toBeVisible();
}

test('four models answer one message, each sent the same message, in columns wide enough to read', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Helper', 'llama3.2');
  await goToChat(page);
  await allowModels(page, 4);
  await selectModel(page, 'llama3.2:latest');
  for (const [slot, name] of [[2, 'qwen3:4b'], [3, 'llava:7b'], [4, 'Helper']] as const) {
    await page.getByRole('button', { name: 'Add a model' }).click();
    await selectModel(page, name, slot);
    await expect(page.getByRole('button', { name: new RegExp(`^Model ${slot}: ${name}`) })).toBeVisible();
  }
  await expect(page.getByRole('button', { name: 'Add a model' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Remove model 4' })).toBeVisible();

  await send(page, 'Hello, all four');
  const group = page.getByRole('group', { name: 'Answers from 4 models' });
  for (const name of ['llama3.2:latest', 'qwen3:4b', 'llava:7b', 'Helper']) {
    await expect(group.getByRole('region', { name: `Answer from ${name}` })).toContainText('You said: Hello, all four');
  }
  const asked = chatRequests(fake).map((r) => r.body as ChatBody);
  expect(asked).toHaveLength(4);
  for (const b of asked) expect(b.messages.at(-1)).toEqual({ role: 'user', content: 'Hello, all four' });
  // four columns wrap into a grid rather than shrinking below a readable width
  for (const name of ['llama3.2:latest', 'qwen3:4b', 'llava:7b', 'Helper']) {
    const box = await group.getByRole('region', { name: `Answer from ${name}` }).boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(280);
  }
});

test('Merge asks the chosen model to combine the answers; the merged answer streams, is continued from, and survives a reload', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await pickTwo(page);
  fake.scriptChat({ model: 'llama3.2', content: 'Llama: the sky is blue.' });
  fake.scriptChat({ model: 'qwen3:4b', content: 'Qwen: the sky looks blue.' });
  await send(page, 'Why is the sky blue?');
  const group = page.getByRole('group', { name: 'Answers from 2 models' });
  await expect(group.getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('Llama: the sky is blue.');
  await expect(group.getByRole('region', { name: 'Answer from qwen3:4b' })).toContainText('Qwen: the sky looks blue.');

  const controls = page.getByRole('group', { name: 'Merge these answers' });
  // the first model merges unless another is chosen
  await expect(controls.getByLabel('Model that merges').locator('option:checked')).toHaveText('llama3.2:latest');
  await controls.getByLabel('Model that merges').selectOption({ label: 'qwen3:4b' });
  fake.scriptChat({ model: 'qwen3:4b', content: 'Merged: blue, by Rayleigh scattering.' });
  await controls.getByRole('button', { name: 'Merge' }).click();

  const merged = page.getByRole('region', { name: 'Merged answer' });
  await expect(merged).toContainText('Merged: blue, by Rayleigh scattering.');
  await expect(merged).toContainText('Merged by qwen3:4b');
  const mergeBody = bodiesFor(fake, 'qwen3:4b').at(-1)!;
  expect(mergeBody.messages).toHaveLength(1);
  const prompt = mergeBody.messages[0]!;
  expect(prompt.role).toBe('user');
  expect(prompt.content).toContain('to the latest user query: "Why is the sky blue?"');
  expect(prompt.content).toContain('Responses from models: """Llama: the sky is blue."""\n\n"""Qwen: the sky looks blue."""');
  // the last turn continues from the merged answer
  await expect(merged.getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');
  await expect(group.getByRole('region', { name: 'Answer from llama3.2:latest' }).getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'false');

  await page.reload();
  await expect(page.getByRole('region', { name: 'Merged answer' })).toContainText('Merged: blue, by Rayleigh scattering.');
  await expect(page.getByRole('region', { name: 'Merged answer' }).getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');

  await send(page, 'Thanks');
  await expect(page.getByRole('group', { name: 'Answers from 2 models' })).toHaveCount(2);
  await expect.poll(() => bodiesFor(fake, 'llama3.2:latest').length).toBe(2);
  expect(bodiesFor(fake, 'llama3.2:latest')[1]!.messages).toEqual([
    { role: 'user', content: 'Why is the sky blue?' },
    { role: 'assistant', content: 'Merged: blue, by Rayleigh scattering.' },
    { role: 'user', content: 'Thanks' },
  ]);
});

test('a merge can be stopped, and merging again replaces it with a new version', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await pickTwo(page);
  await send(page, 'Two views');
  const group = page.getByRole('group', { name: 'Answers from 2 models' });
  await expect(group.getByRole('region', { name: 'Answer from qwen3:4b' })).toContainText('You said: Two views');
  await expect(group.getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('You said: Two views');

  const slow = Array.from({ length: 80 }, (_, i) => `m${i}`).join(' ');
  fake.scriptChat({ model: 'llama3.2', content: slow, tokensPerSecond: 8 });
  await page.getByRole('group', { name: 'Merge these answers' }).getByRole('button', { name: 'Merge' }).click();
  const merged = page.getByRole('region', { name: 'Merged answer' });
  await expect(merged).toContainText('m2');
  // no second merge while one runs
  await expect(page.getByRole('group', { name: 'Merge these answers' }).getByRole('button', { name: 'Merge' })).toBeDisabled();
  await merged.getByRole('button', { name: 'Stop' }).click();
  await expect(merged).toContainText('Stopped.');

  fake.scriptChat({ model: 'llama3.2', content: 'Second merge.' });
  await merged.getByRole('button', { name: 'Regenerate' }).click();
  await expect(merged).toContainText('Second merge.');
  await expect(merged.getByRole('group', { name: 'Version 2 of 2' })).toBeVisible();
  // merged again from the same answers
  expect(bodiesFor(fake, 'llama3.2:latest').at(-1)!.messages[0]!.content).toContain('"""You said: Two views"""');
});

test('a merged answer and a message’s attached files reach a second paired device', async ({ browser, fake, relayFx }) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await useOllamaEndpoint(a, fake.url);
  await useOllamaEndpoint(b, fake.url);
  await a.goto(`${relayFx.origin}/chat`);
  await pairWithToken(a, relayFx);
  await b.goto(`${relayFx.origin}/chat`);
  await pairAnotherDevice(b, a);

  await goToChat(a);
  await pickTwo(a);
  await a.getByLabel('Attach files').setInputFiles({ name: 'brief.pdf', mimeType: 'application/pdf', buffer: tinyPdf('Budget is 7 thousand') });
  await expect(a.getByRole('list', { name: 'Attached files' })).toContainText('brief.pdf');
  await send(a, 'Read the brief');
  const group = a.getByRole('group', { name: 'Answers from 2 models' });
  await expect(group.getByRole('region', { name: 'Answer from qwen3:4b' })).toContainText('You said:');
  await expect(group.getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('You said:');
  fake.scriptChat({ model: 'llama3.2', content: 'One merged reading.' });
  await a.getByRole('group', { name: 'Merge these answers' }).getByRole('button', { name: 'Merge' }).click();
  await expect(a.getByRole('region', { name: 'Merged answer' })).toContainText('One merged reading.');

  await goToChat(b);
  await b.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: 'Read the brief' }).click();
  await expect(b.getByRole('article', { name: 'You' }).getByRole('list', { name: 'Attached files' })).toContainText('brief.pdf');
  const mergedB = b.getByRole('region', { name: 'Merged answer' });
  await expect(mergedB).toContainText('One merged reading.');
  await expect(mergedB).toContainText('Merged by llama3.2:latest');
  await expect(mergedB.getByRole('button', { name: 'Continue from this answer' })).toHaveAttribute('aria-pressed', 'true');
});

test('on a 390 px phone in French, Merge is reached by keyboard and the merged answer fits the screen', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await pickTwo(page);
  await send(page, 'Deux avis');
  await expect(page.getByRole('region', { name: 'Answer from qwen3:4b' })).toContainText('You said: Deux avis');
  await expect(page.getByRole('region', { name: 'Answer from llama3.2:latest' })).toContainText('You said: Deux avis');
  const conversation = page.url();
  await page.goto(`${relayFx.origin}/settings/general`);
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.getByRole('heading', { name: 'Général' })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(conversation);

  const controls = page.getByRole('group', { name: 'Fusionner ces réponses' });
  await controls.getByLabel('Modèle qui fusionne').focus();
  await page.keyboard.press('Tab');
  await expect(controls.getByRole('button', { name: 'Fusionner' })).toBeFocused();
  fake.scriptChat({ model: 'llama3.2', content: 'Une seule réponse.' });
  await page.keyboard.press('Enter');
  const merged = page.getByRole('region', { name: 'Réponse fusionnée' });
  await expect(merged).toContainText('Une seule réponse.');
  await expect(merged).toContainText('Fusionnée par llama3.2:latest');
  const box = await merged.boundingBox();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
});
