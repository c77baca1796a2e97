/**
 * What "shown" and "interactive" mean for the browser figures, as page code (strings, see
 * bench/lib/browser.ts `watch`) over the app's DOM. A saved view (models list preview, message
 * list preview) is inert and has its own class: it never satisfies a "live" probe.
 *
 *   live models list   the real preset grid holds every preset's card
 *   models interactive a search typed into the models page has filtered the live grid
 *   live conversation  the real message list (MessageList) shows turns with text
 *   chat interactive   a character typed into the composer has enabled its Send button
 */

const js = (s: string) => JSON.stringify(s);

/** Page code of a condition: the live preset grid shows at least `n` cards. */
export const liveModels = (n: number) => `() => document.querySelectorAll('ul.preset-grid:not(.preset-preview) li.preset-card').length >= ${n}`;

/** Page code of a condition: the saved (inert) models list is painted. */
export const previewModels = `() => document.querySelectorAll('ul.preset-preview li.preset-card').length > 0`;

/**
 * Page code for `watch`'s `then`: types `query` into the models search (as a person would, an
 * input event), then watches `mark`: the live grid filtered to fewer than `n` cards, at least one.
 */
export const searchModels = (mark: string, query: string, n: number) => `() => {
  const input = document.querySelector('.filters input[type="search"]');
  if (!input) return null;
  input.value = ${js(query)};
  input.dispatchEvent(new Event('input', { bubbles: true }));
  return [${js(mark)}, () => {
    const c = document.querySelectorAll('ul.preset-grid:not(.preset-preview) li.preset-card').length;
    return c > 0 && c < ${n};
  }];
}`;

const turnsWithText = (selector: string) =>
  `[...document.querySelectorAll(${js(selector)})].some((t) => (t.textContent || '').trim().length > 0)`;

/** Page code of a condition: the live message list shows turns with text (and `contains`, when given, in a `pre`). */
export const liveConversation = (contains?: string) =>
  `() => ${turnsWithText('.message-scroll:not(.message-preview) .turn')}${
    contains ? ` && [...document.querySelectorAll('.message-scroll:not(.message-preview) pre')].some((p) => (p.textContent || '').includes(${js(contains)}))` : ''
  }`;

/** Page code of a condition: the saved (inert) view of a conversation is painted. */
export const previewConversation = `() => ${turnsWithText('.message-scroll.message-preview .turn')}`;

/**
 * Page code for `watch`'s `then`: types one character into the composer, then watches `mark`:
 * its Send button enabled (the input reached the chat's state and was painted); the draft is
 * cleared again right after.
 */
export const typeInComposer = (mark: string) => `() => {
  const area = document.querySelector('textarea.composer-input');
  if (!area) return null;
  area.value = 'x';
  area.dispatchEvent(new Event('input', { bubbles: true }));
  return [${js(mark)}, () => {
    const send = document.querySelector('button.send[type="submit"]');
    return Boolean(send) && !send.disabled;
  }, () => {
    area.value = '';
    area.dispatchEvent(new Event('input', { bubbles: true }));
    return null;
  }];
}`;

/** Page code of a condition: the conversations sidebar lists a conversation titled `title`. */
export const sidebarTitle = (title: string) => `() => [...document.querySelectorAll('.conversation-title')].some((e) => e.textContent === ${js(title)})`;

/** Page code clicking the link to `/chat/<id>` in the sidebar after marking `mark`; throws when absent. */
export const clickConversation = (mark: string, id: string) => `(() => {
  const a = document.querySelector('a.conversation-link[href="/chat/${id}"]');
  if (!a) throw new Error('no sidebar link to /chat/${id}');
  window.__bench.marks[${js(mark)}] = performance.now();
  a.click();
})()`;
