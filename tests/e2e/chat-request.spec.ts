import { test, expect } from './fixtures.ts';
import { answers, chatRequests, createPreset, goToChat, lastChatBody, openChat, selectModel, send, setParam } from './chat-helpers.ts';
import { cardAction } from './card-actions.ts';

test('a preset is sent to /api/chat as its base model, system prompt first and only the parameters set', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'SQL Tutor', 'llama3.2', async () => {
    await page.getByLabel('System prompt').fill('You are a patient SQL tutor.');
    await setParam(page, 'Temperature', '0.3');
    await setParam(page, 'Max tokens (num_predict)', '1024');
    await setParam(page, 'Keep alive');
  });
  await goToChat(page);
  await selectModel(page, 'SQL Tutor');
  await send(page, 'What is a LEFT JOIN?');
  await expect(answers(page, 'SQL Tutor')).toContainText('You said: What is a LEFT JOIN?');

  expect(chatRequests(fake)).toHaveLength(1);
  expect(lastChatBody(fake)).toEqual({
    model: 'llama3.2',
    messages: [
      { role: 'system', content: 'You are a patient SQL tutor.' },
      { role: 'user', content: 'What is a LEFT JOIN?' },
    ],
    stream: true,
    options: { temperature: 0.3, num_predict: 1024 },
    keep_alive: '5m',
  });
});

test('a base model is sent with no system prompt and no options', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  await send(page, 'Hello there');
  await expect(answers(page, 'llama3.2:latest')).toContainText('You said: Hello there');
  expect(lastChatBody(fake)).toEqual({ model: 'llama3.2:latest', messages: [{ role: 'user', content: 'Hello there' }], stream: true });
});

test('switching model mid-conversation keeps the whole visible branch as context', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  fake.scriptChat({ content: 'A LEFT JOIN keeps every row of the left table.' });
  await send(page, 'What is a LEFT JOIN?');
  await expect(answers(page, 'llama3.2:latest')).toContainText('keeps every row');

  await selectModel(page, 'qwen3:4b');
  await expect(page.getByRole('button', { name: 'Model: qwen3:4b' })).toBeVisible();
  await send(page, 'And a RIGHT JOIN?');
  await expect(answers(page, 'qwen3:4b')).toContainText('You said: And a RIGHT JOIN?');
  const body = lastChatBody(fake);
  expect(body.model).toBe('qwen3:4b');
  expect(body.messages).toEqual([
    { role: 'user', content: 'What is a LEFT JOIN?' },
    { role: 'assistant', content: 'A LEFT JOIN keeps every row of the left table.' },
    { role: 'user', content: 'And a RIGHT JOIN?' },
  ]);
  // both answers stay visible, each under its model's name
  await expect(answers(page)).toHaveCount(2);

  // the model choice is part of the conversation: a reload keeps it
  await page.reload();
  await expect(page.getByRole('button', { name: 'Model: qwen3:4b' })).toBeVisible();
});

test('a hidden preset is not offered in the chat model selector', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Visible One', 'llama3.2');
  await createPreset(page, 'Secret One', 'llama3.2');
  await page.getByRole('link', { name: 'Back to models' }).click();
  await cardAction(page.getByRole('list', { name: 'Model presets' }).getByRole('listitem', { name: 'Secret One', exact: true }), 'Hide');
  await goToChat(page);
  await page.getByRole('button', { name: /^Model: / }).click();
  await expect(page.getByRole('option', { name: /^Visible One/ })).toBeVisible();
  await expect(page.getByRole('option', { name: /Secret One/ })).toHaveCount(0);
  // searching does not find it either
  await page.getByRole('combobox', { name: 'Search models' }).fill('secret');
  await expect(page.getByRole('option', { name: /Secret One/ })).toHaveCount(0);
});
