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

/**
 * The messages asking a model for a title (Open WebUI's default task, shortened): the first
 * exchange, and a request for a JSON object so the answer is easy to pick out.
 */
export function titleRequestMessages(userText: string, answerText: string): Array<{ role: 'user'; content: string }> {
  const clip = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}…` : s);
  const content = [
    '### Task:',
    'Generate a concise, 3-5 word title with an emoji summarizing the chat history.',
    '### Guidelines:',
    '- The title should clearly represent the main theme or subject of the conversation.',
    '- Write the title in the chat\'s primary language.',
    '- Output only the JSON object, nothing else.',
    '### Output:',
    'JSON format: { "title": "your concise title here" }',
    '### Chat History:',
    '<chat_history>',
    `USER: ${clip(userText)}`,
    `ASSISTANT: ${clip(answerText)}`,
    '</chat_history>',
  ].join('\n');
  return [{ role: 'user', content }];
}

/**
 * The title a model proposed, cleaned: from a `{"title": …}` object when there is one (even
 * inside a code fence or after some thinking), else the first non-blank line without quotes
 * or a "Title:" prefix; cut like derived titles. Empty when nothing usable came back.
 */
export function cleanProposedTitle(raw: string): string {
  const text = raw.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  let candidate: string | null = null;
  const json = /\{[\s\S]*\}/.exec(text);
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json[0]);
      const t = typeof parsed === 'object' && parsed !== null ? (parsed as { title?: unknown }).title : undefined;
      if (typeof t === 'string') candidate = t;
    } catch {
      // not JSON after all: fall back to the first line
    }
  }
  if (candidate === null) {
    const line = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('```')) ?? '';
    candidate = line.replace(/^\s*(#+\s*)?(title\s*:\s*)/i, '');
  }
  const unquoted = candidate.trim().replace(/^["'“”«»*_`\s]+|["'“”«»*_`\s]+$/g, '');
  return deriveTitle(unquoted);
}
