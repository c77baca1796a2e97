import { expect, type Locator, type Page } from '@playwright/test';
import type { FakeOllama, RecordedRequest } from '../fake-ollama/index.ts';
import { useOllamaEndpoint, type RelayFixture } from './fixtures.ts';

/** Shared steps of the chat specs (not a spec itself). */

export async function openChat(page: Page, relayFx: RelayFixture, fake: FakeOllama): Promise<void> {
  await useOllamaEndpoint(page, fake.url);
  await page.goto(`${relayFx.origin}/chat`);
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
}

/** Picks a model in the n-th selector (1-based); `name` is the option's visible name. */
export async function selectModel(page: Page, name: string | RegExp, slot?: number): Promise<void> {
  const button = slot === undefined ? page.getByRole('button', { name: /^Model( \d)?: / }).first() : page.getByRole('button', { name: new RegExp(`^Model ${slot}: `) });
  await button.click();
  const option = page.getByRole('option', { name: typeof name === 'string' ? new RegExp(`^${escapeRe(name)}`) : name });
  await option.first().click();
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

export function chatRequests(fake: FakeOllama): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/chat');
}

export interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string; images?: string[] }>;
  stream?: boolean;
  options?: Record<string, unknown>;
  [k: string]: unknown;
}

export function lastChatBody(fake: FakeOllama): ChatBody {
  const list = chatRequests(fake);
  expect(list.length).toBeGreaterThan(0);
  return list.at(-1)!.body as ChatBody;
}

/** The answers in the conversation (articles named "Answer from …"). */
export function answers(page: Page, model?: string): Locator {
  return page.getByRole('article', { name: model ? `Answer from ${model}` : /^Answer from / });
}

export function userMessages(page: Page): Locator {
  return page.getByRole('article', { name: 'You' });
}

/** Creates a preset through the editor; `fill` may set more fields before saving. */
/** Switches a preset parameter from "default" to custom in the editor, and types `value` when given. */
export async function setParam(page: Page, name: string, value?: string): Promise<void> {
  await page.getByRole('button', { name: `${name}: switch between default and custom` }).click();
  if (value === undefined) return;
  await page.getByRole('spinbutton', { name }).fill(value);
  await page.getByRole('spinbutton', { name }).press('Tab');
}

export async function createPreset(page: Page, name: string, base: string, fill?: () => Promise<void>): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'New model' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Base model').fill(base);
  await fill?.();
  await page.getByRole('button', { name: 'Save & create' }).click();
  await expect(page.getByRole('heading', { name: `Edit ${name}` })).toBeVisible();
}

export async function goToChat(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
}
