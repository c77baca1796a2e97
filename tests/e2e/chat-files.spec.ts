import { test, expect } from './fixtures.ts';
import { answers, createPreset, goToChat, lastChatBody, openChat, selectModel, send, userMessages } from './chat-helpers.ts';
import { tinyPdf } from './pdf.ts';

test('a text file and a PDF attached to a message reach the model with it, and stay on the message after a reload', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  // a model without vision still takes text files and PDFs
  await selectModel(page, 'llama3.2:latest');
  await page.getByLabel('Attach files').setInputFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Alpha note.\nBeta note.') },
    { name: 'report.pdf', mimeType: 'application/pdf', buffer: tinyPdf('Quarterly total is 42 euros') },
  ]);
  const pending = page.getByRole('list', { name: 'Attached files' });
  await expect(pending.getByRole('listitem')).toHaveCount(2);
  await expect(pending).toContainText('notes.txt');
  await expect(pending).toContainText('report.pdf');
  await send(page, 'Summarize these');
  await expect(answers(page, 'llama3.2:latest')).toContainText('You said:');

  const content = lastChatBody(fake).messages.at(-1)!.content;
  expect(content).toContain('<file name="notes.txt">\nAlpha note.\nBeta note.\n</file>');
  expect(content).toMatch(/<file name="report\.pdf">\nQuarterly total is 42 euros\n<\/file>/);
  expect(content.endsWith('\n\nSummarize these')).toBe(true);
  await expect(page.getByRole('list', { name: 'Attached files' })).toHaveCount(1); // on the message, none left in the composer

  await page.reload();
  const chips = userMessages(page).getByRole('list', { name: 'Attached files' });
  await expect(chips).toContainText('notes.txt');
  await expect(chips).toContainText('report.pdf');
  // a later turn still carries the files' text, as part of the conversation
  await send(page, 'And again');
  await expect(answers(page, 'llama3.2:latest')).toHaveCount(2);
  await expect.poll(() => lastChatBody(fake).messages.at(-1)!.content).toBe('And again');
  expect(lastChatBody(fake).messages[0]!.content).toContain('Alpha note.');
});

test('a broken PDF or a too large file is refused with a clear message and nothing is attached', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  await page.getByLabel('Attach files').setInputFiles({ name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 this is not really a PDF') });
  await expect(page.getByRole('status').filter({ hasText: 'broken.pdf: the file could not be read (not a valid PDF file).' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Attached files' })).toHaveCount(0);

  await page.getByLabel('Attach files').setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(11 * 1024 * 1024, 'a') });
  await expect(page.getByRole('status').filter({ hasText: 'huge.txt is larger than 10 MB: attach a smaller file.' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Attached files' })).toHaveCount(0);

  await send(page, 'Plain message');
  await expect(answers(page, 'llama3.2:latest')).toContainText('You said: Plain message');
  expect(lastChatBody(fake).messages).toEqual([{ role: 'user', content: 'Plain message' }]);
});

test('the preset’s File upload capability offers attaching files; switched off, the control is gone', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Reader', 'llama3.2');
  await goToChat(page);
  await selectModel(page, 'Reader');
  await expect(page.getByLabel('Attach files')).toBeAttached();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('listitem', { name: 'Reader', exact: true }).getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('switch', { name: 'File upload' }).uncheck();
  await goToChat(page);
  await selectModel(page, 'Reader');
  await expect(page.getByRole('button', { name: /^Model: Reader/ })).toBeVisible();
  await expect(page.getByLabel(/^Attach/)).toHaveCount(0);
});
