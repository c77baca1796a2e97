import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { pairedDevices } from './devices.ts';
import { answers, createPreset, goToChat, lastChatBody, openChat, selectModel, send } from './chat-helpers.ts';

/*
 * Issue 19, the preset editor's part: system prompt variables, custom parameters, capabilities,
 * and files of the apps people leave (LobeChat, NextChat, Jan) through the import panel.
 */

async function insertVariable(page: Page, token: string) {
  // by keyboard: the button is focused and pressed, the token lands at the prompt's caret
  await page.getByRole('button', { name: `Insert ${token}` }).focus();
  await page.keyboard.press('Enter');
}

test('on a phone, variables inserted by keyboard reach Ollama filled: the name from Settings › General, the weekday, the date, the language', async ({ page, fake, relayFx }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openChat(page, relayFx, fake);
  await page.goto(`${relayFx.origin}/settings/general`);
  await page.getByLabel('Your name').fill('Camille');
  await page.getByLabel('Your name').press('Tab');
  await expect(page.getByRole('status').filter({ hasText: 'Name saved.' })).toBeVisible();

  await createPreset(page, 'Greeter', 'llama3.2', async () => {
    const prompt = page.getByLabel('System prompt');
    await prompt.fill('Hello ');
    await insertVariable(page, '{{USER_NAME}}');
    await page.keyboard.type(', it is ');
    await insertVariable(page, '{{CURRENT_WEEKDAY}}');
    await page.keyboard.type(' ');
    await insertVariable(page, '{{CURRENT_DATE}}');
    await page.keyboard.type(', reply in ');
    await insertVariable(page, '{{USER_LANGUAGE}}');
    await expect(prompt).toHaveValue('Hello {{USER_NAME}}, it is {{CURRENT_WEEKDAY}} {{CURRENT_DATE}}, reply in {{USER_LANGUAGE}}');
  });
  // stored as written: filled only when a request is built
  await expect(page.getByLabel('System prompt')).toHaveValue('Hello {{USER_NAME}}, it is {{CURRENT_WEEKDAY}} {{CURRENT_DATE}}, reply in {{USER_LANGUAGE}}');

  await goToChat(page);
  await selectModel(page, 'Greeter');
  const today = await page.evaluate(() => {
    const d = new Date();
    const two = (n: number) => String(n).padStart(2, '0');
    return { date: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`, weekday: d.toLocaleDateString('en-US', { weekday: 'long' }) };
  });
  await send(page, 'Hi');
  await expect(answers(page, 'Greeter')).toContainText('You said: Hi');
  expect(lastChatBody(fake).messages[0]).toEqual({ role: 'system', content: `Hello Camille, it is ${today.weekday} ${today.date}, reply in en` });
});

test('a preset whose prompt uses {{USER_NAME}} says so while no name is set', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Nameless', 'llama3.2', async () => {
    await page.getByLabel('System prompt').fill('Call me ');
    await insertVariable(page, '{{USER_NAME}}');
    await expect(page.getByRole('note').filter({ hasText: 'no name is set' })).toBeVisible();
  });
});

test('a custom parameter added in the editor is sent under options; a value that is not JSON-ish is refused with a message and changes nothing', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Tuned', 'llama3.2');
  const custom = page.getByRole('group', { name: 'Custom parameters' });
  await custom.getByLabel('Parameter name', { exact: true }).fill('num_gqa');
  await custom.getByLabel('Parameter value', { exact: true }).fill('8');
  await custom.getByRole('button', { name: 'Add parameter' }).click();
  await expect(custom.getByLabel('Value of num_gqa')).toHaveValue('8');

  await custom.getByLabel('Parameter name', { exact: true }).fill('temperature');
  await custom.getByLabel('Parameter value', { exact: true }).fill('1');
  await custom.getByRole('button', { name: 'Add parameter' }).click();
  await expect(custom.getByRole('alert')).toHaveText('“temperature” is already a parameter above: set it there.');

  await custom.getByLabel('Value of num_gqa').fill('{oops');
  await custom.getByLabel('Value of num_gqa').press('Tab');
  await expect(custom.getByRole('alert').first()).toContainText('neither JSON nor a single word');

  await goToChat(page);
  await selectModel(page, 'Tuned');
  await send(page, 'Hi');
  await expect(answers(page, 'Tuned')).toContainText('You said: Hi');
  expect(lastChatBody(fake).options).toEqual({ num_gqa: 8 });
});

test('in French, a custom parameter with a bad value gets a French message', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await page.goto(`${relayFx.origin}/settings/general`);
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.getByRole('heading', { name: 'Général' })).toBeVisible();
  await page.goto(`${relayFx.origin}/models/new`);
  const custom = page.getByRole('group', { name: 'Paramètres personnalisés' });
  await custom.getByLabel('Nom du paramètre', { exact: true }).fill('num_gqa');
  await custom.getByLabel('Valeur du paramètre', { exact: true }).fill('deux mots');
  await custom.getByRole('button', { name: 'Ajouter le paramètre' }).click();
  await expect(custom.getByRole('alert')).toContainText('n’est ni du JSON ni un seul mot');
  await expect(page.getByRole('button', { name: 'Insérer {{USER_NAME}}' })).toBeVisible();
});

test('switching usage off hides tokens and speed under its answers; switching file upload off removes attaching', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Looker', 'llava:7b', async () => {
    await page.getByRole('switch', { name: 'Vision' }).check();
  });
  await goToChat(page);
  await selectModel(page, 'Looker');
  await expect(page.getByLabel('Attach images')).toBeAttached();
  await send(page, 'One');
  await expect(answers(page, 'Looker').getByLabel('Usage')).toContainText('tokens/s');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('listitem', { name: 'Looker', exact: true }).getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('switch', { name: 'Usage' }).uncheck();
  await page.getByRole('switch', { name: 'File upload' }).uncheck();
  await goToChat(page);
  await selectModel(page, 'Looker');
  await expect(page.getByLabel('Attach images')).toHaveCount(0);
  await send(page, 'Two');
  await expect(answers(page, 'Looker')).toContainText('You said: Two');
  await expect(answers(page, 'Looker').getByLabel('Usage')).toHaveCount(0);
});

test('vision switched on for a base model Ollama says cannot read images is explained in the editor', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Blind', 'llama3.2');
  await page.getByRole('switch', { name: 'Vision' }).check();
  await expect(page.getByRole('note').filter({ hasText: 'Ollama says llama3.2 does not read images' })).toBeVisible();
});

const LOBE_AGENT = {
  author: 'MYSeaIT',
  config: {
    systemRole: 'You are an AI Master Chef assistant.',
    model: 'gpt-4o-mini',
    params: { temperature: 0.6, top_p: 1 },
    openingMessage: 'Hello! Let us cook.',
    openingQuestions: ['What cuisine today?'],
  },
  createdAt: '2024-01-26',
  identifier: 'chef',
  meta: { avatar: '👨‍🍳', description: 'Cooking help.', tags: ['cooking'], title: 'Culinary AI Mentor' },
  schemaVersion: 1,
};

test('a LobeChat agent file imports through the import panel, with what was left out listed', async ({ shell: page }) => {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByLabel('Import from a file').setInputFiles({ name: 'chef.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(LOBE_AGENT)) });
  const summary = page.getByRole('status', { name: 'Import summary' });
  await expect(summary).toContainText('Created: 1');
  await expect(summary).toContainText('“config.openingMessage” left out: Atelier has no place for it.');
  await expect(summary).toContainText('Base model “gpt-4o-mini” comes from the file');
  await page.getByRole('listitem', { name: 'Culinary AI Mentor', exact: true }).getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('System prompt')).toHaveValue('You are an AI Master Chef assistant.');
  await expect(page.getByRole('spinbutton', { name: 'Temperature' })).toHaveValue('0.6');
});

test('a NextChat masks.json without a model takes a model installed here', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  // the chat has read which models Ollama has (the list this device remembers)
  await selectModel(page, 'llama3.2');
  await page.goto(`${relayFx.origin}/models`);
  const masks = [{ id: 'm1', avatar: '1f4da', name: 'Proofreader', context: [{ id: 'c', role: 'system', content: 'Fix my grammar.', date: '' }], modelConfig: { model: '', temperature: 0.3 }, lang: 'en', builtin: false, createdAt: 1717171717171 }];
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByLabel('Import from a file').setInputFiles({ name: 'masks.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(masks)) });
  const summary = page.getByRole('status', { name: 'Import summary' });
  await expect(summary).toContainText('Created: 1');
  await expect(summary).toContainText('The file names no model: “llama3.2');
});

test('custom parameters, capabilities and your name survive sync to a second device', async ({ browser, relayFx, fake }) => {
  const { a, b, close } = await pairedDevices(browser, relayFx, { a: fake.url });
  const [pageA, pageB] = [a.page, b.page];

  await pageA.goto(`${relayFx.origin}/settings/general`);
  await pageA.getByLabel('Your name').fill('Camille');
  await pageA.getByLabel('Your name').press('Tab');
  await createPreset(pageA, 'Synced', 'llama3.2');
  const custom = pageA.getByRole('group', { name: 'Custom parameters' });
  await custom.getByLabel('Parameter name', { exact: true }).fill('num_gqa');
  await custom.getByLabel('Parameter value', { exact: true }).fill('8');
  await custom.getByRole('button', { name: 'Add parameter' }).click();
  await pageA.getByRole('switch', { name: 'Citations' }).uncheck();

  await pageB.getByRole('listitem', { name: 'Synced', exact: true }).getByRole('link', { name: 'Edit' }).click();
  await expect(pageB.getByRole('group', { name: 'Custom parameters' }).getByLabel('Value of num_gqa')).toHaveValue('8');
  await expect(pageB.getByRole('switch', { name: 'Citations' })).not.toBeChecked();
  await expect(pageB.getByRole('switch', { name: 'Usage' })).toBeChecked();
  await pageB.goto(`${relayFx.origin}/settings/general`);
  await expect(pageB.getByLabel('Your name')).toHaveValue('Camille');
  await close();
});

test('a tool set off "when a chat starts" is off in a new chat and not sent; switched on in the chat, it is sent', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Calc Helper', 'llama3.2', async () => {
    await page.getByRole('group', { name: 'Tools' }).getByLabel('Calculator').check();
    await page.getByRole('group', { name: 'When a chat starts' }).getByLabel('Calculator on in a new chat').uncheck();
  });
  await goToChat(page);
  await selectModel(page, 'Calc Helper');
  const inChat = page.getByRole('group', { name: 'Tools and filters in this chat' });
  await expect(inChat.getByRole('button', { name: 'Calculator' })).toHaveAttribute('aria-pressed', 'false');
  await send(page, 'One');
  await expect(answers(page, 'Calc Helper')).toContainText('You said: One');
  expect(lastChatBody(fake).tools).toBeUndefined();

  await inChat.getByRole('button', { name: 'Calculator' }).click();
  await expect(inChat.getByRole('button', { name: 'Calculator' })).toHaveAttribute('aria-pressed', 'true');
  await send(page, 'Two');
  await expect(answers(page, 'Calc Helper').nth(1)).toContainText('You said: Two');
  const tools = lastChatBody(fake).tools as Array<{ function: { name: string } }> | undefined;
  expect(tools?.map((t) => t.function.name)).toEqual(['calculator']);
});
