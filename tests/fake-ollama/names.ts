/**
 * Model names as Ollama parses them (types/model/name.go, ParseName + IsValid):
 * `[scheme://][host/][namespace/]model[:tag][@digest]`, defaults
 * registry.ollama.ai / library / latest; every part must be valid.
 */
export interface ModelName {
  host: string;
  namespace: string;
  model: string;
  tag: string;
}

const DEFAULT_HOST = 'registry.ollama.ai';
const DEFAULT_NAMESPACE = 'library';
const DEFAULT_TAG = 'latest';
const MISSING = '!MISSING!';

type Kind = 'host' | 'namespace' | 'model' | 'tag';

function isAlnumUnderscore(c: string): boolean {
  return /^[A-Za-z0-9_]$/.test(c);
}

function isValidPart(kind: Kind, s: string): boolean {
  const max = kind === 'host' ? 350 : 80;
  if (s.length < 1 || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (i === 0) {
      if (!isAlnumUnderscore(c)) return false;
      continue;
    }
    if (c === '_' || c === '-') continue;
    if (c === '.') {
      if (kind === 'namespace') return false;
      continue;
    }
    if (c === ':') {
      if (kind !== 'host') return false;
      continue;
    }
    if (!isAlnumUnderscore(c)) return false;
  }
  return true;
}

function cutPromised(s: string, sep: string): [string, string, boolean] {
  const i = s.lastIndexOf(sep);
  if (i < 0) return [s, '', false];
  return [s.slice(0, i) || MISSING, s.slice(i + sep.length) || MISSING, true];
}

/** Returns null when Ollama would answer "invalid model name". */
export function parseModelName(input: string): ModelName | null {
  let s = input;
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const n: ModelName = { host: '', namespace: '', model: '', tag: '' };
  if (s.lastIndexOf(':') > s.lastIndexOf('/')) {
    [s, n.tag] = cutPromised(s, ':');
  }
  let promised: boolean;
  [s, n.model, promised] = cutPromised(s, '/');
  if (!promised) n.model = s;
  else {
    [s, n.namespace, promised] = cutPromised(s, '/');
    if (!promised) n.namespace = s;
    else {
      const k = s.indexOf('://');
      n.host = k >= 0 ? s.slice(k + 3) : s;
    }
  }
  n.host ||= DEFAULT_HOST;
  n.namespace ||= DEFAULT_NAMESPACE;
  n.tag ||= DEFAULT_TAG;
  const ok =
    isValidPart('host', n.host) && isValidPart('namespace', n.namespace) && isValidPart('model', n.model) && isValidPart('tag', n.tag);
  return ok ? n : null;
}

/** DisplayShortest: what /api/tags shows (`llama3.2:latest`, `hf.co/user/repo:Q4_K_M`). */
export function displayShortest(n: ModelName): string {
  let out = '';
  if (n.host.toLowerCase() !== DEFAULT_HOST) out += `${n.host}/${n.namespace}/`;
  else if (n.namespace.toLowerCase() !== DEFAULT_NAMESPACE) out += `${n.namespace}/`;
  return `${out}${n.model}:${n.tag}`;
}

/** Name.String(): `registry.ollama.ai/library/llama3.2:latest`. */
export function fullName(n: ModelName): string {
  return `${n.host}/${n.namespace}/${n.model}:${n.tag}`;
}

/** Case-insensitive identity (EqualFold). */
export function nameKey(n: ModelName): string {
  return fullName(n).toLowerCase();
}

export function keyOf(name: string): string | null {
  const n = parseModelName(name);
  return n ? nameKey(n) : null;
}
