import type { Repo } from '@automerge/automerge-repo';
import { addPresetEntry, newId, replacePresetFields, storablePreset, type PresetDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { ImportedPreset } from '../../shared/openwebui/types.ts';
import { presetFromImport } from '../../shared/openwebui/codec.ts';
import { uniqueSlug } from '../../shared/presets/slug.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { dataUrlToBytes, saveBlob } from './blobs.ts';
import { createKnowledgeDoc } from '../knowledge/pending.ts';
import type { PresetItem } from './presets-context.tsx';

export type ImportChoice = 'create' | 'replace' | 'keep-both' | 'skip';

export interface PlannedImport {
  item: ImportedPreset;
  /** a preset of this workspace with the same model ID */
  existing: PresetItem | undefined;
  choice: ImportChoice;
}

export interface ImportCounts {
  created: number;
  replaced: number;
  kept: number;
  skipped: number;
}

/** New items are created; items whose model ID exists wait for the person's choice (default: keep both). */
export function planImport(items: readonly ImportedPreset[], presets: readonly PresetItem[]): PlannedImport[] {
  const bySlug = new Map(presets.map((p) => [p.doc()?.slug, p] as const));
  return items.map((item) => {
    const existing = bySlug.get(item.slug);
    return { item, existing, choice: existing ? 'keep-both' : 'create' };
  });
}

function avatarFor(repo: Repo, item: ImportedPreset): string | null {
  const parsed = item.avatarDataUrl ? dataUrlToBytes(item.avatarDataUrl) : null;
  return parsed ? saveBlob(repo, parsed.mime, parsed.data) : null;
}

/** A knowledge document for each entry that carried its text (an export or share link); null for the others. */
function documentsFor(repo: Repo, item: ImportedPreset): Array<string | null> {
  return item.knowledge.map((k) =>
    k.document ? createKnowledgeDoc(repo, { name: k.name, type: k.document.mime, size: k.document.size, text: k.document.text }, k.document.wholeDocument).url : null,
  );
}

/**
 * Applies a plan. Parsing and validation happened before (a broken file never gets
 * here), so every write below is of a complete, valid preset.
 */
export function applyImport(
  repo: Repo,
  workspace: DocStore<WorkspaceDoc>,
  plan: readonly PlannedImport[],
  taken: ReadonlySet<string>,
): ImportCounts {
  const counts: ImportCounts = { created: 0, replaced: 0, kept: 0, skipped: 0 };
  const slugs = new Set(taken);
  const now = Date.now();
  for (const { item, existing, choice } of plan) {
    if (choice === 'skip') {
      counts.skipped++;
      continue;
    }
    if (choice === 'replace' && existing) {
      const handle = existing.opened.store()?.handle;
      if (!handle) {
        counts.skipped++;
        continue;
      }
      const fresh = presetFromImport(item, { id: existing.id, avatar: avatarFor(repo, item), now, knowledgeUrls: documentsFor(repo, item) });
      handle.change((d) => replacePresetFields(d, fresh, Date.now()));
      counts.replaced++;
      continue;
    }
    const slug = slugs.has(item.slug) ? uniqueSlug(item.slug, slugs) : item.slug;
    slugs.add(slug);
    const id = newId();
    const doc = presetFromImport(item, { id, slug, avatar: avatarFor(repo, item), now, knowledgeUrls: documentsFor(repo, item) });
    const handle = repo.create<PresetDoc>(storablePreset(doc));
    workspace.change((d) => addPresetEntry(d, id, handle.url));
    if (choice === 'keep-both') counts.kept++;
    else counts.created++;
  }
  return counts;
}
