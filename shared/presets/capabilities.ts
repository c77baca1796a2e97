/*
 * The capabilities that change what a chat with a preset offers, stored in the preset's
 * `capabilities` map under Open WebUI's names (`meta.capabilities`), so they round-trip.
 * An absent key means on for what Atelier offered before the switch existed (and Open WebUI's
 * default for these, but `usage`), so no existing preset changes behaviour by itself; an absent
 * key means off for what Atelier did not offer before (`code_interpreter`: running code is
 * something a person asks for, not something an old preset starts doing after an update).
 */

export const CHAT_CAPABILITIES = ['file_upload', 'citations', 'usage', 'status_updates', 'code_interpreter'] as const;

export type ChatCapability = (typeof CHAT_CAPABILITIES)[number];

/** capabilities that are off unless the preset says otherwise */
const OFF_WHEN_ABSENT: ReadonlySet<ChatCapability> = new Set(['code_interpreter']);

export function capabilityOn(p: { readonly capabilities: Readonly<Record<string, boolean>> } | undefined, c: ChatCapability): boolean {
  const v = p?.capabilities[c];
  return v === undefined ? !OFF_WHEN_ABSENT.has(c) : v;
}
