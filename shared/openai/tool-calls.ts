import type { ToolCallFragment } from './sse.ts';

/*
 * OpenAI streams a tool call in pieces under `delta.tool_calls[]`: the first piece of call
 * `index` carries its id and function name, the next ones append to its `arguments` text (a
 * JSON document split anywhere, even inside a string). The calls are only usable once the
 * stream ends, in index order.
 */

export interface AccumulatedToolCall {
  id: string;
  function: { name: string; arguments: string };
}

export interface ToolCallAccumulator {
  push(fragments: readonly ToolCallFragment[]): void;
  /** the calls so far, by index; a call that never got a name is dropped */
  calls(): AccumulatedToolCall[];
}

export function createToolCallAccumulator(): ToolCallAccumulator {
  const byIndex = new Map<number, { id: string; name: string; args: string }>();
  return {
    push(fragments) {
      for (const f of fragments) {
        const cur = byIndex.get(f.index) ?? { id: '', name: '', args: '' };
        if (f.id) cur.id = f.id;
        // names arrive whole (in the first piece; some servers repeat them on every piece)
        if (f.name) cur.name = f.name;
        if (f.arguments) cur.args += f.arguments;
        byIndex.set(f.index, cur);
      }
    },
    calls() {
      return [...byIndex.entries()]
        .sort(([a], [b]) => a - b)
        .filter(([, c]) => c.name !== '')
        .map(([i, c]) => ({ id: c.id || `call_${i}`, function: { name: c.name, arguments: c.args || '{}' } }));
    },
  };
}
