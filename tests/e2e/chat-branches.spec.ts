import { test, expect } from './fixtures.ts';
import { answers, lastChatBody, openChat, selectModel, send, userMessages } from './chat-helpers.ts';

test('regenerate adds a sibling answer; the arrows move between them and the choice is kept', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  fake.scriptChat({ content: 'First answer.' });
  await send(page, 'Tell me something');
  const answer = answers(page, 'llama3.2:latest');
  await expect(answer).toContainText('First answer.');
  await expect(answer.getByRole('group', { name: /^Version/ })).toHaveCount(0);

  fake.scriptChat({ content: 'Second answer.' });
  await answer.getByRole('button', { name: 'Regenerate' }).click();
  await expect(answer).toContainText('Second answer.');
  await expect(answer.getByRole('group', { name: 'Version 2 of 2' })).toContainText('2/2');
  // the regeneration saw the same context (not the first answer)
  expect(lastChatBody(fake).messages).toEqual([{ role: 'user', content: 'Tell me something' }]);

  fake.scriptChat({ content: 'Third answer.' });
  await answer.getByRole('button', { name: 'Regenerate' }).click();
  await expect(answer).toContainText('Third answer.');
  await expect(answer).toContainText('3/3');

  await answer.getByRole('button', { name: 'Previous version' }).click();
  await expect(answer).toContainText('Second answer.');
  await expect(answer).toContainText('2/3');
  await answer.getByRole('button', { name: 'Previous version' }).click();
  await expect(answer).toContainText('First answer.');
  await expect(answer.getByRole('button', { name: 'Previous version' })).toBeDisabled();

  // the next message continues from the answer shown
  await send(page, 'Go on');
  await expect(answers(page)).toHaveCount(2);
  // the answer appears before its request reaches Ollama: wait for the request
  await expect.poll(() => lastChatBody(fake).messages).toEqual([
    { role: 'user', content: 'Tell me something' },
    { role: 'assistant', content: 'First answer.' },
    { role: 'user', content: 'Go on' },
  ]);

  // the selection is part of the document
  await page.reload();
  await expect(answers(page).first()).toContainText('First answer.');
  await expect(answers(page).first()).toContainText('1/3');
});

test('editing a message starts a new branch; the arrows go back to the original and its answers', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  await send(page, 'Hello');
  await expect(answers(page)).toContainText('You said: Hello');
  await send(page, 'How are you?');
  await expect(answers(page).nth(1)).toContainText('You said: How are you?');

  const second = userMessages(page).nth(1);
  await second.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByRole('textbox', { name: 'Edit your message' });
  await expect(editor).toHaveValue('How are you?');
  await editor.fill('How old are you?');
  await page.getByRole('button', { name: 'Save & send' }).click();
  await expect(answers(page).nth(1)).toContainText('You said: How old are you?');
  await expect(userMessages(page).nth(1)).toContainText('How old are you?');
  await expect(userMessages(page).nth(1)).toContainText('2/2');
  // the new branch sees what came before the edited message, not the old branch
  expect(lastChatBody(fake).messages).toEqual([
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'You said: Hello' },
    { role: 'user', content: 'How old are you?' },
  ]);

  await userMessages(page).nth(1).getByRole('button', { name: 'Previous version' }).click();
  await expect(userMessages(page).nth(1)).toContainText('How are you?');
  await expect(answers(page).nth(1)).toContainText('You said: How are you?');
  await expect(userMessages(page).nth(1)).toContainText('1/2');

  // editing the first message branches from the root
  await userMessages(page).first().getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('textbox', { name: 'Edit your message' }).fill('Hi');
  await page.getByRole('textbox', { name: 'Edit your message' }).press('Enter');
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText('2/2');
  await expect(answers(page)).toContainText('You said: Hi');
  expect(lastChatBody(fake).messages).toEqual([{ role: 'user', content: 'Hi' }]);
});
