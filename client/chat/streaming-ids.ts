import { createMemo, type Accessor } from 'solid-js';

/** The ids of the messages being written (status 'streaming'), in key order. */
export function streamingIds(messages: Readonly<Record<string, { status: string } | undefined>> | undefined): string[] {
  const out: string[] = [];
  for (const id in messages ?? {}) if (messages?.[id]?.status === 'streaming') out.push(id);
  return out;
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * The conversation's streaming answers, as a memo that notifies only when that set changes:
 * what follows them (liveness, keeping an interrupted answer's live text) walks these few,
 * not every message of a long conversation at each heartbeat or clock tick.
 */
export function createStreamingIds(messages: Accessor<Readonly<Record<string, { status: string } | undefined>> | undefined>): Accessor<readonly string[]> {
  return createMemo(() => streamingIds(messages()), [], { equals: sameIds });
}
