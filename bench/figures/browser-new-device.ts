/**
 * A new device in the app: a fresh browser profile opens the pairing link another device shows
 * (relay, token and workspace key in its fragment) and a person presses "Pair this device". The
 * account was filled through protocol v2 beforehand (bench/lib/browser-env.ts). Timed on the
 * page's clock from that press:
 *   titles      run "models": the live models list holds every preset's card (the app goes to the
 *               models list once paired); run "chat": the person opens Chat from the navigation as
 *               soon as the models page shows, and the live sidebar lists the newest conversation's
 *               title (what it shows before any conversation document is loaded)
 *   all stored  every document of the account is in the app's IndexedDB (the page's own
 *               database, read from the page every 200 ms: ids with snapshot or incremental chunks)
 * When the app gives up waiting for the shared workspace (its pairing timeout) and says so, the
 * button is pressed again, as the message asks; the time still runs from the first press and the
 * presses are reported.
 * The "models" run's profile, closed once the app says it is synced and the service worker
 * controls the page, is the device every later figure copies (data local, nothing opened).
 */
import type { Page } from '@playwright/test';
import { round, sleep, tempDir, type BenchContext } from '../lib/common.ts';
import type { BrowserEnv } from '../lib/browser-env.ts';
import { firstPage, instrument, launch, marks, startCpuProfile, until, useOllamaEndpoint, watch } from '../lib/browser.ts';
import { liveModels, sidebarTitle } from '../lib/app-probes.ts';

export interface NewDeviceRun {
  kind: 'models' | 'chat';
  /** ms from the first press on "Pair this device" */
  titlesMs: number;
  /** presses again after the app said the shared workspace did not arrive in time (a person retries, as it asks) */
  retries: number;
  allStoredMs: number;
  /** documents of the account in IndexedDB (by id: the device's own are not counted) */
  stored: number;
  profile: string;
}

/** Makes sure the service worker controls the page, so the offline figures can start the app offline. */
async function controlledByServiceWorker(page: Page): Promise<void> {
  await until(page, 'navigator.serviceWorker.getRegistration().then((r) => Boolean(r && r.active && r.active.state === "activated"))', 60_000, 'the service worker active', 200);
  // A reload right after the worker turned active can still come back uncontrolled: reload again.
  for (let attempt = 1; ; attempt++) {
    await page.reload();
    const ok = await until(page, 'Boolean(navigator.serviceWorker.controller)', 10_000, 'the page controlled', 200)
      .then(() => true)
      .catch(() => false);
    if (ok) return;
    if (attempt === 3) throw new Error('the page is not controlled by the service worker after 3 reloads');
  }
}

export async function newDeviceRun(env: BrowserEnv, ctx: BenchContext, kind: 'models' | 'chat'): Promise<NewDeviceRun> {
  const profile = tempDir(`profile-new-${kind}`);
  const context = await launch(profile);
  try {
    await instrument(context);
    await useOllamaEndpoint(context, env.fake.url);
    const page = await firstPage(context);
    await page.goto(env.pairingLink);
    const pair = page.getByRole('button', { name: 'Pair this device' });
    await pair.waitFor({ timeout: 60_000 });
    if (kind === 'models') {
      await watch(page, 'titles', liveModels(env.presets.length));
    } else {
      // the models page shown → Chat clicked in the main navigation → the sidebar lists titles
      await watch(
        page,
        'paired',
        `() => [...document.querySelectorAll('h1')].some((h) => h.textContent.trim() === 'Models')`,
        `() => {
          const a = document.querySelector('nav[aria-label="Main"] a[href="/chat"]');
          if (a) a.click();
          return ['titles', ${sidebarTitle(env.long.title)}];
        }`,
      );
    }
    await page.evaluate(`window.__benchStored('allStored', ${JSON.stringify(env.docIds)}, 200)`);
    // BENCH_NEW_DEVICE_PROFILE=<folder>: a CPU profile of the page from the press to the end of the run
    const stopProfile = await startCpuProfile(page, process.env.BENCH_NEW_DEVICE_PROFILE, () => `new-device-${kind}-${Date.now()}`);
    const start = (await page.evaluate(`(() => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Pair this device');
      const t = performance.now();
      button.click();
      return t;
    })()`)) as number;

    const limitMs = ctx.quick ? 240_000 : 900_000;
    const deadline = Date.now() + limitMs;
    let m: Record<string, number> = {};
    let lastLog = Date.now();
    let lastCount = -1;
    let lastProgress = Date.now();
    let retries = 0;
    const timedOut = page.getByText('The shared workspace did not arrive from the relay.');
    for (;;) {
      m = await marks(page);
      if (m.titles !== undefined && m.allStored !== undefined) break;
      if (m.titles === undefined && retries < 5 && (await timedOut.isVisible()) && (await pair.isEnabled())) {
        retries++;
        ctx.log(`    new device (${kind}): the app gave up waiting for the shared workspace; pressing "Pair this device" again (${retries})`);
        await pair.click();
      }
      const count = m.allStoredCount ?? 0;
      if (count !== lastCount) {
        lastCount = count;
        lastProgress = Date.now();
      }
      // nothing new in IndexedDB for this long: the app stopped fetching
      if (Date.now() > deadline || Date.now() - lastProgress > 90_000) break;
      if (Date.now() - lastLog > 15_000) {
        ctx.log(`    new device (${kind}): ${count}/${env.expectedDocs} documents in IndexedDB after ${((Date.now() - deadline + limitMs) / 1000).toFixed(0)} s`);
        lastLog = Date.now();
      }
      await sleep(200);
    }
    const stored = m.allStoredCount ?? 0;
    await stopProfile?.();
    if (kind === 'models') {
      await page.getByRole('status', { name: /Sync status: Synced/ }).waitFor({ timeout: 120_000 });
      await controlledByServiceWorker(page);
    }
    return {
      kind,
      titlesMs: m.titles !== undefined ? m.titles - start : Number.NaN,
      retries,
      allStoredMs: m.allStored !== undefined ? m.allStored - start : Number.NaN,
      stored,
      profile,
    };
  } finally {
    await context.close();
  }
}

export function describeNewDevice(r: NewDeviceRun, env: BrowserEnv): string {
  return `new device (${r.kind}): titles ${round(r.titlesMs / 1000, 2)} s${r.retries ? ` (after ${r.retries} more presses on "Pair this device")` : ''}, ${r.stored}/${env.expectedDocs} documents in IndexedDB${Number.isFinite(r.allStoredMs) ? ` after ${round(r.allStoredMs / 1000, 2)} s` : ' (never all)'}`;
}
