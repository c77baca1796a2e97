import * as A from '@automerge/automerge';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { answers, chatRequests, createPreset, goToChat, lastChatBody, openChat, selectModel, send } from './chat-helpers.ts';
import { tinyPdf } from './pdf.ts';

/** The knowledge documents stored in the app's IndexedDB (read in the page, decoded here with Automerge). */
async function storedKnowledgeNames(page: Page): Promise<string[]> {
  const records = await page.evaluate(
    () =>
      new Promise<Array<{ key: string[]; bytes: number[] }>>((resolve, reject) => {
        const req = indexedDB.open('atelier');
        req.onerror = () => reject(new Error('no database'));
        req.onsuccess = () => {
          const all = req.result.transaction('documents').objectStore('documents').getAll();
          all.onsuccess = () => resolve((all.result as Array<{ key: string[]; binary: Uint8Array }>).map((r) => ({ key: r.key, bytes: Array.from(r.binary) })));
          all.onerror = () => reject(new Error('read failed'));
        };
      }),
  );
  const byDoc = new Map<string, A.Doc<{ kind?: string; name?: string }>>();
  for (const r of records) {
    if (r.key[1] !== 'snapshot' && r.key[1] !== 'incremental') continue;
    const id = r.key[0]!;
    byDoc.set(id, A.loadIncremental(byDoc.get(id) ?? A.init(), new Uint8Array(r.bytes)));
  }
  return [...byDoc.values()].filter((d) => d.kind === 'atelier/knowledge').map((d) => String(d.name));
}

const HANDBOOK = `# Handbook

## Holidays
Employees get 27 days of paid holiday per year, plus public holidays.

## Parking
The parking garage opens at 7am. Bring your badge to open the gate.

## Lunch
The canteen serves lunch between noon and 2pm on weekdays.
`;

test('a Markdown document attached to a preset: the closest passage goes to Ollama and the answer cites it', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);

  // Settings › Documents: embedding model, one passage
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Documents' }).click();
  await page.getByLabel('Embedding model').fill('nomic-embed-text');
  await page.getByLabel('Embedding model').press('Tab');
  await page.getByLabel('Passages given to the model').fill('1');
  await page.getByLabel('Passages given to the model').press('Tab');
  await expect(page.getByLabel('Chunk size (characters)')).toHaveValue('1000');
  await expect(page.getByLabel('Chunk overlap (characters)')).toHaveValue('100');

  await createPreset(page, 'HR Helper', 'llama3.2', async () => {
    await page.getByLabel('Attach documents').first().setInputFiles({ name: 'handbook.md', mimeType: 'text/markdown', buffer: Buffer.from(HANDBOOK) });
    await expect(page.locator('.document-item', { hasText: 'handbook.md' })).toBeVisible();
    // an unsupported file gets a clear message
    await page.getByLabel('Attach documents').first().setInputFiles({ name: 'photo.exe', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2]) });
    await expect(page.getByRole('alert')).toContainText('photo.exe: this kind of file is not supported');
  });

  await goToChat(page);
  await selectModel(page, 'HR Helper');
  fake.scriptChat({ content: 'You get 27 days of paid holiday [1].' });
  await send(page, 'How many days of paid holiday do I get per year?');
  const answer = answers(page, 'HR Helper');
  await expect(answer).toContainText('You get 27 days of paid holiday [1].');

  // the passages were embedded through /api/embed, in one batch, then the question
  const embeds = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/embed');
  expect(embeds.length).toBeGreaterThanOrEqual(2);
  expect((embeds[0]!.body as { model: string; input: string[] }).model).toBe('nomic-embed-text');
  expect((embeds[0]!.body as { input: string[] }).input.length).toBeGreaterThanOrEqual(3);

  // the request carries the expected passage in the last user message, as a numbered source
  expect(chatRequests(fake)).toHaveLength(1);
  const body = lastChatBody(fake);
  const user = body.messages.at(-1)!;
  expect(user.role).toBe('user');
  expect(user.content).toContain('<source id="1" name="handbook.md">');
  expect(user.content).toContain('Employees get 27 days of paid holiday per year');
  expect(user.content).not.toContain('parking garage');
  expect(user.content).toContain('<user_query>\nHow many days of paid holiday do I get per year?\n</user_query>');

  // the citation is shown and opens to the passage
  const sources = answer.getByRole('region', { name: 'Sources' });
  await expect(sources).toBeVisible();
  await sources.getByText('Source 1: handbook.md').click();
  await expect(sources.getByText('Employees get 27 days of paid holiday per year')).toBeVisible();

  // a second question reuses the cached vectors: only the question is embedded
  const before = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/embed').length;
  fake.scriptChat({ content: 'At 7am.' });
  await send(page, 'When does the parking garage open?');
  await expect(answers(page, 'HR Helper').last()).toContainText('At 7am.');
  const after = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/embed');
  expect(after.length).toBe(before + 1);
  expect(lastChatBody(fake).messages.at(-1)!.content).toContain('The parking garage opens at 7am');
});

