/**
 * The figures measured in the live app, in headless Chromium (system binary, persistent profiles),
 * served by our relay from a build in a temp folder; every one on data its browser profile never
 * saw before it (bench/lib/browser-env.ts: the account filled through protocol v2, a fresh profile
 * paired by the link). One scenario per file:
 *   browser-new-device.ts         pairing a fresh profile: titles listed, everything in IndexedDB
 *   browser-cold-start.ts         cold start offline to the live models list / chat page, interactive
 *   browser-open-conversation.ts  a 1,000-message conversation never opened on the device
 *   browser-streaming.ts          streaming into it right after a cold start; a large code block
 * What is a live, interactive UI is defined once, in bench/lib/app-probes.ts; times are read on
 * the page's clock after the frame that shows them (bench/lib/browser.ts). Quick mode runs the
 * same scenarios on a smaller workspace (bench/lib/dataset.ts), fewer runs, a shorter stream and
 * a smaller code block, and says so in every note.
 */
import { Cleanups, figure, median, round, type BenchContext, type Figure } from '../lib/common.ts';
import { prepareBrowserEnv, type BrowserEnv } from '../lib/browser-env.ts';
import { copyProfile, firstPage, instrument, launch, longest, useOllamaEndpoint } from '../lib/browser.ts';
import { describeNewDevice, newDeviceRun, type NewDeviceRun } from './browser-new-device.ts';
import { coldStart, type ColdStart, type ColdStartPage } from './browser-cold-start.ts';
import { openNeverOpened, type OpenRun } from './browser-open-conversation.ts';
import { reopenLargeBlock, streamInto, streamLargeBlock, type BlockStream, type StreamRun } from './browser-streaming.ts';

/** The figures of this group, for run.ts's "not measured" rows. */
export const BROWSER_FIGURES = [
  { name: 'browser-new-device-titles', label: 'new device in the app: conversation titles listed (live sidebar)', unit: 's', target: '<= 1' },
  { name: 'browser-new-device-models-listed', label: 'new device in the app: every preset in the live models list', unit: 's', target: '<= 1' },
  { name: 'browser-new-device-all-stored', label: 'new device in the app: every document in IndexedDB', unit: 's', target: '<= 5' },
  { name: 'browser-new-device-missing', label: 'new device in the app: documents never stored', unit: 'docs', target: '<= 0' },
  { name: 'cold-start-models-interactive', label: 'cold start offline: live models list interactive', unit: 'ms', target: '<= 800' },
  { name: 'cold-start-chat-interactive', label: 'cold start offline: live chat page (last conversation) interactive', unit: 'ms', target: '<= 1000' },
  { name: 'open-conversation-interactive', label: 'open a 1,000-message conversation never opened here: live list interactive', unit: 'ms', target: '<= 150' },
  { name: 'stream-long-tasks', label: 'streaming into the long conversation right after a cold start: tasks > 50 ms', unit: 'tasks', target: '<= 0' },
  { name: 'large-code-block-stream-longest-task', label: 'a large code block streamed: longest task', unit: 'ms', target: '<= 50' },
  { name: 'large-code-block-reopen-longest-task', label: 'a large code block reopened at a later start: longest task', unit: 'ms', target: '<= 50' },
] as const;

type FigureName = (typeof BROWSER_FIGURES)[number]['name'];

