import { createResource, type Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import { entryState, storedString, type ToolDoc, type ToolType, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { openDoc } from '../repo/open-doc.ts';
import { useRepo } from '../repo/repo-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { storedGrant, type NetworkGrant } from '../../shared/tools/network.ts';
import { BUILTINS } from './builtins.ts';

/** A tool, filter or action as the pickers and the chat see it. */
export interface ToolItem {
  id: string;
  toolType: ToolType;
  name: string;
  builtin: boolean;
  /** automerge URL for user tools */
  url: string | null;
  code: string;
  /** network access granted to user code; null = none */
  network: NetworkGrant | null;
}

export async function loadUserTools(repo: Repo, ws: Pick<WorkspaceDoc, 'tools'> | undefined): Promise<ToolItem[]> {
  const out: ToolItem[] = [];
  const entries = Object.entries(ws?.tools ?? {}).filter(([, e]) => entryState(e) === 'live');
  await Promise.all(
    entries.map(async ([id, e]) => {
      const url = storedString(e.url);
      const opened = await openDoc<ToolDoc>(repo, url, 'atelier/tool');
      if (opened.status !== 'ok' && opened.status !== 'newer') return;
      const d = opened.handle.doc();
      out.push({ id, toolType: d.toolType, name: d.name, builtin: false, url, code: String(d.code), network: storedGrant(d.network) });
    }),
  );
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Built-ins (names from `builtinName`) then the workspace's own, reloaded when the index
 * changes or `revision` does (an edit changes a tool's document, not the index).
 */
export function createToolList(builtinName: (key: string) => string, revision: Accessor<number> = () => 0): Accessor<ToolItem[]> {
  const { repo } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const key = () => `${revision()}:${JSON.stringify(workspace()?.doc.tools ?? {})}`;
  const [user] = createResource(key, () => loadUserTools(repo, workspace()?.doc));
  return () => [
    ...BUILTINS.map((b) => ({ id: b.id, toolType: b.toolType, name: builtinName(b.key), builtin: true, url: null, code: '', network: null })),
    ...(user.latest ?? []),
  ];
}
