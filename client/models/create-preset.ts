import type { Repo } from '@automerge/automerge-repo';
import { addPresetEntry, initialPreset, newId, storablePreset, type PresetDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DocStore } from '../store/create-doc-store.ts';

/** Creates the preset's own document first, then lists it in the workspace index. */
export function createPreset(
  repo: Repo,
  workspace: DocStore<WorkspaceDoc>,
  fields: { slug: string; name: string; baseModel: string },
  fill?: (d: PresetDoc) => void,
): string {
  const id = newId();
  const handle = repo.create<PresetDoc>(storablePreset(initialPreset({ id, ...fields })));
  if (fill) handle.change((d) => fill(d));
  workspace.change((d) => addPresetEntry(d, id, handle.url));
  return id;
}
