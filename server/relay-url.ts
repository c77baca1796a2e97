/** Where the relay's sync socket is, from its http(s) origin (no other import: the CLI uses it). */
export const SYNC_PATH = '/sync';

/** The WebSocket URL clients sync with, from the relay's http(s) URL. */
export function syncUrl(relayUrl: string): string {
  return `${relayUrl.replace(/^http/, 'ws')}${SYNC_PATH}`;
}
