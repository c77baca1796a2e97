import { KIND, SCHEMA } from './kinds.ts';

export type ToolType = 'tool' | 'filter' | 'action';

/**
 * A user-written tool, filter or action: a small JavaScript source run in a sandboxed
 * frame (client/tools/sandbox-browser.ts). Listed in the workspace's `tools` index.
 */
export type ToolDoc = {
  schema: number;
  kind: typeof KIND.tool;
  /** internal id, also the key in the workspace index and in presets' toolIds/filterIds/actionIds */
  id: string;
  toolType: ToolType;
  name: string;
  description: string;
  /** collaborative text: edit with updateText */
  code: string;
  /** what the code may reach over the network (shared/tools/network.ts); absent = nothing */
  network?: { all: boolean; origins: string[] };
  createdAt: number;
  updatedAt: number;
};

export function initialTool(
  f: { id: string; toolType: ToolType; name: string; description?: string; code: string; network?: { all: boolean; origins: string[] } | null },
  now = Date.now(),
): ToolDoc {
  return {
    schema: SCHEMA.tool,
    kind: KIND.tool,
    id: f.id,
    toolType: f.toolType,
    name: f.name,
    description: f.description ?? '',
    code: f.code,
    createdAt: now,
    updatedAt: now,
    ...(f.network ? { network: { all: f.network.all, origins: [...f.network.origins] } } : {}),
  };
}
