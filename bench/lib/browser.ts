/**
 * Headless Chromium (the system one, as playwright.config.ts) with a persistent profile in a
 * temp folder, so that closing and relaunching it is a real cold start with IndexedDB and the
 * service worker's cache kept.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';

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

export async function firstPage(ctx: BrowserContext): Promise<Page> {
  return ctx.pages()[0] ?? (await ctx.newPage());
}

/** Number of documents with content (snapshot or incremental chunks) in the app's IndexedDB. */
export async function storedDocCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const req = indexedDB.open('atelier');
        // Never create the database: opened before the app does, an empty version 1 without the
        // app's object stores would make the app's own open fail ("object store not found").
        let absent = false;
        req.onupgradeneeded = () => {
          absent = true;
          req.transaction?.abort();
        };
        req.onerror = () => resolve(absent ? 0 : -1);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('documents')) {
            db.close();
            resolve(0);
            return;
          }
          const keysReq = db.transaction('documents').objectStore('documents').getAllKeys();
          keysReq.onsuccess = () => {
            const ids = new Set<string>();
            for (const k of keysReq.result) {
              if (Array.isArray(k) && (k[1] === 'snapshot' || k[1] === 'incremental')) ids.add(String(k[0]));
            }
            db.close();
            resolve(ids.size);
          };
          keysReq.onerror = () => {
            db.close();
            resolve(-1);
          };
        };
      }),
  );
}

/**
 * In-page instrumentation, installed before the app's scripts on every navigation:
 * long tasks (PerformanceObserver 'longtask', buffered) and marks the figures set.
 */
export async function instrument(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    type Bench = { longtasks: Array<{ start: number; duration: number }>; marks: Record<string, number> };
    const w = window as unknown as { __bench?: Bench };
    // Other init scripts may run first and create it (Playwright does not promise an order).
    const b = (w.__bench ??= { longtasks: [], marks: {} });
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      /* longtask unsupported */
    }
  });
}

export interface LongTask {
  start: number;
  duration: number;
}

export async function longTasks(page: Page): Promise<LongTask[]> {
  return page.evaluate(() => (window as unknown as { __bench?: { longtasks: LongTask[] } }).__bench?.longtasks ?? []);
}