function unmeasured(name: FigureName, reason: string): Figure {
  const f = BROWSER_FIGURES.find((x) => x.name === name)!;
  const [op, limit] = f.target.split(' ') as ['<=', string];
  return figure({ name, label: f.label, value: null, unit: f.unit, op, limit: Number(limit), note: `not measured: ${reason}` });
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
const ms = (xs: number[]) => round(median(xs), 0);

async function newDeviceFigures(env: BrowserEnv, ctx: BenchContext): Promise<{ figures: Figure[]; seeded: string }> {
  const runs: NewDeviceRun[] = [];
  for (const kind of ['models', 'chat'] as const) {
    const r = await newDeviceRun(env, ctx, kind);
    ctx.log(`  ${describeNewDevice(r, env)}`);
    runs.push(r);
  }
  const [models, chat] = runs as [NewDeviceRun, NewDeviceRun];
  const complete = runs.filter((r) => r.stored >= env.expectedDocs);
  const retried = runs.filter((r) => r.retries > 0).map((r) => `${r.kind} run: ${r.retries}`);
  const note = `fresh profile, pairing link opened, timed from the first press on "Pair this device" (page clock, after paint)${retried.length ? `; the app gave up waiting for the shared workspace and the button was pressed again (${retried.join(', ')})` : ''}${env.scaled}`;
  const stored = figure({
    name: 'browser-new-device-all-stored',
    label: `new device in the app: all ${env.expectedDocs} documents in IndexedDB`,
    value: complete.length ? round(median(complete.map((r) => r.allStoredMs / 1000)), 2) : null,
    unit: 's',
    op: '<=',
    limit: 5,
    runs: runs.map((r) => round(r.allStoredMs / 1000, 2)),
    note: `${note}; counted in the app's own IndexedDB from the page every 200 ms; median of the two runs (one staying on the models list, one opening Chat)${complete.length < runs.length ? `; INCOMPLETE: ${runs.map((r) => `${r.stored}/${env.expectedDocs}`).join(', ')}` : ''}`,
  });
  if (complete.length < runs.length) stored.met = false;
  return {
    seeded: models.profile,
    figures: [
      figure({
        name: 'browser-new-device-titles',
        label: 'new device in the app: conversation titles listed (live sidebar)',
        value: round(chat.titlesMs / 1000, 2),
        unit: 's',
        op: '<=',
        limit: 1,
        note: `${note}; Chat opened from the navigation as soon as the models page shows; until the sidebar lists the newest conversation's title; one run`,
      }),
      figure({
        name: 'browser-new-device-models-listed',
        label: `new device in the app: all ${env.presets.length} presets in the live models list`,
        value: round(models.titlesMs / 1000, 2),
        unit: 's',
        op: '<=',
        limit: 1,
        note: `${note}; until the live grid (not the saved preview) holds every card; one run`,
      }),
      stored,
      figure({
        name: 'browser-new-device-missing',
        label: 'new device in the app: documents never stored',
        value: Math.max(...runs.map((r) => Math.max(0, env.expectedDocs - r.stored))),
        unit: 'docs',
        op: '<=',
        limit: 0,
        note: "worst run; the account's document ids found in the app's IndexedDB; waiting stops after 90 s without a new document",
      }),
    ],
  };
}

function coldStartFigure(name: FigureName, label: string, limit: number, rs: ColdStart[], note: string): Figure {
  const before = rs.map((r) => r.before.length);
  return figure({
    name,
    label,
    value: ms(rs.map((r) => r.interactive)),
    unit: 'ms',
    op: '<=',
    limit,
    runs: rs.map((r) => round(r.interactive, 0)),
    note: `${note}; live shown at ${ms(rs.map((r) => r.live))} ms; saved preview painted at ${rs.every((r) => r.preview !== null) ? `${ms(rs.map((r) => r.preview!))} ms` : `${rs.filter((r) => r.preview !== null).length}/${rs.length} runs`} (reported beside, never instead); long tasks until interactive: ${round(median(before), 0)} (${ms(rs.map((r) => r.before.reduce((s, t) => s + t.duration, 0)))} ms, longest ${ms(rs.map((r) => longest(r.before)))} ms), in the second after: ${round(median(rs.map((r) => r.after.length)), 0)} (longest ${ms(rs.map((r) => longest(r.after)))} ms)`,
  });
}

async function coldStartFigures(env: BrowserEnv, ctx: BenchContext, profile: string, runs: number): Promise<Figure[]> {
  // The device used as a person would before: the models list and the long conversation shown
  // (their saved views written), then closed.
  const context = await launch(profile);
  try {
    const page = await firstPage(context);
    await page.goto(`${env.origin}/models`);
    await page.locator('ul.preset-grid:not(.preset-preview) li.preset-card').nth(env.presets.length - 1).waitFor({ timeout: 120_000 });
    await page.goto(`${env.origin}/chat/${env.long.id}`);
    await page.locator('.message-scroll:not(.message-preview) .turn').first().waitFor({ timeout: 120_000 });
    await page.getByRole('status', { name: /Sync status: Synced/ }).waitFor({ timeout: 120_000 });
  } finally {
    await context.close();
  }
  const results: Record<ColdStartPage, ColdStart[]> = { models: [], chat: [] };
  for (const which of ['models', 'chat'] as const) await coldStart(env, profile, which); // warm-up
  for (let r = 0; r < runs; r++) {
    for (const which of ['models', 'chat'] as const) {
      const c = await coldStart(env, profile, which);
      results[which].push(c);
      ctx.log(
        `  cold start ${which} ${r + 1}: preview ${c.preview === null ? '—' : c.preview.toFixed(0)} ms, live ${c.live.toFixed(0)} ms, interactive ${c.interactive.toFixed(0)} ms; ${c.before.length} long tasks before (longest ${longest(c.before).toFixed(0)} ms), ${c.after.length} in the second after`,
      );
    }
  }
  const note = `Chromium relaunched on the device's profile, network off, service worker serving the app; page clock from navigation start; median of ${runs} runs after a warm-up${env.scaled}`;
  return [
    coldStartFigure('cold-start-models-interactive', `cold start offline: live models list interactive (${env.presets.length} presets)`, 800, results.models, `${note}; /models: every card in the live grid, then a search typed has filtered it`),
    coldStartFigure('cold-start-chat-interactive', 'cold start offline: live chat page (last conversation, 1,000 messages) interactive', 1000, results.chat, `${note}; /chat/<the long conversation>: the live message list shown, then a character typed has enabled Send`),
  ];
}

async function openFigures(env: BrowserEnv, ctx: BenchContext, seeded: string, runs: number): Promise<Figure[]> {
  await openNeverOpened(env, seeded); // warm-up (file cache)
  const rs: OpenRun[] = [];
  for (let r = 0; r < runs; r++) {
    const o = await openNeverOpened(env, seeded);
    rs.push(o);
    ctx.log(`  open never-opened conversation ${r + 1}: live ${o.live.toFixed(0)} ms, interactive ${o.interactive.toFixed(0)} ms, longest task ${o.longestTask.toFixed(0)} ms${o.preview !== null ? `, a saved view at ${o.preview.toFixed(0)} ms` : ''}; ${o.turns} turns / ${o.listNodes} elements in the list, ${o.fromBottom.toFixed(0)} px from its end`);
  }
  const last = rs.at(-1)!;
  return [
    figure({
      name: 'open-conversation-interactive',
      label: `open a ${(env.long.messages ?? 1000).toLocaleString('en')}-message conversation never opened here: live list interactive`,
      value: ms(rs.map((o) => o.interactive)),
      unit: 'ms',
      op: '<=',
      limit: 150,
      runs: rs.map((o) => round(o.interactive, 0)),
      note: `each run a fresh copy of the new device's profile (the conversation's document never loaded, no saved view), offline; /chat opened and left quiet, then the sidebar link clicked; page clock from the click until the live list shows and a character typed has enabled Send; live list at ${ms(rs.map((o) => o.live))} ms; longest task ${ms(rs.map((o) => o.longestTask))} ms; ${rs.some((o) => o.preview !== null) ? 'a saved view was painted first in some runs; ' : ''}virtualised: ${last.turns} turns, ${last.listNodes} elements in the list; median of ${runs} runs after a warm-up${env.scaled}`,
    }),
  ];
}

async function streamFigures(env: BrowserEnv, ctx: BenchContext, profile: string, runs: number, tokens: number): Promise<Figure[]> {
  const rs: Array<StreamRun & { interactive: number }> = [];
  for (let r = 0; r < runs; r++) {
    let s: StreamRun | null = null;
    const c = await coldStart(env, profile, 'chat', {
      online: true,
      keep: async (page) => {
        s = await streamInto(page, env, tokens);
      },
    });
    const done = s as StreamRun | null;
    if (!done) throw new Error('the stream did not run');
    rs.push({ ...done, interactive: c.interactive });
    ctx.log(`  stream ${r + 1}: interactive after ${c.interactive.toFixed(0)} ms, ${tokens} tokens in ${done.seconds.toFixed(1)} s, ${done.tasks.length} tasks > 50 ms (longest ${longest(done.tasks).toFixed(0)} ms)`);
  }
  return [
    figure({
      name: 'stream-long-tasks',
      label: `streaming ${tokens} tokens into the long conversation right after a cold start: tasks > 50 ms`,
      value: median(rs.map((s) => s.tasks.length)),
      unit: 'tasks',
      op: '<=',
      limit: 0,
      runs: rs.map((s) => s.tasks.length),
      note: `Chromium relaunched online on the device's profile at /chat/<the long conversation>; sent as soon as it was interactive (${ms(rs.map((s) => s.interactive))} ms), sync not waited for; ${tokens} tokens at 200 tokens/s from the fake Ollama; from the Enter key until the finished answer is painted; longest ${round(Math.max(0, ...rs.flatMap((s) => s.tasks.map((t) => t.duration))), 0)} ms; median of ${runs} runs, each a new cold start${env.scaled}`,
    }),
  ];
}

interface BlockRun {
  stream: BlockStream;
  reopen: { ms: number; longestTask: number };
}

async function blockFigures(env: BrowserEnv, ctx: BenchContext, profile: string, runs: number, bytes: number): Promise<Figure[]> {
  const rs: BlockRun[] = [];
  for (let r = 0; r < runs; r++) {
    let context = await launch(profile);
    let stream: BlockStream;
    try {
      await instrument(context);
      await useOllamaEndpoint(context, env.fake.url);
      const page = await firstPage(context);
      await page.goto(`${env.origin}/chat`);
      await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 120_000 });
      stream = await streamLargeBlock(page, env, bytes, r);
      // the answer written to IndexedDB before the browser closes
      await page.getByRole('status', { name: /Sync status: Synced/ }).waitFor({ timeout: 120_000 });
    } finally {
      await context.close();
    }
    context = await launch(profile);
    try {
      await instrument(context);
      await context.setOffline(true);
      const page = await firstPage(context);
      await page.goto(`${env.origin}/chat`, { timeout: 60_000 });
      const reopen = await reopenLargeBlock(page, stream);
      rs.push({ stream, reopen });
      ctx.log(`  code block of ${Math.round(bytes / 1000)} KB ${r + 1}: streamed in ${stream.seconds.toFixed(1)} s, longest task ${stream.longestTask.toFixed(0)} ms; reopened at a later start in ${reopen.ms.toFixed(0)} ms, longest task ${reopen.longestTask.toFixed(0)} ms`);
    } finally {
      await context.close();
    }
  }
  const size = `${Math.round(bytes / 1000)} KB`;
  const note = `one answer holding a ${size} TypeScript block in a new chat, 1,000 tokens/s from the fake Ollama; median of ${runs} run${runs > 1 ? 's' : ''}${env.scaled ? ` (quick mode: ${size} instead of 200 KB)` : ''}`;
  return [
    figure({
      name: 'large-code-block-stream-longest-task',
      label: `a ${size} code block streamed: longest task`,
      value: ms(rs.map((b) => b.stream.longestTask)),
      unit: 'ms',
      op: '<=',
      limit: 50,
      runs: rs.map((b) => round(b.stream.longestTask, 0)),
      note: `${note}; from the Enter key until the block's last line is painted in the finished answer, + 1 s (long tasks > 50 ms only)`,
    }),
    figure({
      name: 'large-code-block-reopen-longest-task',
      label: `a ${size} code block reopened at a later start: longest task`,
      value: ms(rs.map((b) => b.reopen.longestTask)),
      unit: 'ms',
      op: '<=',
      limit: 50,
      runs: rs.map((b) => round(b.reopen.longestTask, 0)),
      note: `${note}; Chromium relaunched offline, /chat opened and left quiet, the conversation's sidebar link clicked: from the click until the live list shows the block and a character typed has enabled Send (${ms(rs.map((b) => b.reopen.ms))} ms), + 1 s (long tasks > 50 ms only)`,
    }),
  ];
}

