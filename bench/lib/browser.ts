/**
 * Headless Chromium (the system one, as playwright.config.ts) with a persistent profile in a
 * temp folder, so that closing and relaunching it is a real cold start with IndexedDB and the
 * service worker's cache kept; and the in-page instruments the browser figures share.
 *
 * Every time reported by the browser figures is read on the page's own clock
 * (performance.now(), 0 at navigation start), taken after the frame that shows the change:
 * a condition is checked once per animation frame after DOM mutations, and the mark is taken in
 * a task queued from that frame (after its paint). Page code is passed as strings: tsx would wrap
 * named inner functions in a helper the page lacks.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { now, sleep, tempDir } from './common.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export async function launch(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'allow',
  });
}

/** A copy of a (closed) profile: the same device state, for a run that must find it untouched. */
export function copyProfile(profileDir: string, prefix: string): string {
  const dir = tempDir(prefix);
  cpSync(profileDir, dir, { recursive: true });
  return dir;
}

export async function firstPage(ctx: BrowserContext): Promise<Page> {
  return ctx.pages()[0] ?? (await ctx.newPage());
}

/** Points the app at `url` for Ollama (device-local setting), before the app's scripts run. */
export async function useOllamaEndpoint(ctx: BrowserContext, url: string): Promise<void> {
  await ctx.addInitScript((endpoint: string) => {
    const key = 'atelier.device';
    const s = JSON.parse(localStorage.getItem(key) ?? '{}') as { ollamaEndpoint?: string };
    if (s.ollamaEndpoint !== endpoint) localStorage.setItem(key, JSON.stringify({ ...s, ollamaEndpoint: endpoint }));
  }, url);
}

/**
 * Page code listing the documents with content (snapshot or incremental chunks) in the app's
 * IndexedDB; an expression of a Promise<string[]> (null when the database cannot be read). It
 * never creates the database: opened before the app does, an empty version 1 without the app's
 * object stores would break the app's open.
 */
const STORED_IDS = `new Promise((resolve) => {
  const req = indexedDB.open('atelier');
  let absent = false;
  req.onupgradeneeded = () => { absent = true; req.transaction && req.transaction.abort(); };
  req.onerror = () => resolve(absent ? [] : null);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('documents')) { db.close(); resolve([]); return; }
    const keys = db.transaction('documents').objectStore('documents').getAllKeys();
    keys.onsuccess = () => {
      const ids = new Set();
      for (const k of keys.result) if (Array.isArray(k) && (k[1] === 'snapshot' || k[1] === 'incremental')) ids.add(String(k[0]));
      db.close();
      resolve([...ids]);
    };
    keys.onerror = () => { db.close(); resolve(null); };
  };
})`;

/**
 * In-page instrumentation, installed before the app's scripts on every navigation: long tasks
 * (PerformanceObserver 'longtask', buffered), the marks the figures set, and `__benchWatch`.
 *
 * `__benchWatch(mark, condition, then?)`: once `condition()` holds (checked in the frame after
 * DOM mutations), `mark` is set to the time after that frame's paint; `then()` may return a
 * further [mark, condition] to watch from there (e.g. "input typed → its effect painted").
 * `extra`: page code run right after, in the same script (watches that must see the first paint).
 */
export async function instrument(ctx: BrowserContext, extra = ''): Promise<void> {
  // One script: Playwright promises no order between init scripts, and `extra` needs what this defines.
  await ctx.addInitScript(`(() => {
    const b = (window.__bench ??= { longtasks: [], marks: {} });
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch { /* longtask unsupported */ }
    window.__benchWatch = (mark, condition, then) => {
      let scheduled = false;
      let done = false;
      const check = () => {
        scheduled = false;
        if (done) return;
        let ok = false;
        try { ok = Boolean(condition()); } catch { ok = false; }
        if (!ok) return;
        done = true;
        obs.disconnect();
        setTimeout(() => {
          b.marks[mark] = performance.now();
          const next = then ? then() : null;
          if (next) window.__benchWatch(next[0], next[1], next[2]);
        }, 0);
      };
      const schedule = () => { if (!scheduled && !done) { scheduled = true; requestAnimationFrame(check); } };
      const obs = new MutationObserver(schedule);
      obs.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
      schedule();
    };
    /** Polls the app's IndexedDB until it holds every document of \`ids\`; marks when it does (and the count so far in mark + 'Count'). */
    window.__benchStored = (mark, ids, everyMs) => {
      const wanted = new Set(ids);
      const tick = async () => {
        const stored = await ${STORED_IDS};
        const n = stored ? stored.filter((id) => wanted.has(id)).length : -1;
        b.marks[mark + 'Count'] = n;
        if (n >= wanted.size) { b.marks[mark] = performance.now(); return; }
        setTimeout(tick, everyMs);
      };
      void tick();
    };
    ${extra}
  })();`);
}

