import type { Page } from '@playwright/test';
import { test, expect, useOllamaEndpoint } from './fixtures.ts';
import { answers, createPreset, goToChat, openChat, selectModel, send } from './chat-helpers.ts';
import { cardAction } from './card-actions.ts';

/** Issue 17, everyday use: keyboard, phone layout, French, sizes, answers, CSP, missing base models. */

const presetList = (page: Page) => page.getByRole('list', { name: 'Model presets' });
const card = (page: Page, name: string) => presetList(page).getByRole('listitem', { name, exact: true });

async function quickPreset(page: Page, name: string, description = '') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Base model').fill('llama3.2');
  if (description) await page.getByLabel('Description').fill(description);
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
  await page.getByRole('link', { name: 'Back to models' }).click();
  await expect(card(page, name)).toBeVisible();
}

test('Enter in "Add stop sequence" adds it on the New model page', async ({ shell: page }) => {
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByRole('button', { name: 'Stop sequences: switch between default and custom' }).click();
  const add = page.getByRole('textbox', { name: 'Add stop sequence' });
  await add.fill('<|im_end|>');
  await add.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Stop sequence 1' })).toHaveValue('<|im_end|>');
  await expect(add).toHaveValue('');
  // and the form was not submitted by that Enter
  await expect(page.getByRole('heading', { name: 'New model' })).toBeVisible();
});

