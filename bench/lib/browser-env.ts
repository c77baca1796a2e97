/**
 * What every browser figure starts from: the app built into a temp folder and served by our relay,
 * an account on it filled through protocol v2 by another device (every document one encrypted
 * snapshot, bench/lib/v2-seed.ts) and the pairing link that device would show (it carries the
 * workspace key in its fragment), and the fake Ollama. No browser profile has seen the data yet.
 */
import type { AutomergeUrl } from '@automerge/automerge-repo';
import { makePairingLink } from '../../client/sync/pairing-link.ts';
import { startFakeOllama, DEMO_MODELS, type FakeOllama } from '../../tests/fake-ollama/index.ts';
import { tempDir, type BenchContext, type Cleanups } from './common.ts';
import { buildApp } from './app-build.ts';
import { getTemplate } from './dataset.ts';
import { spawnRelay, type RelayProc } from './procs.ts';
import type { TemplateEntry } from './seed.ts';
import { prepareV2Accounts } from './v2-accounts.ts';
import { templateDocBytes, uploadDocs, workspaceBytes, type SeedDoc, type WorkspaceEntry } from './v2-seed.ts';

export interface BrowserEnv {
  relay: RelayProc;
  origin: string;
  /** the link a paired device shows in Settings › Sync (relay, token, key, workspace) */
  pairingLink: string;
  workspaceUrl: AutomergeUrl;
  fake: FakeOllama;
  presets: TemplateEntry[];
  conversations: TemplateEntry[];
  /** the 1,000-message conversation (1 in 10 with a code block), listed last: newest in the sidebar */
  long: TemplateEntry;
  /** documents a device holds once synced: the account's workspace + every preset and conversation */
  expectedDocs: number;
  /** their document ids (as in IndexedDB keys) */
  docIds: string[];
  /** "(quick mode: …)" or "" */
  scaled: string;
}

export async function prepareBrowserEnv(ctx: BenchContext, cleanups: Cleanups): Promise<BrowserEnv> {
  const [{ distDir }, t] = await Promise.all([buildApp(), getTemplate(ctx)]);
  if (!t.long) throw new Error('the data set has no long conversation');
  const dataDir = tempDir('browser');
  const [account] = await prepareV2Accounts(dataDir, ['browser']);
  const workspaceId = account!.workspaceUrl.slice('automerge:'.length);
  const entries = [...t.presets, ...t.conversations, t.long];
  const listed: WorkspaceEntry[] = entries.map((e) => ({ kind: e.kind, id: e.id, docId: e.url.slice('automerge:'.length), title: e.title, model: e.model }));
  const docs: SeedDoc[] = [{ id: workspaceId, bytes: workspaceBytes(listed) }, ...entries.map((e) => ({ id: e.url.slice('automerge:'.length), bytes: templateDocBytes(t, e) }))];

  const relay = await spawnRelay('ours', { dataDir, staticDir: distDir });
  cleanups.add(() => relay.stop());
  const t0 = Date.now();
  await uploadDocs(relay.syncUrl(), account!, docs);
  ctx.log(`  seeded the account through protocol v2: ${docs.length} documents in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const fake = await startFakeOllama({ models: DEMO_MODELS, tokensPerSecond: 200 });
  cleanups.add(() => fake.close());
  return {
    relay,
    origin: relay.url,
    pairingLink: makePairingLink(relay.url, { relay: relay.syncUrl(), token: account!.token, key: account!.key, workspace: account!.workspaceUrl }),
    workspaceUrl: account!.workspaceUrl as AutomergeUrl,
    fake,
    presets: t.presets,
    conversations: t.conversations,
    long: t.long,
    expectedDocs: docs.length,
    docIds: docs.map((d) => d.id),
    scaled: ctx.quick ? ` (quick mode: ${t.presets.length} presets + ${t.conversations.length} conversations + the long one)` : '',
  };
}
