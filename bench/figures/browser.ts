/**
 * The figures measured in the real app, in headless Chromium (system binary, persistent
 * profile), served by our relay from a build in a temp folder:
 *
 *   seeding       a fresh browser is paired with an account holding the workspace (device
 *                 settings written before the app starts); the app itself fetches everything
 *                 (its background push) into IndexedDB. Reported: time until every document is
 *                 stored (a new device, in the browser).
 *   cold start    browser relaunched on the same profile, network off, /models opened: the
 *                 service worker serves the app; time until all preset cards are painted, and
 *                 until interactive (a search typed when the list appears has been applied and
 *                 painted, and the main thread then stays free of long tasks for 500 ms).
 *   conversation  offline (so the background push does not compete), /chat opened, then the
 *                 1,000-message conversation clicked in the sidebar: time until its messages are
 *                 painted; DOM size afterwards.
 *   streaming     online, a new chat, 2,000 tokens at 200 tokens/s from the fake Ollama: long
 *                 tasks (> 50 ms) during the stream, document changes per second (conversation +
 *                 workspace), document growth vs the answer's text bytes (read from the relay's
 *                 copy with a Node client once synced).
 */
import * as A from '@automerge/automerge';
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import type { BrowserContext, Page } from '@playwright/test';
import { Cleanups, figure, median, now, round, sleep, tempDir, waitFor, type BenchContext, type Figure } from '../lib/common.ts';
import { buildApp } from '../lib/app-build.ts';
import { connectClient, findRetrying, prepareOurAccounts } from '../lib/clients.ts';
import { getTemplate } from '../lib/dataset.ts';
import { installTemplate, paragraphs, codeBlock, prng } from '../lib/seed.ts';
import { spawnRelay, type RelayProc } from '../lib/procs.ts';
import { firstPage, instrument, launch, longTasks, storedDocCount, type LongTask } from '../lib/browser.ts';
import { startFakeOllama, DEMO_MODELS, type FakeOllama } from '../../tests/fake-ollama/index.ts';
import { storedString, type ConversationDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';

export interface Env {
  relay: RelayProc;
  origin: string;
  token: string;
  workspaceUrl: AutomergeUrl;
  profile: string;
  fake: FakeOllama;
  expectedDocs: number;
  presets: number;
  longId: string | null;
}

function unmeasured(name: string, label: string, unit: string, reason: string, op?: '<=' | '>=', limit?: number): Figure {
  return figure({ name, label, value: null, unit, op, limit, note: `not measured: ${reason}` });
}

/** Writes the device settings of a paired device before the app starts (once per profile). */
async function pairBeforeStart(ctx: BrowserContext, env: Env): Promise<void> {
  await ctx.addInitScript(
    ({ ws, token, workspaceUrl, ollama }) => {
      const key = 'atelier.device';
      if (localStorage.getItem(key)) return;
      localStorage.setItem(key, JSON.stringify({ workspaceUrl, relay: { url: ws, token }, ollamaEndpoint: ollama, lastSyncAt: null }));
    },
    { ws: `${env.origin.replace(/^http/, 'ws')}/sync`, token: env.token, workspaceUrl: env.workspaceUrl, ollama: env.fake.url },
  );
}

/** Waits until the page has had no long task for `quietMs` (bounded). */
async function waitQuiet(page: Page, quietMs: number, maxMs: number): Promise<number> {
  const t0 = now();
  for (;;) {
    const [tasks, pageNow] = await Promise.all([longTasks(page), page.evaluate(() => performance.now())]);
    const lastEnd = tasks.reduce((m, t) => Math.max(m, t.start + t.duration), 0);
    if (pageNow - lastEnd >= quietMs) return now() - t0;
    if (now() - t0 > maxMs) return now() - t0;
    await sleep(500);
  }
}

// ---------------------------------------------------------------- seeding (new device, in the app)

export async function seed(env: Env, ctx: BenchContext): Promise<{ allStoredS: number; listS: number; stored: number; stalled: boolean }> {
  const context = await launch(env.profile);
  try {
    await instrument(context);
    await pairBeforeStart(context, env);
    const page = await firstPage(context);
    const consoleTail: string[] = [];
    page.on('console', (m) => {
      consoleTail.push(`${m.type()}: ${m.text().slice(0, 200)}`);
      if (consoleTail.length > 15) consoleTail.shift();
    });
    page.on('pageerror', (e) => consoleTail.push(`pageerror: ${e.message.slice(0, 200)}`));
    const t0 = now();
    await page.goto(`${env.origin}/models`);
    let listS = NaN;
    let warned = false;
    let stored = 0;
    const limitMs = ctx.quick ? 240_000 : 900_000;
    // The app does not retry a document that came back "unavailable": stop waiting once nothing
    // has arrived for this long (past the library's 60 s request timeout).
    const stallMs = 75_000;
    let lastProgress = now();
    let lastProgressS = 0;
    let stalled = false;
    let lastLog = now();
    while (now() - t0 < limitMs) {
      if (Number.isNaN(listS)) {
        const cards = await page.locator('li.preset-card').count();
        if (cards >= env.presets) listS = (now() - t0) / 1000;
      }
      const count = await storedDocCount(page);
      if (count > stored) {
        stored = count;
        lastProgress = now();
        lastProgressS = (now() - t0) / 1000;
      }
      if (stored >= env.expectedDocs) break;
      if (stored > 0 && now() - lastProgress > stallMs) {
        stalled = true;
        ctx.log(`    seeding: stalled at ${stored}/${env.expectedDocs} (nothing new for ${stallMs / 1000} s)`);
        break;
      }
      if (!warned && stored <= 0 && now() - t0 > 30_000) {
        warned = true;
        const relayTail = env.relay.output().split('\n').slice(-8).join('\n      ');
        const shown = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
        ctx.log(`    seeding: nothing stored after 30 s. Page: "${shown}"\n    console:\n      ${consoleTail.join('\n      ')}\n    relay:\n      ${relayTail}`);
      }
      if (now() - lastLog > 15_000) {
        ctx.log(`    seeding: ${stored}/${env.expectedDocs} documents in IndexedDB after ${((now() - t0) / 1000).toFixed(0)} s`);
        lastLog = now();
      }
      await sleep(1000);
    }
    const allStoredS = stalled || stored < env.expectedDocs ? lastProgressS : (now() - t0) / 1000;
    // The service worker must control the page before the offline runs.
    await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated', null, {
      timeout: 30_000,
    });
    // A reload right after the worker turned active can still come back uncontrolled (seen in
    // quick mode, where seeding ends within a second of the install): reload again.
    for (let attempt = 1; ; attempt++) {
      await page.reload();
      const controlled = await page
        .waitForFunction(() => Boolean(navigator.serviceWorker.controller), null, { timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (controlled) break;
      if (attempt === 3) throw new Error('the page is not controlled by the service worker after 3 reloads');
    }
    // let the repo write what it holds before the browser closes
    await sleep(3000);
    return { allStoredS, listS, stored, stalled };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- cold start offline

interface ColdStart {
  firstCard: number;
  allCards: number;
  interactive: number;
  longTaskCount: number;
  longTaskMs: number;
}

export async function coldStart(env: Env): Promise<ColdStart> {
  const context = await launch(env.profile);
  try {
    await instrument(context);
    // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
    await context.addInitScript(`(() => {
      if (location.pathname !== '/models') return;
      const expected = ${env.presets};
      const m = (window.__bench ??= { longtasks: [], marks: {} }).marks;
      function afterPaint(cb) { requestAnimationFrame(() => setTimeout(cb, 0)); }
      let phase = 0;
      const obs = new MutationObserver(() => {
        const cards = document.querySelectorAll('li.preset-card').length;
        if (phase === 0 && cards > 0) {
          phase = 1;
          afterPaint(() => { m.firstCard = performance.now(); });
        }
        if (phase === 1 && cards >= expected) {
          phase = 2;
          afterPaint(() => {
            m.allCards = performance.now();
            // the first thing a person does: search
            const input = document.querySelector('.models-page input[type="search"]');
            if (!input) { m.noSearch = 1; return; }
            input.value = 'Preset 1';
            input.dispatchEvent(new Event('input', { bubbles: true }));
            afterPaint(() => {
              m.inputApplied = performance.now();
              m.filtered = document.querySelectorAll('li.preset-card').length;
              obs.disconnect();
            });
          });
        }
      });
      obs.observe(document, { childList: true, subtree: true });
    })();`);
    await context.setOffline(true);
    const page = await firstPage(context);
    await page.goto(`${env.origin}/models`, { waitUntil: 'commit', timeout: 30_000 });
    const readMarks = () => page.evaluate(() => (window as unknown as { __bench?: { marks: Record<string, number> } }).__bench?.marks ?? {});
    let marks: Record<string, number> = {};
    const deadline = Date.now() + 60_000;
    while (marks.inputApplied === undefined) {
      if (Date.now() > deadline) {
        const cards = await page.locator('li.preset-card').count();
        const probe = await page.evaluate(() => ({ bench: typeof (window as unknown as { __bench?: unknown }).__bench, sw: Boolean(navigator.serviceWorker.controller) }));
        throw new Error(`the models list did not complete offline within 60 s (marks ${JSON.stringify(marks)}, ${cards} cards, ${page.url()}, ${JSON.stringify(probe)})`);
      }
      await sleep(100);
      marks = await readMarks();
    }
    // TTI-style: from the later of "list painted" and "search applied", no long task for 500 ms
    let t = Math.max(marks.allCards!, marks.inputApplied!);
    await page.waitForFunction((since: number) => performance.now() > since + 1500, t, { timeout: 30_000 });
    const tasks = (await longTasks(page)).sort((a, b) => a.start - b.start);
    for (const lt of tasks) if (lt.start < t + 500 && lt.start + lt.duration > t) t = lt.start + lt.duration;
    const before = tasks.filter((lt) => lt.start < t);
    return {
      firstCard: marks.firstCard!,
      allCards: marks.allCards!,
      interactive: t,
      longTaskCount: before.length,
      longTaskMs: before.reduce((s, lt) => s + lt.duration, 0),
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- open a long conversation

interface OpenResult {
  renderMs: number;
  /** until the live (interactive) list is painted, when the first paint was a saved view */
  liveMs: number;
  domNodes: number;
  listNodes: number;
  turns: number;
  sidebarItems: number;
}

async function openConversation(page: Page, env: Env): Promise<OpenResult> {
  await page.goto(`${env.origin}/chat`);
  const link = page.locator(`a.conversation-link[href="/chat/${env.longId}"]`);
  await link.waitFor({ state: 'attached', timeout: 60_000 });
  await waitQuiet(page, 1000, 30_000);
  // A string, not a function: tsx would wrap the named helpers in a helper the page lacks.
  // The first paint may be the saved view of the conversation (inert, while its document
  // loads); "live" is when the real, interactive list is painted.
  const r = (await page.evaluate(`new Promise((resolve, reject) => {
    const a = document.querySelector('a.conversation-link[href="/chat/${env.longId}"]');
    if (!a) return reject(new Error('no link'));
    const timer = setTimeout(() => reject(new Error('the conversation did not render within 30 s')), 30000);
    const start = performance.now();
    let painted = 0;
    function shown(selector) {
      return [...document.querySelectorAll(selector)].some((t) => (t.textContent || '').trim().length > 0);
    }
    function afterPaint(cb) { requestAnimationFrame(() => setTimeout(cb, 0)); }
    function check() {
      if (painted === 0 && shown('.message-scroll .turn')) {
        painted = -1;
        afterPaint(() => { painted = performance.now(); check(); });
      }
      if (painted > 0 && shown('.message-scroll:not(.message-preview) .turn')) {
        obs.disconnect();
        afterPaint(() => { clearTimeout(timer); resolve({ start, painted, live: performance.now() }); });
      }
    }
    const obs = new MutationObserver(check);
    obs.observe(document.body, { childList: true, subtree: true, characterData: true });
    a.click();
  })`)) as { start: number; painted: number; live: number };
  await sleep(1500);
  const dom = await page.evaluate(() => ({
    domNodes: document.getElementsByTagName('*').length,
    listNodes: document.querySelector('.message-scroll')?.getElementsByTagName('*').length ?? 0,
    turns: document.querySelectorAll('.message-scroll .turn').length,
    sidebarItems: document.querySelectorAll('.conversation-list > li').length,
  }));
  return { renderMs: r.painted - r.start, liveMs: r.live - r.start, ...dom };
}

// ---------------------------------------------------------------- streaming

export function answerText(tokens: number): string {
  const rand = prng(7);
  const parts: string[] = [];
  let n = 0;
  const count = (s: string) => (s.match(/\s*\S+|\s+/g) ?? []).filter((p) => /\S/.test(p)).length;
  while (n < tokens) {
    const block = parts.length % 4 === 3 ? codeBlock(rand, 8) : parts.length % 4 === 1 ? `- ${paragraphs(rand, 12)}\n- ${paragraphs(rand, 10)}` : paragraphs(rand, 60);
    parts.push(block);
    n += count(block);
  }
  // trim to exactly `tokens` words
  const words = parts.join('\n\n').match(/\s*\S+/g) ?? [];
  return words.slice(0, tokens).join('');
}

interface StreamResult {
  seconds: number;
  longTasks: LongTask[];
  changes: number;
  workspaceChanges: number;
  growth: number;
  rawChangeBytes: number;
  answerBytes: number;
}

async function selectModelIfNeeded(page: Page): Promise<void> {
  const button = page.locator('button.selector-button').first();
  await button.waitFor({ timeout: 30_000 });
  const label = (await button.getAttribute('aria-label')) ?? '';
  if (/llama3\.2/.test(label)) return;
  await button.click();
  await page.getByRole('option', { name: /^llama3\.2/ }).first().click();
}

async function stream(page: Page, env: Env, tokens: number, tps: number): Promise<StreamResult> {
  await page.locator('button.new-chat').click();
  await selectModelIfNeeded(page);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(`Benchmark question ${Date.now()}`);
  const text = answerText(tokens);
  env.fake.scriptChat({ content: text, tokensPerSecond: tps });
  const before = env.fake.requests.length;
  const pageStart = await page.evaluate(() => performance.now());
  const t0 = now();
  await box.press('Enter');
  await waitFor(() => env.fake.requests.length > before, 'the chat request', 20_000, 20);
  await waitFor(() => env.fake.inFlight() === 0, 'the stream to end', tokens / tps * 1000 * 3 + 30_000, 50);
  const seconds = (now() - t0) / 1000;
  await sleep(1000); // the app writes the last piece and settles the answer
  const pageEnd = await page.evaluate(() => performance.now());
  const tasks = (await longTasks(page)).filter((t) => t.start >= pageStart && t.start <= pageEnd);
  const id = /\/chat\/([^/?#]+)/.exec(page.url())?.[1];
  if (!id) throw new Error(`no conversation id in ${page.url()}`);

  // the relay's copy, once the answer has synced
  const client = connectClient(env.relay.syncUrl());
  try {
    await client.connected();
    const ws = await findRetrying<WorkspaceDoc>(client, env.workspaceUrl);
    await waitFor(() => Boolean(ws.doc()?.conversations[id]), 'the conversation entry on the relay', 30_000, 100);
    const conv: DocHandle<ConversationDoc> = await findRetrying<ConversationDoc>(client, storedString(ws.doc()!.conversations[id]!.url) as AutomergeUrl);
    const answer = () => Object.values(conv.doc()?.messages ?? {}).find((m) => m.role === 'assistant');
    await waitFor(() => answer()?.status === 'done', 'the finished answer on the relay', 30_000, 100);
    const final = conv.doc()!;
    const answerId = answer()!.id;
    const changes = A.getAllChanges(final);
    let partial = A.init<ConversationDoc>();
    let firstContent = changes.length;
    for (let i = 0; i < changes.length; i++) {
      [partial] = A.applyChanges(partial, [changes[i]!]);
      if (storedString(partial.messages?.[answerId]?.content ?? '').length > 0) {
        firstContent = i;
        break;
      }
    }
    const beforeDoc = A.applyChanges(A.init<ConversationDoc>(), changes.slice(0, firstContent))[0];
    const growth = A.save(final).length - A.save(beforeDoc).length;
    const streamChanges = changes.slice(firstContent);
    const fromS = Math.floor(Date.now() / 1000 - seconds - 5);
    const workspaceChanges = A.getAllChanges(ws.doc()!).filter((c) => A.decodeChange(c).time >= fromS).length;
    return {
      seconds,
      longTasks: tasks,
      changes: streamChanges.length,
      workspaceChanges,
      growth,
      rawChangeBytes: streamChanges.reduce((s, c) => s + c.length, 0),
      answerBytes: Buffer.byteLength(storedString(answer()!.content), 'utf8'),
    };
  } finally {
    await client.close();
  }
}

// ---------------------------------------------------------------- the group

export async function browserFigures(ctx: BenchContext): Promise<Figure[]> {
  const cleanups = new Cleanups();
  const out: Figure[] = [];
  const runs = ctx.quick ? 2 : 3;
  try {
    const [{ distDir }, t] = await Promise.all([buildApp(), getTemplate(ctx)]);
    const dataDir = tempDir('browser');
    const acc = (await prepareOurAccounts(dataDir, ['browser']))[0]!;
    const installed = await installTemplate(t, acc.docsDir, { withLong: true, workspaceUrl: acc.workspaceUrl as AutomergeUrl });
    const relay = await spawnRelay('ours', { dataDir, staticDir: distDir });
    cleanups.add(() => relay.stop());
    const fake = await startFakeOllama({ models: DEMO_MODELS, tokensPerSecond: 200 });
    cleanups.add(() => fake.close());
    const env: Env = {
      relay,
      origin: relay.url,
      token: acc.token,
      workspaceUrl: installed.workspaceUrl,
      profile: tempDir('chromium-profile'),
      fake,
      expectedDocs: installed.entries.length + 1,
      presets: t.presets.length,
      longId: t.long?.id ?? null,
    };
    const scaled = ctx.quick ? ` (quick mode: ${t.presets.length} presets + ${t.conversations.length} conversations)` : '';
    ctx.log(`  app served by our relay at ${env.origin}; workspace of ${t.presets.length} presets + ${t.conversations.length} conversations + 1 long`);

    // seeding
    let seeded = false;
    try {
      const s = await seed(env, ctx);
      seeded = s.stored >= env.expectedDocs;
      ctx.log(`  seeding (new device, in the app): ${s.stored}/${env.expectedDocs} documents stored in ${s.allStoredS.toFixed(1)} s; models list complete after ${s.listS.toFixed(1)} s`);
      const stored = figure({
        name: 'browser-new-device-all-stored',
        label: `new device in the app: all ${env.expectedDocs} docs in IndexedDB`,
        value: round(s.allStoredS),
        unit: 's',
        op: '<=',
        limit: 35,
        note: `${seeded ? 'all stored' : `only ${s.stored}/${env.expectedDocs} stored (value: time of the last one)${s.stalled ? '; the app stopped fetching' : ''}`}; models list complete after ${round(s.listS)} s; one run (it seeds the profile for the next figures)${scaled}`,
      });
      if (!seeded) stored.met = false;
      out.push(
        stored,
        figure({
          name: 'browser-new-device-missing',
          label: 'new device in the app: documents never stored',
          value: env.expectedDocs - s.stored,
          unit: 'docs',
          op: '<=',
          limit: 0,
          note: 'the app does not retry a document that came back "unavailable"',
        }),
      );
    } catch (err) {
      out.push(unmeasured('browser-new-device-all-stored', 'new device in the app: all docs in IndexedDB', 's', (err as Error).message, '<=', 35));
    }

    // cold start offline
    try {
      const results: ColdStart[] = [];
      await coldStart(env); // warm-up
      for (let r = 0; r < runs; r++) {
        const c = await coldStart(env);
        results.push(c);
        ctx.log(
          `  cold start ${r + 1}: first card ${c.firstCard.toFixed(0)} ms, all ${env.presets} cards ${c.allCards.toFixed(0)} ms, interactive ${c.interactive.toFixed(0)} ms (${c.longTaskCount} long tasks, ${c.longTaskMs.toFixed(0)} ms)`,
        );
      }
      const note = `headless Chromium relaunched on the same profile, network off; median of ${runs} runs after a warm-up${seeded ? '' : '; WARNING: seeding was incomplete'}${scaled}`;
      out.push(
        figure({
          name: 'cold-start-models-painted',
          label: `cold start offline: models list painted (${env.presets} cards)`,
          value: round(median(results.map((c) => c.allCards)), 0),
          unit: 'ms',
          op: '<=',
          limit: 1000,
          runs: results.map((c) => round(c.allCards, 0)),
          note: `${note}; first card at ${round(median(results.map((c) => c.firstCard)), 0)} ms`,
        }),
        figure({
          name: 'cold-start-interactive',
          label: 'cold start offline: interactive',
          value: round(median(results.map((c) => c.interactive)), 0),
          unit: 'ms',
          op: '<=',
          limit: 1500,
          runs: results.map((c) => round(c.interactive, 0)),
          note: `search applied + 500 ms without long tasks; long tasks before: ${round(median(results.map((c) => c.longTaskCount)), 0)} (${round(median(results.map((c) => c.longTaskMs)), 0)} ms)`,
        }),
      );
    } catch (err) {
      const why = (err as Error).message.split('\n')[0]!;
      out.push(
        unmeasured('cold-start-models-painted', 'cold start offline: models list painted', 'ms', why, '<=', 1000),
        unmeasured('cold-start-interactive', 'cold start offline: interactive', 'ms', why, '<=', 1500),
      );
    }

    // open the long conversation (offline: no background push competing)
    if (!env.longId) {
      out.push(unmeasured('open-conversation-render', 'open a 1,000-message conversation', 'ms', 'no long conversation in the data set', '<=', 300));
    } else {
      try {
        const context = await launch(env.profile);
        cleanups.add(() => context.close().catch(() => undefined));
        await instrument(context);
        await context.setOffline(true);
        const page = await firstPage(context);
        const results: OpenResult[] = [];
        await openConversation(page, env); // warm-up
        for (let r = 0; r < runs; r++) {
          const o = await openConversation(page, env);
          results.push(o);
          ctx.log(`  open conversation ${r + 1}: painted after ${o.renderMs.toFixed(0)} ms (live list ${o.liveMs.toFixed(0)} ms); ${o.turns} turns in the DOM, ${o.listNodes} nodes in the list, ${o.domNodes} in the page (${o.sidebarItems} sidebar items)`);
        }
        await context.close();
        const last = results.at(-1)!;
        out.push(
          figure({
            name: 'open-conversation-render',
            label: 'open a 1,000-message conversation: first render',
            value: round(median(results.map((o) => o.renderMs)), 0),
            unit: 'ms',
            op: '<=',
            limit: 300,
            runs: results.map((o) => round(o.renderMs, 0)),
            note: `click in the sidebar → messages painted (page freshly loaded, document read from IndexedDB); median of ${runs} runs after a warm-up; the live, interactive list (after the document is loaded, when the first paint is the saved view) at ${round(median(results.map((o) => o.liveMs)), 0)} ms`,
          }),
          figure({
            name: 'open-conversation-turns-in-dom',
            label: 'open a 1,000-message conversation: turns in the DOM',
            value: last.turns,
            unit: 'turns',
            op: '<=',
            limit: 50,
            note: `virtualised list; ${last.listNodes} elements in the message list, ${last.domNodes} in the whole page (sidebar: ${last.sidebarItems} conversations rendered). Target: a small window of the 1,000 messages (≤ 5%)`,
          }),
        );
      } catch (err) {
        out.push(unmeasured('open-conversation-render', 'open a 1,000-message conversation: first render', 'ms', (err as Error).message.split('\n')[0]!, '<=', 300));
      }
    }

    // streaming (online)
    try {
      const tokens = ctx.quick ? 1000 : 2000;
      const tps = 200;
      const context = await launch(env.profile);
      cleanups.add(() => context.close().catch(() => undefined));
      await instrument(context);
      const page = await firstPage(context);
      await page.goto(`${env.origin}/chat`);
      await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 60_000 });
      const quietAfter = await waitQuiet(page, 3000, ctx.quick ? 60_000 : 240_000);
      ctx.log(`  chat page online: main thread quiet after ${(quietAfter / 1000).toFixed(0)} s (the background push loads every document)`);
      await stream(page, env, 100, tps); // warm-up
      const streamRuns = runs;
      const results: StreamResult[] = [];
      for (let r = 0; r < streamRuns; r++) {
        const s = await stream(page, env, tokens, tps);
        results.push(s);
        const over = s.longTasks.filter((t) => t.duration > 50);
        ctx.log(
          `  stream ${r + 1}: ${s.seconds.toFixed(1)} s, ${over.length} long tasks (max ${Math.max(0, ...over.map((t) => t.duration)).toFixed(0)} ms), ${s.changes} conversation changes + ${s.workspaceChanges} workspace changes, growth ${s.growth} B for ${s.answerBytes} B of text (raw changes ${s.rawChangeBytes} B)`,
        );
      }
      await context.close();
      const note = `${tokens} tokens at ${tps} tokens/s from the fake Ollama into a new chat; median of ${results.length} runs after a warm-up${ctx.quick ? ' (quick mode: 1,000 tokens instead of 2,000)' : ''}`;
      out.push(
        figure({
          name: 'stream-long-tasks',
          label: 'streaming: main-thread tasks > 50 ms',
          value: median(results.map((s) => s.longTasks.length)),
          unit: 'tasks',
          op: '<=',
          limit: 0,
          runs: results.map((s) => s.longTasks.length),
          note: `${note}; longest ${round(Math.max(0, ...results.flatMap((s) => s.longTasks.map((t) => t.duration))), 0)} ms`,
        }),
        figure({
          name: 'stream-changes-per-second',
          label: 'streaming: document changes per second',
          value: round(median(results.map((s) => (s.changes + s.workspaceChanges) / s.seconds)), 1),
          unit: 'changes/s',
          op: '<=',
          limit: 10,
          runs: results.map((s) => round((s.changes + s.workspaceChanges) / s.seconds, 1)),
          note: `conversation + workspace changes during the stream (conversation alone: ${round(median(results.map((s) => s.changes / s.seconds)), 1)}/s)`,
        }),
        figure({
          name: 'stream-doc-growth-ratio',
          label: 'streaming: document growth / answer text bytes',
          value: round(median(results.map((s) => s.growth / s.answerBytes)), 2),
          unit: '×',
          op: '<=',
          limit: 2,
          runs: results.map((s) => round(s.growth / s.answerBytes, 2)),
          note: `saved (compacted) size before vs after; answer ${results[0]?.answerBytes ?? '?'} B; uncompacted change bytes / text: ${round(median(results.map((s) => s.rawChangeBytes / s.answerBytes)), 2)}×`,
        }),
      );
    } catch (err) {
      const why = (err as Error).message.split('\n')[0]!;
      out.push(
        unmeasured('stream-long-tasks', 'streaming: main-thread tasks > 50 ms', 'tasks', why, '<=', 0),
        unmeasured('stream-changes-per-second', 'streaming: document changes per second', 'changes/s', why, '<=', 10),
        unmeasured('stream-doc-growth-ratio', 'streaming: document growth / answer text bytes', '×', why, '<=', 2),
      );
    }
    return out;
  } finally {
    await cleanups.run();
  }
}
