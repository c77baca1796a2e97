import { isImmutableString } from '@automerge/automerge';
import { storedString } from './stored-string.ts';

/**
 * Every automerge URL a document refers to (index entries, avatars, knowledge, chat images…),
 * found by walking its values, so code that must reach "everything" (backups, the push of a
 * device's documents to the relay) keeps working when new kinds of reference are added.
 */
const URL_SHAPE = /^automerge:[1-9A-HJ-NP-Za-km-z]{20,}$/;
const MAX_DEPTH = 12;

export function referencedUrls(value: unknown, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (depth > MAX_DEPTH || value === null || value === undefined) return out;
  if (typeof value === 'string' || isImmutableString(value)) {
    // index entries hold their url as an ImmutableString (see stored-string.ts)
    const s = storedString(value);
    if (URL_SHAPE.test(s)) out.add(s);
  } else if (Array.isArray(value)) {
    for (const v of value) referencedUrls(v, out, depth + 1);
  } else if (typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const v of Object.values(value)) referencedUrls(v, out, depth + 1);
  }
  return out;
}
