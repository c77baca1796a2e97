import type { Locator } from '@playwright/test';

/** Runs one of a preset card's secondary actions (Clone, Export, Hide/Show, Delete) from its "More actions" menu. */
export async function cardAction(card: Locator, action: 'Clone' | 'Export' | 'Hide' | 'Show' | 'Delete'): Promise<void> {
  await card.getByRole('button', { name: /^More actions for / }).click();
  await card.getByRole('menuitem', { name: action, exact: true }).click();
}
