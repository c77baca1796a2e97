/**
 * Open the 1,000-message conversation (1 in 10 with a code block) on a device that holds it but
 * never opened it: each run on a fresh copy of the new device's profile (no saved view of it, its
 * document never loaded), offline so no sync competes. /chat is opened, the sidebar link to the
 * conversation waited for and the main thread left quiet (no long task for 1 s, at most 30 s),
 * then the link is clicked. Timed on the page's clock from the click:
 *   live         the real message list shows turns with text
 *   interactive  a character typed into the composer once the live list shows has enabled Send
 * plus the longest task in that span, and the turns and elements in the DOM (a note: the list is
 * virtualised, so that is a window, not a figure).
 */
import type { BrowserEnv } from '../lib/browser-env.ts';
import { copyProfile, firstPage, instrument, launch, longest, longTasks, startCpuProfile, waitMarks, waitQuiet, watch } from '../lib/browser.ts';
import { clickConversation, liveConversation, previewConversation, typeInComposer } from '../lib/app-probes.ts';

/**
 * With BENCH_OPEN_PROFILE=<folder>, a CPU profile of each open, from the click to the
 * interactive mark, is written there (open-<n>.cpuprofile).
 */
let profiles = 0;

export interface OpenRun {
  live: number;
  interactive: number;
  /** a saved view painted before the live list (should never happen: nothing was saved) */
  preview: number | null;
  longestTask: number;
  turns: number;
  listNodes: number;
  /** px between the list's end and the bottom of its view once interactive (0: the last turn is in view) */
  fromBottom: number;
}

export async function openNeverOpened(env: BrowserEnv, seededProfile: string): Promise<OpenRun> {
  const context = await launch(copyProfile(seededProfile, 'profile-open'));
  try {
    await instrument(context);
    await context.setOffline(true);
    const page = await firstPage(context);
    await page.goto(`${env.origin}/chat`, { timeout: 60_000 });
    await page.locator(`a.conversation-link[href="/chat/${env.long.id}"]`).waitFor({ state: 'attached', timeout: 120_000 });
    await waitQuiet(page, 1000, 30_000);
    await watch(page, 'preview', previewConversation);
    await watch(page, 'live', liveConversation(), typeInComposer('interactive'));
    const profiler = await startCpuProfile(page, process.env.BENCH_OPEN_PROFILE, () => `open-${++profiles}`);
    await page.evaluate(clickConversation('click', env.long.id));
    const m = await waitMarks(page, ['click', 'live', 'interactive'], 120_000, 'opening the long conversation');
    await profiler?.();
    const tasks = (await longTasks(page)).filter((t) => t.start >= m.click! && t.start < m.interactive!);
    const dom = (await page.evaluate(`({
      turns: document.querySelectorAll('.message-scroll:not(.message-preview) .turn').length,
      listNodes: document.querySelector('.message-scroll:not(.message-preview)')?.getElementsByTagName('*').length ?? 0,
      fromBottom: ((s) => (s ? s.scrollHeight - s.scrollTop - s.clientHeight : -1))(document.querySelector('.message-scroll:not(.message-preview)')),
    })`)) as { turns: number; listNodes: number; fromBottom: number };
    return {
      live: m.live! - m.click!,
      interactive: m.interactive! - m.click!,
      preview: m.preview !== undefined && m.preview < m.live! ? m.preview - m.click! : null,
      longestTask: longest(tasks),
      ...dom,
    };
  } finally {
    await context.close();
  }
}