/** Installs a watch in the current document (see `instrument`); `condition` and `then` are page code (arrow functions as strings). */
export async function watch(page: Page, mark: string, condition: string, then?: string): Promise<void> {
  await page.evaluate(`window.__benchWatch(${JSON.stringify(mark)}, ${condition}${then ? `, ${then}` : ''})`);
}

export async function marks(page: Page): Promise<Record<string, number>> {
  return (await page.evaluate('window.__bench ? window.__bench.marks : {}')) as Record<string, number>;
}

/** Waits (bounded) until every mark in `names` is set; throws with what was seen otherwise. */
export async function waitMarks(page: Page, names: string[], timeoutMs: number, what: string): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await marks(page);
    if (names.every((n) => m[n] !== undefined)) return m;
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs / 1000} s (marks ${JSON.stringify(m)}, ${page.url()})`);
    await sleep(100);
  }
}

export async function pageNow(page: Page): Promise<number> {
  return (await page.evaluate('performance.now()')) as number;
}

export interface LongTask {
  start: number;
  duration: number;
}

export async function longTasks(page: Page): Promise<LongTask[]> {
  return (await page.evaluate('window.__bench ? window.__bench.longtasks : []')) as LongTask[];
}

/** Long tasks that started in [from, to] (page clock). */
export async function longTasksBetween(page: Page, from: number, to: number): Promise<LongTask[]> {
  return (await longTasks(page)).filter((t) => t.start >= from && t.start <= to);
}

export const longest = (tasks: readonly LongTask[]): number => tasks.reduce((m, t) => Math.max(m, t.duration), 0);

/**
 * Polls page code `expr` until it is truthy (bounded). Evaluated through the devtools protocol,
 * which the app's CSP allows; `page.waitForFunction` with a string is an eval the CSP refuses.
 */
export async function until(page: Page, expr: string, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s (${page.url()})`);
    await sleep(everyMs);
  }
}

/** Returns once the page's clock has passed `t` (an observation window, e.g. the second after an event). */
export async function pastPageTime(page: Page, t: number): Promise<void> {
  for (let at = await pageNow(page); at <= t; at = await pageNow(page)) await sleep(Math.min(1000, t - at + 5));
}

/** Waits (bounded) until the page has had no long task for `quietMs`; returns the ms waited. */
export async function waitQuiet(page: Page, quietMs: number, maxMs: number): Promise<number> {
  const t0 = now();
  for (;;) {
    const [tasks, at] = await Promise.all([longTasks(page), pageNow(page)]);
    const lastEnd = tasks.reduce((m, t) => Math.max(m, t.start + t.duration), 0);
    if (at - lastEnd >= quietMs || now() - t0 > maxMs) return now() - t0;
    await sleep(250);
  }
}

/**
 * Starts a CPU profile of the page (CDP Profiler, 200 µs sampling) when `dir` is set (a bench
 * switch such as BENCH_OPEN_PROFILE). Returns the function that stops it and writes
 * `<dir>/<name>.cpuprofile` (loads in Chromium's DevTools), or null when not asked for.
 */
export async function startCpuProfile(page: Page, dir: string | undefined, name: () => string): Promise<(() => Promise<void>) | null> {
  if (!dir) return null;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name()}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  };
}
