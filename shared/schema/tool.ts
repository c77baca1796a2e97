import * as v from 'valibot';
import { KIND, SCHEMA } from './kinds.ts';
import { looseAs } from './loose.ts';

export const ToolTypeSchema = v.picklist(['tool', 'filter', 'action']);
export type ToolType = v.InferOutput<typeof ToolTypeSchema>;

/** What a tool's code may reach over the network (shared/tools/network.ts). */
export const ToolNetworkSchema = v.object({ all: v.boolean(), origins: v.array(v.string()) });
export type ToolNetwork = v.InferOutput<typeof ToolNetworkSchema>;

/**
 * A user-written tool, filter or action: a small JavaScript source run in a sandboxed
 * frame (client/tools/sandbox-browser.ts). Listed in the workspace's `tools` index.
 */
export const ToolSchema = v.object({
  schema: v.number(),
  kind: v.literal(KIND.tool),
  /** internal id, also the key in the workspace index and in presets' toolIds/filterIds/actionIds */
  id: v.string(),
  toolType: ToolTypeSchema,
  name: v.string(),
  description: v.string(),
  /** collaborative text: edit with updateText */
  code: v.string(),
  /**
   * what the code may reach over the network; absent = nothing (added after schema 1). Not
   * validated: its one reader (storedGrant, shared/tools/network.ts) takes anything malformed as
   * no network and keeps only well-formed origins, so a tool is never refused over it.
   */
  network: v.optional(looseAs(ToolNetworkSchema)),
  createdAt: v.number(),
  updatedAt: v.number(),
});
export type ToolDoc = v.InferOutput<typeof ToolSchema>;

export function initialTool(
  f: { id: string; toolType: ToolType; name: string; description?: string; code: string; network?: ToolNetwork | null },
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
