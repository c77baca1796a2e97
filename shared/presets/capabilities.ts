/*
 * The capabilities that change what a chat with a preset offers, stored in the preset's
 * `capabilities` map under Open WebUI's names (`meta.capabilities`), so they round-trip.
 * An absent key means on: what Atelier offered before the switch existed (and Open WebUI's
 * default for these, but `usage`), so no existing preset changes behaviour by itself.
 */

export const CHAT_CAPABILITIES = ['file_upload', 'citations', 'usage', 'status_updates'] as const;

export type ChatCapability = (typeof CHAT_CAPABILITIES)[number];

export function capabilityOn(p: { readonly capabilities: Readonly<Record<string, boolean>> } | undefined, c: ChatCapability): boolean {
  return p?.capabilities[c] !== false;
}
