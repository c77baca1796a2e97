import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { answers, chatRequests, createPreset, goToChat, lastChatBody, openChat, selectModel, send } from './chat-helpers.ts';

const OPENAI_KEY = 'sk-test-tools-0123456789';

async function openToolsSettings(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Tools' }).click();
  await expect(page.getByRole('heading', { name: 'Tools, filters and actions' })).toBeVisible();
}

async function addUserCode(page: Page, name: string, type: 'Tool' | 'Filter' | 'Action', code: string): Promise<void> {
  await openToolsSettings(page);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Type').selectOption({ label: type });
  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^OK: / })).toBeVisible();
  await expect(page.getByRole('listitem', { name })).toBeVisible();
}

test('a tool call round trip (built-in calculator) is shown folded in the chat', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Calc Helper', 'llama3.2', async () => {
    await page.getByRole('group', { name: 'Tools' }).getByLabel('Calculator').check();
  });
  await goToChat(page);
  await selectModel(page, 'Calc Helper');
  fake.scriptChat({ toolCalls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] });
  fake.scriptChat({ content: 'Six times seven is 42.' });
  await send(page, 'What is 6 times 7?');
  const answer = answers(page, 'Calc Helper');
  await expect(answer).toContainText('Six times seven is 42.');

  const [first, second] = chatRequests(fake).map((r) => r.body as { tools?: Array<{ function: { name: string } }>; messages: unknown[] });
  expect(first!.tools?.map((t) => t.function.name)).toEqual(['calculator']);
  expect(second!.messages.slice(-2)).toEqual([
    { role: 'assistant', content: '', tool_calls: [expect.objectContaining({ function: expect.objectContaining({ name: 'calculator' }) })] },
    { role: 'tool', tool_name: 'calculator', content: '42' },
  ]);

  const call = answer.locator('details.tool-call');
  await expect(call).toHaveCount(1);
  await expect(call).not.toHaveAttribute('open', '');
  await call.getByText('Tool: calculator').click();
  await expect(call.locator('pre').first()).toHaveText('{"expression":"6 * 7"}');
  await expect(call.locator('pre').last()).toHaveText('42');
});

test('a tool call round trip over an OpenAI-compatible connection (tools, streamed tool_calls, tool results by id)', async ({ page, fake, relayFx }) => {
  fake.openai.setKey(OPENAI_KEY);
  // a connection already saved on this device (as Settings › Connections saves it)
  await page.addInitScript(
    ([url, key]) => {
      if (localStorage.getItem('atelier.openai.connections')) return;
      localStorage.setItem('atelier.openai.connections', JSON.stringify([{ id: 'fakeoa', name: 'Fake OpenAI', baseUrl: url, apiKey: key, vision: [] }]));
      localStorage.setItem('atelier.openai.models', JSON.stringify({ fakeoa: ['gpt-3.5-turbo', 'gpt-4o'] }));
    },
    [fake.openai.url, OPENAI_KEY] as const,
  );
  await openChat(page, relayFx, fake);
  await createPreset(page, 'GPT Calc', 'openai:fakeoa:gpt-4o', async () => {
    await page.getByRole('group', { name: 'Tools' }).getByLabel('Calculator').check();
  });
  await goToChat(page);
  await selectModel(page, 'GPT Calc');
  fake.openai.scriptChat({ toolCalls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] });
  fake.openai.scriptChat({ content: 'Six times seven is 42.' });
  await send(page, 'What is 6 times 7?');
  const answer = answers(page, 'GPT Calc');
  await expect(answer).toContainText('Six times seven is 42.');

  expect(chatRequests(fake)).toHaveLength(0);
  const [first, second] = fake.requests
    .filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions')
    .map((r) => r.body as { tools?: Array<{ type: string; function: { name: string } }>; messages: Array<Record<string, unknown>> });
  expect(first!.tools?.map((t) => [t.type, t.function.name])).toEqual([['function', 'calculator']]);
  const [assistant, result] = second!.messages.slice(-2);
  const id = (assistant!.tool_calls as Array<{ id: string }>)[0]!.id;
  expect(assistant).toEqual({ role: 'assistant', content: '', tool_calls: [{ id, type: 'function', function: { name: 'calculator', arguments: '{"expression":"6 * 7"}' } }] });
  expect(result).toEqual({ role: 'tool', tool_call_id: id, content: '42' });

  const call = answer.locator('details.tool-call');
  await expect(call).toHaveCount(1);
  await call.getByText('Tool: calculator').click();
  await expect(call.locator('pre').last()).toHaveText('42');
});

