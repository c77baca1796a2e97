/**
 * What the relay holds and sends is ciphertext only: two devices of the real app share a preset
 * with an attachment and a conversation; then every file under the relay's DATA_DIR and every
 * WebSocket frame the relay sent either device (read through CDP) is searched for the known
 * texts and for Automerge's chunk header.
 */
import type { Page } from '@playwright/test';
import { test, expect, pairAnotherDevice, pairWithToken, useOllamaEndpoint } from './fixtures.ts';
import { answers, createPreset, goToChat, selectModel, send } from './chat-helpers.ts';
import { filesWithBytes, readableIn } from '../helpers/plaintext-scan.ts';

const PRESET = 'Quillwort Preset';
const ATTACHMENT = 'The marmalade clause of the zeppelin charter';
const QUESTION = 'Which tangerine pathway leads north';
const ANSWER = 'Follow the periwinkle causeway';

/** Records every frame the page's sockets receive (binary frames decoded from base64). */
async function recordFrames(page: Page, into: Buffer[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', (e) => {
    into.push(Buffer.from(e.response.payloadData, e.response.opcode === 2 ? 'base64' : 'utf8'));
  });
}

test('the relay stores and sends only ciphertext: no preset, attachment or conversation text, no Automerge chunk', async ({ browser, fake, relayFx }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  const frames: Buffer[] = [];
  await recordFrames(pageA, frames);
  await recordFrames(pageB, frames);
  await useOllamaEndpoint(pageA, fake.url);
  await useOllamaEndpoint(pageB, fake.url);
  await pageA.goto(`${relayFx.origin}/models`);
  await pairWithToken(pageA, relayFx);
  await pageB.goto(`${relayFx.origin}/models`);
  await pairAnotherDevice(pageB, pageA);

  await createPreset(pageA, PRESET, 'llama3.2', async () => {
    await pageA.getByLabel('Attach documents').first().setInputFiles({ name: 'charter.md', mimeType: 'text/markdown', buffer: Buffer.from(`# Charter\n\n${ATTACHMENT}.`) });
    await expect(pageA.locator('.document-item', { hasText: 'charter.md' })).toBeVisible();
  });
  await goToChat(pageA);
  await selectModel(pageA, 'llama3.2:latest');
  fake.scriptChat({ content: ANSWER });
  await send(pageA, QUESTION);
  await expect(answers(pageA)).toContainText(ANSWER);

  // Everything reached the other device through the relay.
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(pageB.getByRole('listitem', { name: PRESET })).toBeVisible();
  await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await pageB.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: QUESTION }).click();
  await expect(answers(pageB)).toContainText(ANSWER);

  const stored = await filesWithBytes(relayFx.dataDir);
  expect(stored.length).toBeGreaterThan(0);
  expect(frames.length).toBeGreaterThan(0);
  const sent = frames.map((bytes, i) => ({ label: `frame ${i}`, bytes }));
  expect(readableIn([...stored, ...sent], [PRESET, ATTACHMENT, QUESTION, ANSWER])).toEqual([]);

  await a.close();
  await b.close();
});
