import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { createPreset, openChat } from './chat-helpers.ts';

/** axe-core on every page, desktop and phone: no serious or critical violation. */

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const SETTINGS = ['general', 'connections', 'sync', 'data', 'chat', 'documents', 'tools'];

for (const [device, viewport] of [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  test(`every page has no serious accessibility violation (${device})`, async ({ page, fake, relayFx }) => {
    test.setTimeout(300_000); // axe takes seconds per page on a shared machine
    await page.setViewportSize(viewport);
    await openChat(page, relayFx, fake);
    await createPreset(page, 'Checked Preset', 'llama3.2', async () => {
      await page.getByRole('button', { name: 'Add suggestion' }).click();
    });
    const found: Record<string, string[]> = {};
    // the editor, with a suggestion in its list
    found['preset editor'] = await seriousViolations(page);

    await page.goto(`${relayFx.origin}/models`);
    await expect(page.getByRole('listitem', { name: 'Checked Preset', exact: true })).toBeVisible();
    found['models'] = await seriousViolations(page);
    await page.getByRole('button', { name: 'More actions for Checked Preset' }).click();
    await expect(page.getByRole('menu')).toBeVisible();
    found['models, menu open'] = await seriousViolations(page);

    await page.goto(`${relayFx.origin}/models/new`);
    await expect(page.getByRole('heading', { name: 'New model' })).toBeVisible();
    await page.getByRole('button', { name: 'Add suggestion' }).click();
    found['new model'] = await seriousViolations(page);

    await page.goto(`${relayFx.origin}/chat`);
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
    found['chat'] = await seriousViolations(page);
    await page.getByRole('button', { name: /^Model: / }).click();
    await expect(page.getByRole('listbox')).toBeVisible();
    found['chat, model picker open'] = await seriousViolations(page);

    for (const s of SETTINGS) {
      await page.goto(`${relayFx.origin}/settings/${s}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      found[`settings/${s}`] = await seriousViolations(page);
    }
    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  });
}
