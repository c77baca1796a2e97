import * as A from '@automerge/automerge';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { createPreset, openChat } from './chat-helpers.ts';

/** The knowledge documents in the app's IndexedDB, decoded here with Automerge: name → text. */
async function storedKnowledge(page: Page): Promise<Record<string, string>> {
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
  const byDoc = new Map<string, A.Doc<{ kind?: string; name?: string; text?: string | A.ImmutableString }>>();
  for (const r of records) {
    if (r.key[1] !== 'snapshot' && r.key[1] !== 'incremental') continue;
    const id = r.key[0]!;
    byDoc.set(id, A.loadIncremental(byDoc.get(id) ?? A.init(), new Uint8Array(r.bytes)));
  }
  const out: Record<string, string> = {};
  for (const d of byDoc.values()) if (d.kind === 'atelier/knowledge') out[String(d.name)] = typeof d.text === 'string' ? d.text : String(d.text?.val);
  return out;
}

const MANUAL = `# Pump manual\n\n## Priming\nFill the housing with water before the first start.\n\n## Winter\nDrain the pump when frost is forecast.\n`;

test('a document attached to a saved preset is built in a worker, stored with its exact text, and still listed after a reload', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Pump Helper', 'llama3.2');
  const built = page.waitForEvent('worker', (w) => w.url().includes('knowledge-doc'));
  await page.getByLabel('Attach documents').first().setInputFiles({ name: 'pump.md', mimeType: 'text/markdown', buffer: Buffer.from(MANUAL) });
  await built;
  const item = page.locator('.document-item', { hasText: 'pump.md' });
  await expect(item).toContainText(`${MANUAL.length} characters`);
  await expect(page.getByRole('alert')).toHaveCount(0);
  // the file input is emptied once read: choosing the same file again (after removing it) attaches it again
  await expect(page.getByLabel('Attach documents').first()).toHaveValue('');
  // listed only once stored: the text is in IndexedDB already, exactly as extracted
  expect(await storedKnowledge(page)).toEqual({ 'pump.md': MANUAL });
  // and a later edit of the document is saved as before
  await item.getByLabel('Use whole document').check();
  await page.reload();
  await expect(page.locator('.document-item', { hasText: 'pump.md' })).toContainText(`${MANUAL.length} characters`);
  await expect(page.locator('.document-item', { hasText: 'pump.md' }).getByLabel('Use whole document')).toBeChecked();
});

test('when the document worker cannot start, the document is still attached and stored, and the person is told', async ({ page, fake, relayFx }) => {
  // a browser that refuses the worker (as a stricter policy would): the constructor throws
  await page.addInitScript(() => {
    const Native = window.Worker;
    window.Worker = class extends Native {
      constructor(url: string | URL, options?: WorkerOptions) {
        if (String(url).includes('knowledge-doc')) throw new DOMException('Worker refused', 'SecurityError');
        super(url, options);
      }
    };
  });
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Pump Helper', 'llama3.2');
  await page.getByLabel('Attach documents').first().setInputFiles({ name: 'pump.md', mimeType: 'text/markdown', buffer: Buffer.from(MANUAL) });
  await expect(page.getByRole('status').filter({ hasText: 'pump.md was saved by the page itself' })).toBeVisible();
  await expect(page.locator('.document-item', { hasText: 'pump.md' })).toContainText(`${MANUAL.length} characters`);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect.poll(() => storedKnowledge(page)).toEqual({ 'pump.md': MANUAL });
});
