/**
 * Relay memory: 10 accounts × 2,000 conversation documents, one client per account connected
 * and synced (every document requested and received, as a new device does; protocol-level
 * clients, see lib/raw-client.ts), then the clients leave and the relay is left idle. Our relay runs as `npm start` runs it
 * (compiled, with its node options: server/relay-build.mjs); RSS is VmRSS from /proc/PID/status, the median of 5 samples a second apart.
 *
 * Idle unloading keeps the relay's defaults except the account idle timeout, shortened so the
 * run does not wait minutes (see idleEnv).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AutomergeUrl } from '@automerge/automerge-repo';
import { Cleanups, figure, median, now, ROOT, round, sleep, tempDir, type BenchContext, type Figure } from '../lib/common.ts';
import { prepareOurAccounts } from '../lib/clients.ts';
import { connectRawClient } from '../lib/raw-client.ts';
import { getTemplate } from '../lib/dataset.ts';
import { installTemplate } from '../lib/seed.ts';
import { spawnRelay, type RelayProc } from '../lib/procs.ts';
import { loadConfig } from '../../server/config.ts';

/**
 * Idle settings for the run. The document idle timeout and the loaded-documents cap stay at the
 * relay's defaults (they shape the "synced" figure); only the account idle timeout is shortened,
 * so that "after clients leave + idle timeout" does not take minutes. Variable names are read
 * from server/config.ts; the effective values from its loadConfig().
 */