test('"use whole document" skips retrieval and sends the whole text', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Whole Doc', 'llama3.2', async () => {
    await page.getByLabel('Attach documents').first().setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Alpha fact.\n\nBeta fact.') });
    await page.locator('.document-item', { hasText: 'notes.txt' }).getByLabel('Use whole document').check();
  });
  await goToChat(page);
  await selectModel(page, 'Whole Doc');
  await send(page, 'Facts?');
  await expect(answers(page, 'Whole Doc')).toContainText('You said:');
  expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/embed')).toHaveLength(0);
  expect(lastChatBody(fake).messages.at(-1)!.content).toContain('<source id="1" name="notes.txt">\nAlpha fact.\n\nBeta fact.\n</source>');
});

test('PDF and HTML files are read on the device (pdf.js, DOMParser)', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Reader', 'llama3.2', async () => {
    await page.getByLabel('Attach documents').first().setInputFiles([
      { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: tinyPdf('Invoice total is 314 euros') },
      { name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<html><head><style>p{}</style><script>var secret=1</script></head><body><h1>Title</h1><p>Visible <b>words</b></p></body></html>') },
    ]);
    for (const name of ['invoice.pdf', 'page.html']) {
      await page.locator('.document-item', { hasText: name }).getByLabel('Use whole document').check();
    }
  });
  await goToChat(page);
  await selectModel(page, 'Reader');
  await send(page, 'Summarise');
  await expect(answers(page, 'Reader')).toContainText('You said:');
  const content = lastChatBody(fake).messages.at(-1)!.content;
  expect(content).toContain('Invoice total is 314 euros');
  expect(content).toMatch(/Title\s+Visible words/);
  expect(content).not.toContain('secret');
});

test('a new preset cancelled after attaching documents leaves no knowledge document behind', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Never Saved');
  await page.getByLabel('Attach documents').first().setInputFiles({ name: 'cancelled.md', mimeType: 'text/markdown', buffer: Buffer.from('# Draft\nNot kept.') });
  await expect(page.locator('.document-item', { hasText: 'cancelled.md' })).toBeVisible();
  await page.locator('.document-item', { hasText: 'cancelled.md' }).getByLabel('Use whole document').check();
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('link', { name: 'New model' })).toBeVisible();

  // a saved preset's attachment is stored (Save writes it to disk before moving on), with the switch set in the draft
  await createPreset(page, 'Kept Docs', 'llama3.2', async () => {
    await page.getByLabel('Attach documents').first().setInputFiles({ name: 'kept.md', mimeType: 'text/markdown', buffer: Buffer.from('# Kept\nStays.') });
    await page.locator('.document-item', { hasText: 'kept.md' }).getByLabel('Use whole document').check();
  });
  await expect(page.locator('.document-item', { hasText: 'kept.md' }).getByLabel('Use whole document')).toBeChecked();
  await page.reload();
  await expect(page.locator('.document-item', { hasText: 'kept.md' }).getByLabel('Use whole document')).toBeChecked();
  expect(await storedKnowledgeNames(page)).toEqual(['kept.md']);
});
