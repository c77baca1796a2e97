/*
 * The one text comparison every search box uses (models list, its saved preview, the chat's
 * model picker): accents and case never matter, so "telephone" finds "Téléphone".
 */

/**
 * NFD, combining marks removed, then lower case that does not depend on the reader's locale
 * (a Turkish reader's "I" must match like everyone else's).
 */
export function searchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** True when the query is empty (after trimming) or some field contains it, accents and case aside. */
export function matchesSearch(query: string, fields: ReadonlyArray<string>): boolean {
  const q = searchKey(query.trim());
  if (!q) return true;
  return fields.some((f) => searchKey(f).includes(q));
}
