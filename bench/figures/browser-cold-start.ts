/**
 * Cold start offline on a device whose data is local: Chromium relaunched on the profile, network
 * off (the service worker serves the app), a page opened. Timed on the page's clock from
 * navigation start:
 *   models  /models: the saved preview painted (beside, never instead); the live list holding
 *           every card; interactive: a search typed once the live list is complete has filtered it
 *   chat    /chat/<the long conversation>, the last one this device had open: the saved preview
 *           painted (beside); the live message list shown; interactive: a character typed into the
 *           composer once the live list shows has enabled Send
 * Long tasks (PerformanceObserver 'longtask', > 50 ms) counted from navigation start until
 * interactive, and in the second after it (what a person typing then would feel).
 */
import type { Page } from '@playwright/test';
import type { BrowserEnv } from '../lib/browser-env.ts';
import { firstPage, instrument, launch, longTasks, pastPageTime, useOllamaEndpoint, waitMarks, type LongTask } from '../lib/browser.ts';
import { liveConversation, liveModels, previewConversation, previewModels, searchModels, typeInComposer } from '../lib/app-probes.ts';

export interface ColdStart {
  preview: number | null;
  live: number;
  interactive: number;
  before: LongTask[];
  after: LongTask[];
}

export type ColdStartPage = 'models' | 'chat';

function pathOf(env: BrowserEnv, which: ColdStartPage): string {
  return which === 'models' ? '/models' : `/chat/${env.long.id}`;
}

/** The watches of `which`, installed before the app's scripts (so nothing painted is missed). */
function watches(env: BrowserEnv, which: ColdStartPage): string {
  const n = env.presets.length;
  const calls =
    which === 'models'
      ? [`__benchWatch('preview', ${previewModels})`, `__benchWatch('live', ${liveModels(n)}, ${searchModels('interactive', 'Preset 1', n)})`]
      : [`__benchWatch('preview', ${previewConversation})`, `__benchWatch('live', ${liveConversation()}, ${typeInComposer('interactive')})`];
  return `if (location.pathname === ${JSON.stringify(pathOf(env, which))}) { ${calls.join('; ')}; }`;
}

/** Long tasks up to `interactive`, and those starting in the second after it (waits for that second to pass on the page). */
export async function tasksAround(page: Page, interactive: number): Promise<{ before: LongTask[]; after: LongTask[] }> {
  await pastPageTime(page, interactive + 1000);
  const tasks = await longTasks(page);
  return { before: tasks.filter((t) => t.start < interactive), after: tasks.filter((t) => t.start >= interactive && t.start < interactive + 1000) };
}

/**
 * One cold start. `online` keeps the network (the streaming figure starts this way); the returned
 * page stays open when `keep` is given, for the caller to go on with (it closes the context).
 */
export async function coldStart(env: BrowserEnv, profile: string, which: ColdStartPage, opts: { online?: boolean; keep?: (page: Page) => Promise<void> } = {}): Promise<ColdStart> {
  const context = await launch(profile);
  try {
    await instrument(context, watches(env, which));
    await useOllamaEndpoint(context, env.fake.url);
    if (!opts.online) await context.setOffline(true);
    const page = await firstPage(context);
    await page.goto(`${env.origin}${pathOf(env, which)}`, { waitUntil: 'commit', timeout: 60_000 });
    const m = await waitMarks(page, ['live', 'interactive'], 120_000, `cold start (${which})`);
    const around = opts.keep ? { before: (await longTasks(page)).filter((t) => t.start < m.interactive!), after: [] } : await tasksAround(page, m.interactive!);
    const out = { preview: m.preview ?? null, live: m.live!, interactive: m.interactive!, ...around };
    if (opts.keep) await opts.keep(page);
    return out;
  } finally {
    await context.close();
  }
}
