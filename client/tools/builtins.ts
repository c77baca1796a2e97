import { evaluate } from '../../shared/tools/calc.ts';
import type { ToolType } from '../../shared/schema/tool.ts';

/*
 * Built-in tools and actions, ready in every workspace (ids starting with `builtin:`).
 * They run in the page: they are our own code, not the user's.
 */

export interface ToolFunction {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface Builtin {
  id: string;
  toolType: ToolType;
  /** i18n key under tools.builtin */
  key: 'clock' | 'calculator' | 'copyMarkdown';
  functions: ToolFunction[];
  run?(name: string, args: Record<string, unknown>): string;
  /** actions: runs on the answer's Markdown, returns a note for the person */
  act?(markdown: string): Promise<'copied'>;
}

export const BUILTINS: Builtin[] = [
  {
    id: 'builtin:clock',
    toolType: 'tool',
    key: 'clock',
    functions: [
      {
        name: 'get_current_datetime',
        description: 'The current date, time, weekday and time zone of the user.',
        parameters: { type: 'object', properties: {} },
      },
    ],
    run() {
      const now = new Date();
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const local = now.toLocaleString('en-GB', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
      return JSON.stringify({ iso: now.toISOString(), local, timeZone: zone });
    },
  },
  {
    id: 'builtin:calculator',
    toolType: 'tool',
    key: 'calculator',
    functions: [
      {
        name: 'calculator',
        description: 'Evaluate an arithmetic expression exactly (+ - * / % ^, parentheses, sqrt, sin, cos, tan, log, ln, abs, round, min, max, pi, e).',
        parameters: { type: 'object', properties: { expression: { type: 'string', description: 'e.g. (3 + 4) * 2 ^ 3' } }, required: ['expression'] },
      },
    ],
    run(_name, args) {
      const v = evaluate(String(args.expression ?? ''));
      return Number.isFinite(v) ? String(Number(v.toPrecision(15))) : String(v);
    },
  },
  {
    id: 'builtin:copy-markdown',
    toolType: 'action',
    key: 'copyMarkdown',
    functions: [],
    async act(markdown) {
      await navigator.clipboard.writeText(markdown);
      return 'copied';
    },
  },
];

export function builtinById(id: string): Builtin | undefined {
  return BUILTINS.find((b) => b.id === id);
}