export function idleEnv(quick: boolean): { env: Record<string, string>; names: string[]; waitMs: number; effective: string } {
  let source = '';
  try {
    source = readFileSync(path.join(ROOT, 'server/config.ts'), 'utf8');
  } catch {
    /* no config */
  }
  const names = [...new Set([...source.matchAll(/['"]([A-Z][A-Z0-9_]*)['"]/g)].map((m) => m[1]!))].filter((n) => /IDLE|LOADED/.test(n));
  const env: Record<string, string> = {};
  const accountVar = names.find((n) => /IDLE/.test(n) && /ACCOUNT/.test(n) && /_MS$/.test(n));
  if (accountVar) env[accountVar] = String(quick ? 3_000 : 10_000);
  let waitMs = 30_000;
  let effective = 'unknown';
  try {
    const cfg = loadConfig({ ...process.env, ...env }) as unknown as { idle?: { documentMs?: number; accountMs?: number; maxLoadedDocuments?: number } };
    if (cfg.idle) {
      effective = Object.entries(cfg.idle)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
      // closing an idle account unloads all of its documents; without it, documents go one by one
      waitMs = (cfg.idle.accountMs ?? 0) > 0 ? cfg.idle.accountMs! : Math.min(cfg.idle.documentMs ?? 30_000, 60_000);
    }
  } catch {
    /* an older config.ts */
  }
  return { env, names, waitMs, effective };
}

async function rssSample(relay: RelayProc, samples = 5): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < samples; i++) {
    xs.push(relay.rssMb());
    if (i < samples - 1) await sleep(1000);
  }
  return median(xs);
}

export async function relayMemory(ctx: BenchContext): Promise<Figure[]> {
  const accountsN = 10;
  const perAccount = ctx.quick ? 40 : 2000;
  const t = await getTemplate(ctx);
  if (t.conversations.length < perAccount) throw new Error('template too small');
  const cleanups = new Cleanups();
  try {
    const dataDir = tempDir('memory');
    const accounts = await prepareOurAccounts(
      dataDir,
      Array.from({ length: accountsN }, (_, i) => `mem${i}`),
    );
    const t0 = now();
    const docIds: string[][] = [];
    for (const a of accounts) {
      const inst = await installTemplate(t, a.docsDir, { presets: 0, conversations: perAccount, workspaceUrl: a.workspaceUrl as AutomergeUrl });
      docIds.push([inst.workspaceUrl, ...inst.entries.map((e) => e.url)].map((u) => u.slice('automerge:'.length)));
    }
    ctx.log(`  ${accountsN} accounts × ${perAccount} conversations installed in ${((now() - t0) / 1000).toFixed(1)} s`);

    const idle = idleEnv(ctx.quick);
    ctx.log(
      idle.names.length
        ? `  idle settings: ${Object.entries(idle.env).map(([k, v]) => `${k}=${v}`).join(', ') || 'defaults'} (effective: ${idle.effective})`
        : '  idle unloading: no IDLE variable in server/config.ts; measuring after a plain wait',
    );
    const relay = await spawnRelay('ours', { dataDir, env: idle.env });
    cleanups.add(() => relay.stop());
    const rssStart = await rssSample(relay, 3);

    // One client per account, all at once, each asking for its whole workspace (50 requests in
    // flight, as the app's background push). Protocol-level clients: they receive every
    // document but do not apply it, so the relay, not this process, sets the pace.
    const t1 = now();
    let peak = rssStart;
    const peakTimer = setInterval(() => {
      try {
        peak = Math.max(peak, relay.rssMb());
      } catch {
        /* exited */
      }
    }, 500);
    cleanups.add(() => clearInterval(peakTimer));
    const clients = await Promise.all(accounts.map((a) => connectRawClient(relay.syncUrl(a.token))));
    cleanups.add(() => Promise.all(clients.map((c) => c.close())));
    // a request the relay never answers counts as unavailable after this (a Repo would wait 60 s)
    const perDocTimeoutMs = ctx.quick ? 15_000 : 60_000;
    const synced = await Promise.all(clients.map((c, i) => c.fetchAll(docIds[i]!, 50, perDocTimeoutMs)));
    const arrived = synced.reduce((s, r) => s + r.arrived, 0);
    const failed = synced.reduce((s, r) => s + r.unavailable, 0);
    const disconnects = relay
      .output()
      .split('\n')
      .filter((l) => /disconnected|closed /.test(l));
    ctx.log(
      `  ${arrived} documents synced (${failed} unavailable) in ${((now() - t1) / 1000).toFixed(0)} s; relay logged ${disconnects.length} disconnects${disconnects.length ? `, e.g. "${disconnects[0]!.slice(0, 160)}"` : ''}`,
    );
    await sleep(2000);
    const rssSynced = await rssSample(relay);
    clearInterval(peakTimer);
    ctx.log(`  RSS: start ${rssStart.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, synced (10 clients connected) ${rssSynced.toFixed(0)} MB`);

    await Promise.all(clients.map((c) => c.close()));
    const waitMs = idle.waitMs + 3_000;
    ctx.log(`  clients left; waiting ${(waitMs / 1000).toFixed(0)} s, then until RSS stops falling (at most 30 s more)`);
    await sleep(waitMs);
    let rssIdle = await rssSample(relay, 3);
    for (let i = 0; i < 5; i++) {
      await sleep(3000);
      const next = await rssSample(relay, 3);
      const falling = next < rssIdle - 5;
      rssIdle = Math.min(rssIdle, next);
      if (!falling) break;
    }
    const unloadLines = relay
      .output()
      .split('\n')
      .filter((l) => /unload|idle/i.test(l));
    ctx.log(`  RSS after idle: ${rssIdle.toFixed(0)} MB (relay log lines about unloading/idle: ${unloadLines.length})`);
    const scaled = ctx.quick ? ` (quick mode: ${perAccount} per account instead of 2,000)` : '';
    const idleNote = idle.names.length
      ? `measured ${Math.round(waitMs / 1000)} s+ after the clients left; idle settings ${idle.effective}${Object.keys(idle.env).length ? ` (set for the bench: ${Object.entries(idle.env).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}; ${unloadLines.length} unload/idle log lines`
      : 'server/config.ts has no idle-unloading variable yet: measured after clients left and a plain wait';
    return [
      figure({
        name: 'relay-rss-synced',
        label: `relay RSS, ${accountsN} accounts × ${perAccount} docs, ${accountsN} clients synced`,
        value: round(rssSynced, 0),
        unit: 'MB',
        op: '<=',
        limit: 300,
        note: `start ${round(rssStart, 0)} MB, peak ${round(peak, 0)} MB; ${arrived} docs synced, ${failed} unavailable${scaled}`,
      }),
      figure({
        name: 'relay-memory-unavailable',
        label: 'relay memory run: documents "unavailable" to the 10 clients',
        value: failed,
        unit: 'docs',
        op: '<=',
        limit: 0,
        note: `of ${arrived + failed} requested by 10 clients at once (one per account)`,
      }),
      figure({
        name: 'relay-rss-idle',
        label: 'relay RSS after clients leave + idle timeout',
        value: round(rssIdle, 0),
        unit: 'MB',
        op: '<=',
        limit: 120,
        note: idleNote + scaled,
      }),
    ];
  } finally {
    await cleanups.run();
  }
}