test('Escape closes the Share menu and the Import panel; after Delete the focus moves to the next card', async ({ shell: page }) => {
  for (const name of ['Alpha', 'Bravo', 'Charlie']) await quickPreset(page, name);
  // newest first: Charlie, Bravo, Alpha
  await card(page, 'Bravo').getByRole('button', { name: 'Share' }).click();
  await expect(page.getByRole('button', { name: 'Copy share link' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Copy share link' })).toHaveCount(0);
  await expect(card(page, 'Bravo').getByRole('button', { name: 'Share' })).toBeFocused();

  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Drop an exported .json file here to import it')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByText('Drop an exported .json file here to import it')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeFocused();

  page.once('dialog', (d) => void d.accept());
  await cardAction(card(page, 'Bravo'), 'Delete');
  await expect(card(page, 'Bravo')).toHaveCount(0);
  await expect(card(page, 'Alpha').getByRole('button', { name: 'More actions for Alpha' })).toBeFocused();
});

test('on a 390×844 phone five preset cards fit on the screen, their secondary actions in a keyboard menu', async ({ shell: page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (let i = 1; i <= 5; i++) await quickPreset(page, `Preset ${i}`, `Helps with task number ${i}, in a friendly and concise way.`);
  const cards = presetList(page).getByRole('listitem').filter({ has: page.getByRole('button', { name: /^More actions for / }) });
  await expect(cards).toHaveCount(5);
  const first = (await cards.nth(0).boundingBox())!;
  const fifth = (await cards.nth(4).boundingBox())!;
  expect(fifth.y + fifth.height - first.y).toBeLessThanOrEqual(844);

  // the menu button pattern
  const more = card(page, 'Preset 3').getByRole('button', { name: 'More actions for Preset 3' });
  await expect(more).toHaveAttribute('aria-haspopup', 'menu');
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(more).toHaveAttribute('aria-expanded', 'true');
  const menu = page.getByRole('menu', { name: 'More actions for Preset 3' });
  await expect(menu.getByRole('menuitem', { name: 'Clone' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Export' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'Delete' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Clone' })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(menu.getByRole('menuitem', { name: 'Clone' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(more).toBeFocused();
  await expect(more).toHaveAttribute('aria-expanded', 'false');
});

test('French has no English leftovers: the clone suffix, the thread label, the range message, a bad PDF', async ({ page, relayFx }) => {
  await page.addInitScript(() => localStorage.setItem('atelier.locale', 'fr'));
  await page.goto(`${relayFx.origin}/models`);
  await expect(page.getByRole('heading', { name: 'Modèles' })).toBeVisible();
  await page.getByRole('link', { name: 'Nouveau modèle' }).click();
  await page.getByLabel('Nom', { exact: true }).fill('Tuteur');
  await page.getByLabel('Modèle de base').fill('llama3.2');
  await expect(page.getByText('Fils d’exécution (num_thread)')).toBeVisible();
  await page.getByRole('button', { name: 'Température : basculer entre défaut et personnalisé' }).click();
  await page.getByRole('spinbutton', { name: 'Température' }).fill('5');
  await page.getByRole('spinbutton', { name: 'Température' }).press('Tab');
  await expect(page.getByText('Température : valeur attendue entre 0 et 2.')).toBeVisible();
  await page.getByLabel('Joindre des documents').first().setInputFiles({ name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('this is not a pdf at all') });
  await expect(page.getByText('broken.pdf : le fichier n’a pas pu être lu (ce n’est pas un fichier PDF valide).')).toBeVisible();
  await page.getByRole('spinbutton', { name: 'Température' }).fill('0.5');
  await page.getByRole('button', { name: 'Enregistrer et créer' }).click();
  await page.getByRole('link', { name: 'Retour aux modèles' }).click();
  await cardAction2(page, 'Tuteur');
  await expect(page.getByRole('listitem', { name: 'Tuteur (copie)', exact: true })).toBeVisible();
});

async function cardAction2(page: Page, name: string) {
  const c = page.getByRole('listitem', { name, exact: true });
  await c.getByRole('button', { name: `Autres actions pour ${name}` }).click();
  await c.getByRole('menuitem', { name: 'Cloner' }).click();
}

test('sizes read the same everywhere: the models page says 2.02 GB like Connections', async ({ page, fake, relayFx }) => {
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/settings/connections`);
  await expect(page.getByRole('listitem', { name: 'llama3.2:latest' })).toContainText('2.02 GB');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  const base = page.getByRole('list', { name: 'Base models in Ollama' }).getByRole('listitem', { name: 'llama3.2:latest' });
  await expect(base).toContainText('2.02 GB');
  await expect(base).not.toContainText('MB');
});

test('task lists in an answer keep their checkboxes, disabled and labelled', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await selectModel(page, 'llama3.2:latest');
  fake.scriptChat({ content: 'Plan:\n\n- [x] Buy flour\n- [ ] Bake bread\n', tokensPerSecond: 0 });
  await send(page, 'Plan my day');
  const answer = answers(page, 'llama3.2:latest');
  await expect(answer.getByRole('checkbox', { name: 'Buy flour' })).toBeChecked();
  await expect(answer.getByRole('checkbox', { name: 'Bake bread' })).not.toBeChecked();
  await expect(answer.getByRole('checkbox', { name: 'Bake bread' })).toBeDisabled();
});

test('no CSP violation at a cold start with a saved models list, nor when a conversation with a saved view opens', async ({ page, fake, relayFx }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Avatarless', 'llama3.2');
  await page.getByRole('link', { name: 'Back to models' }).click();
  await expect(card(page, 'Avatarless')).toBeVisible();
  // the saved list is written a moment after the list settles
  await expect.poll(() => page.evaluate(() => localStorage.getItem('atelier.modelsView') !== null)).toBe(true);
  await goToChat(page);
  await selectModel(page, /^Avatarless/);
  fake.scriptChat({ content: 'Hello there.', tokensPerSecond: 0 });
  await send(page, 'Hi');
  await expect(answers(page)).toContainText('Hello there.');
  const url = page.url();
  // and the conversation's view a moment after its messages settle
  await expect
    .poll(() =>
      page.evaluate(async () => {
        // never open it before the app has created it (that would create it without its store)
        if (!(await indexedDB.databases()).some((d) => d.name === 'atelier-chat-views')) return 0;
        return new Promise<number>((resolve) => {
          const req = indexedDB.open('atelier-chat-views');
          req.onsuccess = () => {
            const db = req.result;
            if (!db.objectStoreNames.contains('views')) return resolve(0);
            const count = db.transaction('views').objectStore('views').count();
            count.onsuccess = () => {
              db.close();
              resolve(count.result);
            };
          };
          req.onerror = () => resolve(0);
        });
      }),
    )
    .toBeGreaterThan(0);
  // every listener below is attached before the document loads
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
  });
  await page.goto(`${relayFx.origin}/models`);
  await expect(card(page, 'Avatarless')).toBeVisible();
  await page.goto(url);
  await expect(answers(page)).toContainText('Hello there.');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await expect(card(page, 'Avatarless')).toBeVisible();
  expect(violations).toEqual([]);
});

test('a preset whose base model is not installed says so on its card, with a Pull button', async ({ page, fake, relayFx }) => {
  await openChat(page, relayFx, fake);
  await createPreset(page, 'Needs Mistral', 'mistral');
  await createPreset(page, 'Has Llama', 'llama3.2');
  await page.getByRole('link', { name: 'Back to models' }).click();
  await expect(card(page, 'Needs Mistral')).toContainText('Base model not installed');
  await expect(card(page, 'Needs Mistral').getByRole('button', { name: 'Pull "mistral"' })).toBeVisible();
  await expect(card(page, 'Has Llama')).not.toContainText('Base model not installed');
});