/** One part of the browser group on its own: the app served and seeded, `body` run; its figures are "not measured" if it fails. */
async function alone(ctx: BenchContext, names: FigureName[], body: (env: BrowserEnv) => Promise<Figure[]>): Promise<Figure[]> {
  const cleanups = new Cleanups();
  try {
    const env = await prepareBrowserEnv(ctx, cleanups);
    ctx.log(`  app served by our relay at ${env.origin}; workspace of ${env.presets.length} presets + ${env.conversations.length} conversations + 1 of ${env.long.messages} messages`);
    return await body(env);
  } catch (err) {
    ctx.log(`  FAILED: ${firstLine(err)}`);
    return names.map((n) => unmeasured(n, firstLine(err)));
  } finally {
    await cleanups.run();
  }
}

/** The new-device figures alone (`--only=browser-new-device`): the app's first pull, without the figures that copy its profile. */
export function browserNewDeviceFigures(ctx: BenchContext): Promise<Figure[]> {
  const names: FigureName[] = ['browser-new-device-titles', 'browser-new-device-models-listed', 'browser-new-device-all-stored', 'browser-new-device-missing'];
  return alone(ctx, names, async (env) => (await newDeviceFigures(env, ctx)).figures);
}

/** The open figure alone (`--only=browser-open`): the new device's first pull (its profile), then "open a never-opened conversation". */
export function browserOpenFigures(ctx: BenchContext): Promise<Figure[]> {
  return alone(ctx, ['open-conversation-interactive'], async (env) => {
    const { seeded } = await newDeviceFigures(env, ctx);
    return await openFigures(env, ctx, seeded, ctx.quick ? 2 : 3);
  });
}

