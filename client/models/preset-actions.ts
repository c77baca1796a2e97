import type { Repo } from '@automerge/automerge-repo';
import { addPresetEntry, moveToTrash, newId, storablePreset, type PresetDoc, type PresetView, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { clonePresetFields } from '../../shared/presets/clone.ts';
import { withUniqueSlugs } from '../../shared/presets/unique-slugs.ts';
import type { OwuiCarriedDocument, OwuiModel } from '../../shared/openwebui/types.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { blobDataUrl } from './blobs.ts';
import { downloadText } from './download.ts';
import { communityCreateUrl, communityOrigin } from './community-url.ts';

/** `nameSuffix`: the localised "(Clone)" added to the copy's name. */
export function clonePreset(repo: Repo, workspace: DocStore<WorkspaceDoc>, source: PresetView, taken: ReadonlySet<string>, nameSuffix: string): PresetView {
  const copy = clonePresetFields(source, newId(), taken, Date.now(), nameSuffix);
  const handle = repo.create<PresetDoc>(storablePreset(copy));
  workspace.change((d) => addPresetEntry(d, copy.id, handle.url));
  return copy;
}

export function trashPreset(workspace: DocStore<WorkspaceDoc>, id: string): void {
  workspace.change((d) => moveToTrash(d.presets[id]));
}

/*
 * The Open WebUI exporter (and the share link's deflate) are loaded when a person exports or
 * shares, not with the models list: they are not needed to show it.
 */
const exporter = () => import('../../shared/openwebui/export.ts');

export async function toOpenWebUI(repo: Repo, p: PresetView, documents?: ReadonlyMap<string, OwuiCarriedDocument>): Promise<OwuiModel> {
  const [{ presetToOpenWebUI }, avatar] = await Promise.all([exporter(), blobDataUrl(repo, p.avatar)]);
  return presetToOpenWebUI(p, avatar, documents);
}

/** What an export carried, for the message shown after it (a size warning when documents went along). */
export interface ExportReport {
  /** documents whose text is in the file */
  documents: number;
  /** UTF-8 bytes of that text */
  bytes: number;
  /** names of documents that could not be opened on this device, so are not in the file */
  unavailable: string[];
}

const carrier = () => import('./carry-documents.ts');

/** The text an export of `presets` writes, and what it carried. */
async function exportText(repo: Repo, presets: readonly PresetView[]): Promise<{ json: string; report: ExportReport }> {
  const [m, { carryDocuments }] = await Promise.all([exporter(), carrier()]);
  const docs = await carryDocuments(repo, presets);
  const els = await Promise.all(presets.map((p) => toOpenWebUI(repo, p, docs.byUrl)));
  return { json: m.exportJson(els), report: { documents: docs.count, bytes: docs.bytes, unavailable: docs.unavailable } };
}

async function exportPresets(repo: Repo, presets: readonly PresetView[], fileName: (m: Awaited<ReturnType<typeof exporter>>) => string): Promise<ExportReport> {
  const [m, { json, report }] = await Promise.all([exporter(), exportText(repo, presets)]);
  downloadText(fileName(m), json);
  return report;
}

/** Exactly what Export writes for `p` (the JSON preview shows it). */
export async function previewJson(repo: Repo, p: PresetView): Promise<string> {
  return (await exportText(repo, [p])).json;
}

/** A link that opens a new chat with the preset; its id is the same on every paired device. */
export function chatLink(id: string, appOrigin = location.origin): string {
  return `${appOrigin}/chat?preset=${encodeURIComponent(id)}`;
}

export function exportOne(repo: Repo, p: PresetView): Promise<ExportReport> {
  return exportPresets(repo, [p], (m) => m.exportFileName('one', p.slug, Date.now()));
}

export function exportAll(repo: Repo, presets: readonly PresetView[]): Promise<ExportReport> {
  // Open WebUI keys models by ID: two with one ID (devices that have not met yet) would be one
  // there, so the file gets the IDs the devices will agree on when they meet.
  return exportPresets(repo, withUniqueSlugs(presets), (m) => m.exportFileName('all', null, Date.now()));
}

/**
 * Longest share link carrying documents: well under browsers' URL limits (Chrome: 2 MB) and
 * still usable pasted into mail or chat. A longer one goes without the documents' text.
 */
export const SHARE_LINK_MAX_CHARS = 64_000;

export interface SharedLink {
  link: string;
  /** documents whose text is in the link */
  documents: number;
  /** names of documents left out because the link would be too long */
  tooLarge: string[];
  /** names of documents left out because they could not be opened on this device */
  unavailable: string[];
}

/** A link that opens Atelier's import screen with the preset inside the fragment (no server sees it). */
export async function shareLink(repo: Repo, p: PresetView, appOrigin = location.origin): Promise<SharedLink> {
  const [{ encodeSharePayload, SHARE_MAX_BYTES }, { carryDocuments, leaveOut }] = await Promise.all([import('../../shared/share/link.ts'), carrier()]);
  const docs = await carryDocuments(repo, [p]);
  const make = async (d: ReadonlyMap<string, OwuiCarriedDocument>) => {
    const el = await toOpenWebUI(repo, p, d);
    // the receiver refuses a payload that inflates past SHARE_MAX_BYTES (very repetitive text)
    const bytes = new TextEncoder().encode(JSON.stringify(el)).length;
    return { link: `${appOrigin}/import#share=${encodeSharePayload(el)}`, bytes };
  };
  const full = await make(docs.byUrl);
  const fits = full.link.length <= SHARE_LINK_MAX_CHARS && full.bytes <= SHARE_MAX_BYTES;
  if (fits || docs.count === 0) return { link: full.link, documents: docs.count, tooLarge: [], unavailable: docs.unavailable };
  const carried = (url: string | null) => {
    const d = url ? docs.byUrl.get(url) : undefined;
    return d !== undefined && !('left_out' in d);
  };
  const tooLarge = Object.values(p.knowledge)
    .filter((k) => !k.externalId && carried(k.url))
    .map((k) => String(k.name));
  return { link: (await make(leaveOut(docs, 'too-large'))).link, documents: 0, tooLarge, unavailable: docs.unavailable };
}

/** Our documents, each marked as not shared: their text stays out of a public community post. */
function notShared(p: PresetView): Map<string, OwuiCarriedDocument> {
  const m = new Map<string, OwuiCarriedDocument>();
  for (const k of Object.values(p.knowledge)) if (k.url && !k.externalId) m.set(k.url, { left_out: 'not-shared' });
  return m;
}

/**
 * As Open WebUI does (Models.svelte): open `<community>/models/create`; when that tab posts
 * 'loaded', post `JSON.stringify(model)` to it. The tab is opened before anything is awaited
 * (a popup blocker allows it only during the click) and the listener is in place at once, so a
 * 'loaded' that comes before the model is ready is not missed. Needs the page's
 * Cross-Origin-Opener-Policy to keep the opened tab's `opener` (same-origin-allow-popups).
 * Returns false when the browser blocked the tab.
 */
export function shareToCommunity(repo: Repo, p: PresetView): boolean {
  const origin = communityOrigin();
  const tab = window.open(communityCreateUrl(origin), '_blank');
  if (!tab) return false;
  let loaded = false;
  let json: string | null = null;
  const stop = () => window.removeEventListener('message', onMessage);
  const send = () => {
    if (!loaded || json === null) return;
    tab.postMessage(json, origin);
    stop();
  };
  function onMessage(e: MessageEvent) {
    if (e.source !== tab || e.origin !== origin || e.data !== 'loaded') return;
    loaded = true;
    send();
  }
  window.addEventListener('message', onMessage);
  void toOpenWebUI(repo, p, notShared(p)).then((el) => {
    json = JSON.stringify(el);
    send();
  });
  // a tab that never answers does not keep the listener for the page's life
  setTimeout(stop, 10 * 60_000);
  return true;
}

