/**
 * Preset "model IDs" (slugs), as Open WebUI derives and checks them.
 *
 * Open WebUI derives the id from the name on creation (ModelEditor.svelte):
 *   name.replace(/\s+/g, '-').replace(/[^a-zA-Z0-9-]/g, '').toLowerCase()
 * and its backend refuses ids longer than 256 characters.
 * The id is fixed after creation.
 */

export const SLUG_MAX_LENGTH = 256;

/**
 * Characters a slug may hold. Derivation only produces [a-z0-9-]; ids typed by hand or
 * imported from Open WebUI also use upper case, `.` and `_`, which are safe in URLs and
 * file names, so they are accepted too.
 */
const SLUG_CHAR = /[A-Za-z0-9._-]/;

export type SlugError =
  | { code: 'slug-empty' }
  | { code: 'slug-too-long'; max: number; length: number }
  | { code: 'slug-bad-chars'; chars: string[] }
  | { code: 'slug-taken'; slug: string };

export type SlugCheck = { ok: true } | { ok: false; error: SlugError };

/** The id Open WebUI derives from a name, cut to the maximum length. May be empty (e.g. a name of only emoji). */
export function deriveSlug(name: string): string {
  const id = name
    .replace(/\s+/g, '-')
    .replace(/[^a-zA-Z0-9-]/g, '')
    .toLowerCase();
  return id.slice(0, SLUG_MAX_LENGTH);
}

/** Check a slug typed or imported for a new preset. `taken` holds the slugs already in use (exact match, as Open WebUI). */
export function validateSlug(slug: string, taken: ReadonlySet<string>): SlugCheck {
  if (slug.length === 0) return { ok: false, error: { code: 'slug-empty' } };
  if (slug.length > SLUG_MAX_LENGTH) {
    return { ok: false, error: { code: 'slug-too-long', max: SLUG_MAX_LENGTH, length: slug.length } };
  }
  const bad = badSlugChars(slug);
  if (bad.length > 0) return { ok: false, error: { code: 'slug-bad-chars', chars: bad } };
  if (taken.has(slug)) return { ok: false, error: { code: 'slug-taken', slug } };
  return { ok: true };
}

/** The distinct characters of `slug` a slug may not hold, in order of first appearance. */
export function badSlugChars(slug: string): string[] {
  const bad: string[] = [];
  for (const ch of slug) if (!SLUG_CHAR.test(ch) && !bad.includes(ch)) bad.push(ch);
  return bad;
}

/**
 * `base` if free, else `base-2`, `base-3`, … The base is shortened when needed so the
 * result stays within the maximum length. An empty base becomes `model`.
 */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  const root = base.length > 0 ? base.slice(0, SLUG_MAX_LENGTH) : 'model';
  if (!taken.has(root)) return root;
  return withCounter(root, '-', 2, taken);
}

/** First free `<root><sep><n>` for n = start, start + 1, …, shortening root so it fits. */
export function withCounter(root: string, sep: string, start: number, taken: ReadonlySet<string>): string {
  for (let n = start; ; n++) {
    const suffix = `${sep}${n}`;
    const candidate = root.slice(0, SLUG_MAX_LENGTH - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}
