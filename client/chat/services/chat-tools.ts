import type { PresetView } from '../../../shared/schema/index.ts';

export type ToolPreset = Pick<PresetView, 'toolIds' | 'filterIds' | 'chatOff'>;

export interface ChatTool {
  id: string;
  on: boolean;
}

/**
 * The tools and filters of the chat's presets, each once (the first preset listing it decides
 * its default), on or off in this chat: the person's choice here, else the preset's default
 * (`chatOff`: present but off until switched on).
 */
export function chatToolsOf(presets: readonly ToolPreset[], choice: Readonly<Record<string, boolean>>): ChatTool[] {
  const out: ChatTool[] = [];
  for (const p of presets) {
    for (const id of [...Object.keys(p.toolIds), ...Object.keys(p.filterIds)]) {
      if (out.some((x) => x.id === id)) continue;
      out.push({ id, on: choice[id] ?? !p.chatOff?.[id] });
    }
  }
  return out;
}

/** the ids switched off in this chat, which an answer's hooks leave out */
export function offInChat(tools: readonly ChatTool[]): Set<string> {
  return new Set(tools.filter((x) => !x.on).map((x) => x.id));
}