/**
 * The cold-start and streaming figures alone (`--only=browser-cold-start`): a device seeded by one
 * new-device run (its figures not reported), then used and closed, then the cold starts and the
 * streams, as in the whole group.
 */
export function browserColdStartFigures(ctx: BenchContext): Promise<Figure[]> {
  const runs = ctx.quick ? 2 : 3;
  return alone(ctx, ['cold-start-models-interactive', 'cold-start-chat-interactive', 'stream-long-tasks'], async (env) => {
    const seeded = await newDeviceRun(env, ctx, 'models');
    if (seeded.stored < env.expectedDocs) throw new Error(`the device holds ${seeded.stored}/${env.expectedDocs} documents after pairing`);
    const used = copyProfile(seeded.profile, 'profile-used');
    return [...(await coldStartFigures(env, ctx, used, runs)), ...(await streamFigures(env, ctx, used, runs, ctx.quick ? 1000 : 2000))];
  });
}

/**
 * The large-code-block figures alone (`--only=browser-large-input`): one device paired (the new-device
 * "models" run, its figures not reported), then the same block runs as in the whole group.
 */
export function browserLargeInputFigures(ctx: BenchContext): Promise<Figure[]> {
  return alone(ctx, ['large-code-block-stream-longest-task', 'large-code-block-reopen-longest-task'], async (env) => {
    const device = await newDeviceRun(env, ctx, 'models');
    ctx.log(`  device paired for the block runs (${describeNewDevice(device, env)})`);
    return await blockFigures(env, ctx, copyProfile(device.profile, 'profile-used'), ctx.quick ? 1 : 2, ctx.quick ? 50_000 : 200_000);
  });
}

