import type { ParamValue } from '../schema/preset.ts';
import { validateParam, type ParamError } from '../params/catalogue.ts';

/*
 * Reading an Ollama Modelfile into preset fields, following Ollama's parser
 * (parser/parser.go): instructions are case-insensitive; `#` starts a comment only at the
 * start of a line; a value is the rest of the line, or a "quoted" / """triple-quoted"""
 * text that may span lines and ends on a line ending with the closing quotes.
 *
 * Kept: FROM (base model), SYSTEM, PARAMETER (num_predict becomes max_tokens; stop may
 * repeat). Last FROM / SYSTEM / parameter wins, as in Ollama. TEMPLATE, ADAPTER, LICENSE,
 * MESSAGE and the other instructions are ignored with a warning. Where Ollama stops with an
 * error on a bad line or parameter, this parser warns and goes on; only a missing FROM or an
 * unclosed quote fails.
 */

export type ModelfileWarning =
  | { code: 'instruction-ignored'; instruction: string; line: number }
  | { code: 'instruction-unknown'; instruction: string; line: number }
  | { code: 'line-unparsed'; line: number }
  | { code: 'param-unsupported'; key: string; line: number }
  | { code: 'param-invalid'; key: string; line: number; error: ParamError }
  | { code: 'from-replaced'; from: string; to: string }
  | { code: 'from-local-path'; from: string };

export type ModelfileError = { code: 'modelfile-no-from' } | { code: 'modelfile-unterminated'; line: number };

export interface ModelfilePreset {
  baseModel: string;
  system: string;
  params: Record<string, ParamValue>;
}

export type ModelfileResult =
  | { ok: true; preset: ModelfilePreset; warnings: ModelfileWarning[] }
  | { ok: false; error: ModelfileError };

const IGNORED = new Set(['template', 'adapter', 'license', 'message', 'draft', 'renderer', 'parser', 'requires']);

/** Ollama's parameter names that differ from ours. */
const RENAMED: Record<string, string> = { num_predict: 'max_tokens' };

/** `# FROM name` in the header `ollama show --modelfile` writes above a FROM that points at a blob. */
const FROM_HINT = /^#\s*FROM\s+(\S+)\s*$/i;

function looksLikePath(s: string): boolean {
  return (
    /^(?:\/|\.{1,2}[\\/]|~|[A-Za-z]:[\\/]|\\)/.test(s) ||
    /\.(?:gguf|bin|safetensors)$/i.test(s) ||
    /sha256[-:][0-9a-f]{16,}/i.test(s)
  );
}

function unquote(s: string): string | null {
  if (s.startsWith('"""')) return s.length >= 6 && s.endsWith('"""') ? s.slice(3, -3) : null;
  if (s.startsWith('"')) return s.length >= 2 && s.endsWith('"') ? s.slice(1, -1) : null;
  return s;
}

interface Command {
  name: string;
  /** parameter name or message role */
  sub: string;
  value: string;
  line: number;
}

type Lexed = { ok: true; commands: Command[]; hints: string[]; unparsed: number[] } | { ok: false; line: number };

function lex(text: string): Lexed {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const commands: Command[] = [];
  const hints: string[] = [];
  const unparsed: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.replace(/^[ \t]+/, '');
    if (line === '') continue;
    if (line.startsWith('#')) {
      const hint = FROM_HINT.exec(line);
      if (hint) hints.push(hint[1]!);
      continue;
    }
    const head = /^([A-Za-z]+)(?:[ \t]+|$)/.exec(line);
    if (!head) {
      unparsed.push(lineNo);
      continue;
    }
    const name = head[1]!.toLowerCase();
    let rest = line.slice(head[0].length);
    let sub = '';
    if (name === 'parameter' || name === 'message') {
      const m = (name === 'parameter' ? /^([A-Za-z0-9_]+)[ \t]+/ : /^([A-Za-z]+)[ \t]+/).exec(rest);
      if (!m) {
        unparsed.push(lineNo);
        continue;
      }
      sub = m[1]!;
      rest = rest.slice(m[0].length);
    }
    // a quoted value runs until a line where the whole value ends with its closing quotes
    let buf = rest;
    let value = unquote(buf.trim());
    while (value === null) {
      i++;
      if (i >= lines.length) return { ok: false, line: lineNo };
      buf += '\n' + lines[i]!;
      value = unquote(buf.trim());
    }
    commands.push({ name, sub, value, line: lineNo });
  }
  return { ok: true, commands, hints, unparsed };
}

export function parseModelfile(text: string): ModelfileResult {
  const lexed = lex(text);
  if (!lexed.ok) return { ok: false, error: { code: 'modelfile-unterminated', line: lexed.line } };

  const warnings: ModelfileWarning[] = lexed.unparsed.map((line) => ({ code: 'line-unparsed', line }));
  const ignoredSeen = new Set<string>();
  let from: string | null = null;
  let system = '';
  const params: Record<string, ParamValue> = {};
  const stops: string[] = [];
  let stopLine = 0;

  for (const c of lexed.commands) {
    switch (c.name) {
      case 'from':
        from = c.value.trim();
        break;
      case 'system':
        system = c.value.trim();
        break;
      case 'parameter': {
        const lower = c.sub.toLowerCase();
        const key = RENAMED[lower] ?? lower;
        if (key === 'stop') {
          if (c.value !== '') stops.push(c.value);
          stopLine ||= c.line;
          break;
        }
        const r = validateParam(key, c.value.trim());
        if (r.ok) params[key] = r.value;
        else if (r.error.code === 'param-unknown') warnings.push({ code: 'param-unsupported', key: lower, line: c.line });
        else warnings.push({ code: 'param-invalid', key, line: c.line, error: r.error });
        break;
      }
      default:
        if (IGNORED.has(c.name)) {
          if (!ignoredSeen.has(c.name)) warnings.push({ code: 'instruction-ignored', instruction: c.name, line: c.line });
          ignoredSeen.add(c.name);
        } else warnings.push({ code: 'instruction-unknown', instruction: c.name, line: c.line });
    }
  }

  if (from === null || from === '') return { ok: false, error: { code: 'modelfile-no-from' } };

  if (stops.length > 0) {
    const r = validateParam('stop', stops);
    if (r.ok) params.stop = r.value;
    else warnings.push({ code: 'param-invalid', key: 'stop', line: stopLine, error: r.error });
  }

  let baseModel = from;
  if (looksLikePath(from)) {
    const hint = lexed.hints.at(-1);
    if (hint !== undefined && !looksLikePath(hint)) {
      baseModel = hint;
      warnings.push({ code: 'from-replaced', from, to: hint });
    } else warnings.push({ code: 'from-local-path', from });
  }

  const lineOf = (w: ModelfileWarning): number => ('line' in w ? w.line : Number.POSITIVE_INFINITY);
  warnings.sort((a, b) => lineOf(a) - lineOf(b));
  return { ok: true, preset: { baseModel, system, params }, warnings };
}