test('user code runs in a sandboxed worker: no page storage, time limit, errors with the line', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await addUserCode(
    page,
    'Probe',
    'Tool',
    `const tools = [{
  name: 'probe',
  description: 'What can I see?',
  parameters: { type: 'object', properties: {} },
  run: () => [typeof indexedDB, typeof document, typeof localStorage, typeof caches, typeof BroadcastChannel].join(','),
}];`,
  );
  // errors are shown with their line; an endless loop is stopped by the time limit
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByLabel('Code').fill('const a = 1;\nconst b = ;\n');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByRole('alert')).toContainText('Error on line 2');
  await page.getByLabel('Code').fill('function action(m) {\n  return m.nope.deeper;\n}\nwhile (true) {}\n');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.getByRole('alert')).toContainText('time limit');

  await createPreset(page, 'Prober', 'llama3.2', async () => {
    await page.getByRole('group', { name: 'Tools' }).getByLabel('Probe').check();
  });
  await goToChat(page);
  await selectModel(page, 'Prober');
  fake.scriptChat({ toolCalls: [{ name: 'probe', arguments: {} }] });
  fake.scriptChat({ content: 'Nothing to see.' });
  await send(page, 'Look around');
  await expect(answers(page, 'Prober')).toContainText('Nothing to see.');
  const second = lastChatBody(fake).messages.at(-1)!;
  expect(second).toEqual({ role: 'tool', tool_name: 'probe', content: 'undefined,undefined,undefined,undefined,undefined' });
});

test('a filter changes the request (inlet) and the answer (outlet)', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await addUserCode(
    page,
    'Shout',
    'Filter',
    `function inlet(request) {
  const last = request.messages[request.messages.length - 1];
  last.content = last.content.toUpperCase();
  request.options = { ...(request.options || {}), temperature: 0.1 };
  return request;
}
function outlet(message) {
  return { ...message, content: message.content + ' (filtered)' };
}`,
  );
  await createPreset(page, 'Loud', 'llama3.2', async () => {
    await page.getByRole('group', { name: 'Filters' }).getByLabel('Shout').check();
  });
  await goToChat(page);
  await selectModel(page, 'Loud');
  await send(page, 'hello there');
  await expect(answers(page, 'Loud')).toContainText('You said: HELLO THERE (filtered)');
  const body = lastChatBody(fake);
  expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'HELLO THERE' });
  expect(body.options).toEqual({ temperature: 0.1 });
  // the outlet's text is what is stored: it survives a reload
  await page.reload();
  await expect(answers(page, 'Loud')).toContainText('You said: HELLO THERE (filtered)');
});

test('action buttons under assistant messages: a user action and the built-in copy as Markdown', async ({ page, fake, relayFx, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: relayFx.origin });
  await openChat(page, relayFx, fake);
  await addUserCode(page, 'Count', 'Action', `function action(message) {\n  return 'Length: ' + message.content.length;\n}`);
  await createPreset(page, 'Actor', 'llama3.2', async () => {
    await page.getByRole('group', { name: 'Actions' }).getByLabel('Count').check();
    await page.getByRole('group', { name: 'Actions' }).getByLabel('Copy as Markdown').check();
  });
  await goToChat(page);
  await selectModel(page, 'Actor');
  fake.scriptChat({ content: '**Bold** move' });
  await send(page, 'Say something');
  const answer = answers(page, 'Actor');
  await expect(answer).toContainText('Bold move');
  await answer.getByRole('button', { name: 'Count' }).click();
  await expect(answer.getByRole('status').filter({ hasText: 'Length: 13' })).toBeVisible();
  await answer.getByRole('button', { name: 'Copy as Markdown' }).click();
  await expect(answer.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('**Bold** move');
});

test('a tool on a base model without the tools capability is flagged', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  // Settings › Connections reads the installed models and their capabilities
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Connections' }).click();
  await expect(page.getByText('llava:7b').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Seer');
  await page.getByLabel('Base model').fill('llava:7b');
  await page.getByRole('group', { name: 'Tools' }).getByLabel('Clock (current date and time)').check();
  await expect(page.getByRole('note').filter({ hasText: 'llava:7b cannot use tools' })).toBeVisible();
});

test('importing a .js file opens it as a new draft of the right type, and the file input is emptied so the same file can be imported again', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await openToolsSettings(page);
  const code = 'function inlet(body) {\n  return body;\n}\n';
  const input = page.getByLabel('Import a .js file');
  await input.setInputFiles({ name: 'pass-through.js', mimeType: 'text/javascript', buffer: Buffer.from(code) });
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('pass-through');
  await expect(page.getByLabel('Type')).toHaveValue('filter');
  await expect(page.getByLabel('Code')).toHaveValue(code);
  await expect(input).toHaveValue('');
});
