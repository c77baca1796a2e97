import type { AutomergeUrl, Repo } from '@automerge/automerge-repo';
import { addPresetEntry, moveToTrash, newId, type PresetDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { clonePresetFields } from '../../shared/presets/clone.ts';
import type { OwuiModel } from '../../shared/openwebui/types.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { blobDataUrl } from './blobs.ts';
import { downloadText } from './download.ts';

/** The Open WebUI community page that receives a shared model. */
export const OPENWEBUI_SHARE_URL = 'https://openwebui.com/post?type=model';

/** `nameSuffix`: the localised "(Clone)" added to the copy's name. */
export function clonePreset(repo: Repo, workspace: DocStore<WorkspaceDoc>, source: PresetDoc, taken: ReadonlySet<string>, nameSuffix: string): PresetDoc {
  const copy = clonePresetFields(source, newId(), taken, Date.now(), nameSuffix);
  const handle = repo.create<PresetDoc>(copy);
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

export async function toOpenWebUI(repo: Repo, p: PresetDoc): Promise<OwuiModel> {
  const [{ presetToOpenWebUI }, avatar] = await Promise.all([exporter(), blobDataUrl(repo, p.avatar)]);
  return presetToOpenWebUI(p, avatar);
}

export async function exportOne(repo: Repo, p: PresetDoc): Promise<void> {
  const [{ exportFileName, exportJson }, el] = await Promise.all([exporter(), toOpenWebUI(repo, p)]);
  downloadText(exportFileName('one', p.slug, Date.now()), exportJson([el]));
}

export async function exportAll(repo: Repo, presets: readonly PresetDoc[]): Promise<void> {
  const [{ exportFileName, exportJson }, els] = await Promise.all([exporter(), Promise.all(presets.map((p) => toOpenWebUI(repo, p)))]);
  downloadText(exportFileName('all', null, Date.now()), exportJson(els));
}

/** A link that opens Atelier's import screen with the preset inside the fragment (no server sees it). */
export async function shareLink(repo: Repo, p: PresetDoc, appOrigin = location.origin): Promise<string> {
  const [{ encodeSharePayload }, element] = await Promise.all([import('../../shared/share/link.ts'), toOpenWebUI(repo, p)]);
  return `${appOrigin}/import#share=${encodeSharePayload(element)}`;
}

/**
 * As Open WebUI does: open the community page, and when it posts 'loaded',
 * post the model JSON to it.
 */
export async function shareToCommunity(repo: Repo, p: PresetDoc): Promise<void> {
  const tab = window.open(OPENWEBUI_SHARE_URL, '_blank');
  if (!tab) return;
  const json = JSON.stringify(await toOpenWebUI(repo, p));
  const origin = new URL(OPENWEBUI_SHARE_URL).origin;
  const onMessage = (e: MessageEvent) => {
    if (e.source !== tab || e.origin !== origin || e.data !== 'loaded') return;
    tab.postMessage(json, origin);
    window.removeEventListener('message', onMessage);
  };
  window.addEventListener('message', onMessage);
  // Stop listening if the tab never answers.
  setTimeout(() => window.removeEventListener('message', onMessage), 5 * 60_000);
}

export function presetUrl(workspace: DocStore<WorkspaceDoc>, id: string): AutomergeUrl | undefined {
  return workspace.doc.presets[id]?.url as AutomergeUrl | undefined;
}
