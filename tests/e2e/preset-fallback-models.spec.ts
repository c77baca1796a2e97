import { test, expect } from './fixtures.ts';
import { answers, createPreset, goToChat, lastChatBody, openChat, selectModel, send } from './chat-helpers.ts';

test('a preset whose base model is not on this device runs on its first installed fallback, and the chat says so', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Writer', 'mistral:7b');
  const add = page.getByRole('combobox', { name: 'Fallback model to add' });
  await add.fill('gemma3:1b');
  await page.getByRole('button', { name: 'Add fallback' }).click();
  await add.fill('qwen3:4b');
  await add.press('Enter');
  await add.fill('llama3.2');
  await add.press('Enter');
  // the order is the person's: llama3.2 (installed too) moved below is never reached
  const order = page.getByRole('list', { name: 'Fallback order' }).getByRole('listitem');
  await expect(order).toHaveCount(3);
  await page.getByRole('button', { name: 'Move llama3.2 up' }).click();
  await page.getByRole('button', { name: 'Move llama3.2 down' }).click();
  await expect(order.nth(0)).toContainText('gemma3:1b');
  await expect(order.nth(1)).toContainText('qwen3:4b');
  await expect(order.nth(2)).toContainText('llama3.2');

  await page.getByRole('link', { name: 'Back to models' }).click();
  await expect(page.getByRole('listitem', { name: 'Writer', exact: true })).toContainText('its chats run on qwen3:4b here (fallback)');

  await goToChat(page);
  await selectModel(page, 'Writer');
  await expect(page.getByRole('status').filter({ hasText: 'Using qwen3:4b: mistral:7b is not on this device.' })).toBeVisible();
  await send(page, 'Write a line about rain');
  await expect(answers(page, 'Writer')).toContainText('You said: Write a line about rain');
  expect(lastChatBody(fake).model).toBe('qwen3:4b');
});

test('a fallback the person adds twice, or the base model itself, is refused with a message and the list stays as it was', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Poet', 'mistral:7b');
  const add = page.getByRole('combobox', { name: 'Fallback model to add' });
  await add.fill('qwen3:4b');
  await add.press('Enter');
  await add.fill('qwen3:4b');
  await add.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: '“qwen3:4b” is already the base model or in the list; nothing was added.' })).toBeVisible();
  await add.fill('mistral:7b');
  await add.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: '“mistral:7b” is already the base model or in the list' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Fallback order' }).getByRole('listitem')).toHaveCount(1);
});
