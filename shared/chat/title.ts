export const TITLE_MAX_LENGTH = 60;

/**
 * A conversation title from the first user message: its first non-blank line, spaces
 * collapsed, at most 60 characters; a longer line is cut at a word boundary and ends with '…'.
 * Empty when there is no text (the client then shows its "New chat" label).
 */
export function deriveTitle(firstUserText: string): string {
  const line = firstUserText.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? '';
  const text = line.trim().replace(/\s+/g, ' ');
  const chars = Array.from(text);
  if (chars.length <= TITLE_MAX_LENGTH) return text;
  // cut at the last space that leaves room for '…', if it keeps a fair part of the line; otherwise mid-word
  const space = chars.slice(0, TITLE_MAX_LENGTH).lastIndexOf(' ');
  const kept = space >= TITLE_MAX_LENGTH / 3 ? chars.slice(0, space) : chars.slice(0, TITLE_MAX_LENGTH - 1);
  return kept.join('').replace(/[\s.,;:!?-]+$/, '') + '…';
}