export async function browserFigures(ctx: BenchContext): Promise<Figure[]> {
  const cleanups = new Cleanups();
  const out: Figure[] = [];
  const runs = ctx.quick ? 2 : 3;
  const guarded = async (names: FigureName[], fn: () => Promise<Figure[]>) => {
    try {
      out.push(...(await fn()));
    } catch (err) {
      ctx.log(`  FAILED: ${firstLine(err)}`);
      out.push(...names.map((n) => unmeasured(n, firstLine(err))));
    }
  };
  try {
    const env = await prepareBrowserEnv(ctx, cleanups);
    ctx.log(`  app served by our relay at ${env.origin}; workspace of ${env.presets.length} presets + ${env.conversations.length} conversations + 1 of ${env.long.messages} messages`);
    let seeded: string | null = null;
    await guarded(['browser-new-device-titles', 'browser-new-device-models-listed', 'browser-new-device-all-stored', 'browser-new-device-missing'], async () => {
      const r = await newDeviceFigures(env, ctx);
      seeded = r.seeded;
      return r.figures;
    });
    const device = seeded as string | null;
    const later: FigureName[] = ['cold-start-models-interactive', 'cold-start-chat-interactive', 'open-conversation-interactive', 'stream-long-tasks', 'large-code-block-stream-longest-task', 'large-code-block-reopen-longest-task'];
    if (!device) {
      out.push(...later.map((n) => unmeasured(n, 'no device: the new-device run failed')));
      return out;
    }
    // one device used from here on (cold starts, streaming, code block), the new device's profile kept untouched for "never opened"
    const used = copyProfile(device, 'profile-used');
    await guarded(['cold-start-models-interactive', 'cold-start-chat-interactive'], () => coldStartFigures(env, ctx, used, runs));
    await guarded(['open-conversation-interactive'], () => openFigures(env, ctx, device, runs));
    await guarded(['stream-long-tasks'], () => streamFigures(env, ctx, used, runs, ctx.quick ? 1000 : 2000));
    await guarded(['large-code-block-stream-longest-task', 'large-code-block-reopen-longest-task'], () => blockFigures(env, ctx, used, ctx.quick ? 1 : 2, ctx.quick ? 50_000 : 200_000));
    return out;
  } finally {
    await cleanups.run();
  }
}
