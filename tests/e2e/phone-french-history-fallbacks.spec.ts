import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';

/*
 * Issue 19 on a 390 px phone in French: the preset history panel and the fallback models list
 * of the editor are usable there (the page never scrolls sideways, every control is reached,
 * names are French).
 */

const PHONE = { width: 390, height: 844 };

async function frenchPhone(page: Page, origin: string): Promise<void> {
  // a running fake clock: the history groups one device's changes made within 2 minutes, and
  // the test moves time on instead of waiting
  await page.clock.install();
  await page.setViewportSize(PHONE);
  await page.addInitScript(() => localStorage.setItem('atelier.locale', 'fr'));
  await page.goto(`${origin}/models`);
  await expect(page.getByRole('heading', { name: 'Modèles' })).toBeVisible();
}

async function newPreset(page: Page, name: string, base: string, system = ''): Promise<void> {
  await page.getByRole('link', { name: 'Nouveau modèle' }).click();
  await page.getByLabel('Nom', { exact: true }).fill(name);
  await page.getByLabel('Modèle de base').fill(base);
  if (system) await page.getByLabel('Invite système').fill(system);
  await page.getByRole('button', { name: 'Enregistrer et créer' }).click();
  await expect(page.getByRole('heading', { name: `Modifier ${name}` })).toBeVisible();
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Visible controls of the editor that stick out of the screen sideways (clipped: out of reach). */
const controlsOffScreen = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main button, main input, main select, main textarea, main [role="switch"]')]
      .filter((el) => el.getClientRects().length > 0)
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.left < 0 || r.right > window.innerWidth + 0.5;
      })
      .map((el) => el.getAttribute('aria-label') ?? el.textContent ?? el.tagName),
  );

test('on a 390 px phone in French, the history panel fits the screen: versions, compare, diff and restore are reached', async ({ page, relayFx }) => {
  await frenchPhone(page, relayFx.origin);
  await newPreset(page, 'Poète', 'llama3.2', 'Écris des haïkus.\nDix-sept syllabes, pas une de plus, sur des sujets très variés et parfois fort longs à décrire.');
  await page.clock.fastForward('05:00');
  await page.getByLabel('Invite système').fill('Écris des limericks.');
  await page.getByRole('button', { name: 'Historique' }).click();
  await expect(page.getByRole('heading', { name: 'Historique de Poète' })).toBeVisible();
  const versions = page.getByRole('list', { name: 'Versions, de la plus récente à la plus ancienne' }).getByRole('listitem');
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toContainText('Modifié : Invite système');
  await expect(versions.nth(1)).toContainText('A créé le modèle');

  const deviceName = page.getByRole('textbox', { name: 'Nom de cet appareil' });
  await deviceName.fill('Téléphone de poche');
  await deviceName.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Nom de l’appareil enregistré.' })).toBeVisible();

  await page.getByRole('combobox', { name: 'Version plus ancienne' }).selectOption({ index: 1 });
  const diff = page.getByRole('list', { name: 'Différences entre les deux versions' });
  await expect(diff.getByRole('insertion')).toHaveText(['Ajouté : Écris des limericks.']);
  await expect(diff.getByRole('deletion')).toHaveCount(2);
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  expect(await controlsOffScreen(page)).toEqual([]);

  const restore = versions.nth(1).getByRole('button', { name: 'Restaurer cette invite système' });
  await restore.scrollIntoViewIfNeeded();
  await expect(restore).toBeInViewport();
  await restore.click();
  await expect(page.getByLabel('Invite système')).toHaveValue(/^Écris des haïkus\./);
  await expect(page.getByRole('status').filter({ hasText: 'restaurée comme nouvelle modification' })).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
});

test('on a 390 px phone in French, the fallback models list fits the screen: add, reorder and remove are reached', async ({ page, relayFx }) => {
  await frenchPhone(page, relayFx.origin);
  await newPreset(page, 'Rédacteur', 'mistral-small3.2:24b-instruct-2506-q4_K_M');
  const add = page.getByRole('combobox', { name: 'Modèle de secours à ajouter' });
  for (const model of ['hf.co/bartowski/Qwen2.5-Coder-14B-Instruct-GGUF:Q4_K_M', 'qwen3:4b', 'llama3.2']) {
    await add.fill(model);
    await page.getByRole('button', { name: 'Ajouter un secours' }).click();
  }
  const order = page.getByRole('list', { name: 'Ordre de secours' }).getByRole('listitem');
  await expect(order).toHaveCount(3);
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
  expect(await controlsOffScreen(page)).toEqual([]);

  const up = page.getByRole('button', { name: 'Monter llama3.2' });
  await up.scrollIntoViewIfNeeded();
  await expect(up).toBeInViewport();
  await up.click();
  await expect(order.nth(1)).toContainText('llama3.2');
  const down = page.getByRole('button', { name: 'Descendre hf.co/bartowski/Qwen2.5-Coder-14B-Instruct-GGUF:Q4_K_M' });
  await expect(down).toBeInViewport();
  await down.click();
  await expect(order.nth(0)).toContainText('llama3.2');
  const remove = page.getByRole('button', { name: 'Retirer qwen3:4b' });
  await expect(remove).toBeInViewport();
  await remove.click();
  await expect(order).toHaveCount(2);

  await add.fill('llama3.2');
  await add.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: '« llama3.2 » est déjà le modèle de base ou dans la liste ; rien n’a été ajouté.' })).toBeVisible();
  expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
});
