import { test, expect } from './fixtures.ts';
import { png } from './images.ts';
import { answers, chatRequests, createPreset, goToChat, lastChatBody, openChat, selectModel, send, userMessages } from './chat-helpers.ts';

test('an attached picture is resized on the device and reaches Ollama as bare base64', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  // a model without vision offers no attachment
  await selectModel(page, 'llama3.2:latest');
  await expect(page.getByLabel('Attach images')).toHaveCount(0);
  await selectModel(page, 'llava:7b');
  await page.getByLabel('Attach images').setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: png(2000, 1000) });
  await expect(page.getByRole('list', { name: 'Attached images' }).getByRole('img', { name: 'Image 1' })).toBeVisible();
  await send(page, 'What is in this picture?');
  await expect(answers(page, 'llava:7b')).toContainText('You said: What is in this picture?');

  const body = lastChatBody(fake);
  expect(body.model).toBe('llava:7b');
  const image = body.messages[0]!.images?.[0];
  expect(image).toMatch(/^[A-Za-z0-9+/]+=*$/); // bare base64, no data: prefix
  const bytes = Buffer.from(image!, 'base64');
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1536, 768]);

  // the message shows a thumbnail, also after a reload (the picture is in its own document)
  await expect(userMessages(page).getByRole('img', { name: 'Image 1' })).toBeVisible();
  await page.reload();
  await expect(userMessages(page).getByRole('img', { name: 'Image 1' })).toBeVisible();

  // the picture is sent again with the context of the next turn
  await send(page, 'And the colour?');
  await expect(answers(page)).toHaveCount(2);
  await expect.poll(() => lastChatBody(fake).messages.length).toBe(3);
  expect(lastChatBody(fake).messages[0]!.images).toEqual([image]);
});

test('a pasted picture is attached too, and can be removed before sending', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llava:7b');
  const b64 = png(40, 30).toString('base64');
  await page.getByRole('textbox', { name: 'Message' }).focus();
  await page.evaluate(async (data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, b64);
  await expect(page.getByRole('list', { name: 'Attached images' }).getByRole('img')).toHaveCount(1);
  await page.getByRole('button', { name: 'Remove image 1' }).click();
  await expect(page.getByRole('list', { name: 'Attached images' })).toHaveCount(0);
  await send(page, 'No picture after all');
  await expect(answers(page)).toContainText('You said: No picture after all');
  expect(lastChatBody(fake).messages[0]!.images).toBeUndefined();
});

test('a picture dropped on the chat is attached', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llava:7b');
  const b64 = png(64, 48).toString('base64');
  await page.evaluate(async (data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
    const target = document.querySelector('.chat-main')!;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await expect(page.getByRole('list', { name: 'Attached images' }).getByRole('img')).toHaveCount(1);
  await send(page, 'Dropped in');
  await expect(answers(page)).toContainText('You said: Dropped in');
  expect(Buffer.from(lastChatBody(fake).messages[0]!.images![0]!, 'base64').readUInt32BE(16)).toBe(64);
});

test('a new blank chat shows the preset’s prompt suggestions; clicking one sends it', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Joins Coach', 'llama3.2', async () => {
    await page.getByRole('button', { name: 'Add suggestion' }).click();
    const s1 = page.getByRole('group', { name: 'Suggestion 1' });
    await s1.getByLabel('Title', { exact: true }).fill('Explain joins');
    await s1.getByLabel('Subtitle').fill('LEFT vs INNER');
    await s1.getByLabel('Prompt').fill('Explain LEFT JOIN with an example');
  });
  await goToChat(page);
  await selectModel(page, 'Joins Coach');
  const suggestions = page.getByRole('list', { name: 'Prompt suggestions' });
  await expect(suggestions.getByRole('button', { name: /Explain joins.*LEFT vs INNER/ })).toBeVisible();
  await suggestions.getByRole('button', { name: /Explain joins/ }).click();
  await expect(answers(page, 'Joins Coach')).toContainText('You said: Explain LEFT JOIN with an example');
  expect(lastChatBody(fake).messages).toEqual([{ role: 'user', content: 'Explain LEFT JOIN with an example' }]);
  await expect(page.getByRole('list', { name: 'Prompt suggestions' })).toHaveCount(0);
  expect(chatRequests(fake)).toHaveLength(1);
});
