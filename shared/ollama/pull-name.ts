/**
 * What a person types or pastes in the model selector → the model name to pull.
 *
 * Accepted forms:
 *   ollama run hf.co/<creator>/<model>[:quant]      (any flags after `run`/`pull` are skipped)
 *   ollama pull <name>
 *   <name>                                          (llama3.2, qwen3:4b, user/model:tag, hf.co/u/r:Q4_K_M)
 *   https://huggingface.co/<creator>/<model>[/…]    → hf.co/<creator>/<model>
 *   https://ollama.com/library/<model>[:tag]        → <model>[:tag]
 *   https://ollama.com/<user>/<model>[:tag]         → <user>/<model>[:tag]
 *
 * Validity follows Ollama's name rules (types/model/name.go): `[host/][namespace/]model[:tag]`,
 * every part 1–80 characters (host up to 350) of letters, digits, `_`, `-`, `.`, starting with a
 * letter, digit or `_`; no `.` in the namespace; `:` only in the host (a port).
 */

export interface ModelNameParts {
  host: string;
  namespace: string;
  model: string;
  tag: string;
}

export const DEFAULT_HOST = 'registry.ollama.ai';
export const DEFAULT_NAMESPACE = 'library';
export const DEFAULT_TAG = 'latest';

type Part = 'host' | 'namespace' | 'model' | 'tag';

function isValidPart(kind: Part, s: string): boolean {
  const max = kind === 'host' ? 350 : 80;
  if (s.length < 1 || s.length > max) return false;
  if (!/^[A-Za-z0-9_]/.test(s)) return false;
  for (const c of s.slice(1)) {
    if (/[A-Za-z0-9_-]/.test(c)) continue;
    if (c === '.' && kind !== 'namespace') continue;
    if (c === ':' && kind === 'host') continue;
    return false;
  }
  return true;
}

/** Parse and fill defaults like Ollama's ParseName; null when Ollama would say "invalid model name". */
export function parseModelName(name: string): ModelNameParts | null {
  let s = name.trim();
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  let tag = '';
  let namespace = '';
  let host = '';
  let model: string;
  if (s.lastIndexOf(':') > s.lastIndexOf('/')) {
    const i = s.lastIndexOf(':');
    tag = s.slice(i + 1);
    s = s.slice(0, i);
    if (!tag) return null;
  }
  const slash = s.lastIndexOf('/');
  if (slash < 0) model = s;
  else {
    model = s.slice(slash + 1);
    s = s.slice(0, slash);
    const slash2 = s.lastIndexOf('/');
    if (slash2 < 0) namespace = s;
    else {
      namespace = s.slice(slash2 + 1);
      s = s.slice(0, slash2);
      const k = s.indexOf('://');
      host = k >= 0 ? s.slice(k + 3) : s;
      if (!host) return null;
    }
    if (!namespace || !model) return null;
  }
  const parts: ModelNameParts = {
    host: host || DEFAULT_HOST,
    namespace: namespace || DEFAULT_NAMESPACE,
    model,
    tag: tag || DEFAULT_TAG,
  };
  const ok =
    isValidPart('host', parts.host) &&
    isValidPart('namespace', parts.namespace) &&
    isValidPart('model', parts.model) &&
    isValidPart('tag', parts.tag);
  return ok ? parts : null;
}

export function isValidModelName(name: string): boolean {
  return parseModelName(name) !== null;
}

/** The name as /api/tags lists it: `llama3.2:latest`, `user/model:tag`, `hf.co/user/repo:Q4_K_M`. */
export function displayModelName(name: string): string | null {
  const p = parseModelName(name);
  if (!p) return null;
  let out = '';
  if (p.host.toLowerCase() !== DEFAULT_HOST) out = `${p.host}/${p.namespace}/`;
  else if (p.namespace.toLowerCase() !== DEFAULT_NAMESPACE) out = `${p.namespace}/`;
  return `${out}${p.model}:${p.tag}`;
}

/** Same model for Ollama (defaults filled, case-insensitive): `llama3.2` = `LLaMA3.2:latest`. */
export function sameModelName(a: string, b: string): boolean {
  const pa = parseModelName(a);
  const pb = parseModelName(b);
  if (!pa || !pb) return false;
  return (
    pa.host.toLowerCase() === pb.host.toLowerCase() &&
    pa.namespace.toLowerCase() === pb.namespace.toLowerCase() &&
    pa.model.toLowerCase() === pb.model.toLowerCase() &&
    pa.tag.toLowerCase() === pb.tag.toLowerCase()
  );
}

function fromUrl(token: string): string | null | undefined {
  let u: URL;
  try {
    u = new URL(token);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const segs = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (host === 'huggingface.co' || host === 'hf.co') {
    // /<creator>/<repo>[/tree/main|/blob/…|/resolve/…]; a quant may follow the repo as :Q4_K_M.
    if (segs.length < 2 || ['models', 'datasets', 'spaces', 'docs'].includes(segs[0]!)) return null;
    return `hf.co/${segs[0]}/${segs[1]}`;
  }
  if (host === 'ollama.com' || host === 'registry.ollama.ai') {
    if (segs.length < 2) return null;
    if (segs[0] === 'library') return segs[1]!;
    if (['search', 'blog', 'download', 'docs', 'settings'].includes(segs[0]!)) return null;
    return `${segs[0]}/${segs[1]}`;
  }
  return undefined;
}

/**
 * Returns the model name to pull, or null when the input does not name a valid model.
 * The result keeps what was typed (no `:latest` added); compare with {@link sameModelName}.
 */
export function parsePullInput(input: string): string | null {
  // First non-empty line, without a shell prompt.
  const line = input
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (!line) return null;
  let tokens = line.replace(/^[$>#%]\s+/, '').split(/\s+/).filter(Boolean);
  if (tokens[0]?.toLowerCase() === 'ollama') {
    const verb = tokens[1]?.toLowerCase();
    if (verb !== 'run' && verb !== 'pull') return null;
    // The model is the first argument that is not a flag; a prompt may follow it.
    const first = tokens.slice(2).find((t) => !t.startsWith('-'));
    tokens = first ? [first] : [];
  }
  if (tokens.length !== 1) return null;
  let name = tokens[0]!.replace(/^['"`]|['"`]$/g, '');
  const url = fromUrl(name);
  if (url === null) return null;
  if (url !== undefined) name = url;
  else if (/^https?:\/\//i.test(name)) name = name.replace(/^https?:\/\//i, '');
  // A trailing slash from a copied path.
  name = name.replace(/\/+$/, '');
  return isValidModelName(name) ? name : null;
}

/** `ollama run x`, `ollama pull x` or a URL: the person clearly asks for that model. */
export function isExplicitPull(input: string): boolean {
  return /^\s*(?:[$>#%]\s+)?ollama\s+(?:run|pull)\s/i.test(input) || /^\s*https?:\/\//i.test(input);
}

/**
 * The name a search box should offer to pull, or null. Explicit forms (`ollama run/pull`, a
 * model URL) are always offered. A bare word is offered only when it reads like a model name
 * rather than a search for a preset: written as Ollama names are (lower case), or with a tag or
 * a namespace (`Llama3:8B`, `user/Model`). "Coder" or "Secret" stay a search.
 */
export function pullOfferName(input: string): string | null {
  const name = parsePullInput(input);
  if (name === null || isExplicitPull(input)) return name;
  return name.includes(':') || name.includes('/') || name === name.toLowerCase() ? name : null;
}
