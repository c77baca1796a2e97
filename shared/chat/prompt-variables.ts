/*
 * System prompt variables, as Open WebUI fills them: written `{{NAME}}` in a preset's system
 * prompt and replaced when the request is built (never stored filled in). Formats follow Open
 * WebUI so a prompt written there reads the same here: date YYYY-MM-DD and time HH:MM:SS in the
 * device's local time, the weekday's English name. A `{{…}}` that is not one of these is left as
 * it is (it may be meant for the model).
 */

export const PROMPT_VARIABLES = ['CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_WEEKDAY', 'USER_NAME', 'USER_LANGUAGE'] as const;

export type PromptVariable = (typeof PROMPT_VARIABLES)[number];

export interface PromptVariableContext {
  /** the moment the request is built */
  now: Date;
  /** the person's name (workspace settings); '' when not set */
  userName: string;
  /** the app's language on this device, a BCP 47 tag (`en`, `fr`) */
  language: string;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const two = (n: number): string => String(n).padStart(2, '0');

export function promptVariableValue(name: PromptVariable, ctx: PromptVariableContext): string {
  const d = ctx.now;
  switch (name) {
    case 'CURRENT_DATE':
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
    case 'CURRENT_TIME':
      return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    case 'CURRENT_WEEKDAY':
      return WEEKDAYS[d.getDay()] ?? '';
    case 'USER_NAME':
      return ctx.userName;
    case 'USER_LANGUAGE':
      return ctx.language;
  }
}

const PATTERN = /\{\{\s*(CURRENT_DATE|CURRENT_TIME|CURRENT_WEEKDAY|USER_NAME|USER_LANGUAGE)\s*\}\}/g;

/** `text` with every known variable replaced (one pass: a filled value is never read again). */
export function fillPromptVariables(text: string, ctx: PromptVariableContext): string {
  return text.replace(PATTERN, (_, name: PromptVariable) => promptVariableValue(name, ctx));
}

/** The variables `text` uses, in PROMPT_VARIABLES order (the editor says which ones need a setting). */
export function usedPromptVariables(text: string): PromptVariable[] {
  const used = new Set<string>();
  for (const m of text.matchAll(PATTERN)) if (m[1]) used.add(m[1]);
  return PROMPT_VARIABLES.filter((v) => used.has(v));
}

/** The text to insert for a variable. */
export function promptVariableToken(name: PromptVariable): string {
  return `{{${name}}}`;
}
