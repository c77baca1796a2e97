/*
 * A preset's history as people read it: Automerge keeps every change (one per keystroke while
 * typing), so consecutive changes of one device made close together form one entry. Pure: the
 * client reads the changes (client/models/history) and names the devices.
 */

/** One Automerge change, as much of it as the list needs. */
export interface ChangeInfo {
  hash: string;
  actor: string;
  /** seconds since 1970 (Automerge's change time) */
  time: number;
  /** the heads the change was made on */
  deps: readonly string[];
}

/** One entry of the list: changes of one device, each within `gapSeconds` of the one before. */
export interface HistoryEntry {
  /** the device that made them (null when its actors are not named in the workspace) */
  device: string | null;
  /** actors of these changes (a device has one per document per session) */
  actors: string[];
  /** seconds: first and last change */
  from: number;
  to: number;
  /** heads before the first change and after the last: the version this entry made */
  before: string[];
  after: string[];
  /** number of changes grouped */
  count: number;
}

/** Changes of one device less than this apart are one entry (typing, a few clicks). */
export const GROUP_GAP_SECONDS = 120;

/**
 * Groups `changes` (in Automerge's history order: every change after its dependencies) into
 * entries, newest first. `deviceOf` names an actor's device; changes of unknown actors group by
 * actor. A change of another device in between starts a new entry, so an entry never hides
 * what someone else did meanwhile.
 */
export function groupHistory(changes: readonly ChangeInfo[], deviceOf: (actor: string) => string | null, gapSeconds = GROUP_GAP_SECONDS): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  let current: (HistoryEntry & { key: string }) | null = null;
  for (const c of changes) {
    const device = deviceOf(c.actor);
    const key = device ?? `actor:${c.actor}`;
    if (current && current.key === key && c.time - current.to <= gapSeconds && c.time >= current.from) {
      current.to = Math.max(current.to, c.time);
      current.after = [c.hash];
      current.count++;
      if (!current.actors.includes(c.actor)) current.actors.push(c.actor);
      continue;
    }
    if (current) entries.push(strip(current));
    current = { key, device, actors: [c.actor], from: c.time, to: c.time, before: [...c.deps], after: [c.hash], count: 1 };
  }
  if (current) entries.push(strip(current));
  // newest first: by time, and history order among changes of the same second
  return entries.map((e, i) => ({ e, i })).sort((a, b) => b.e.to - a.e.to || b.i - a.i).map(({ e }) => e);
}

function strip(e: HistoryEntry & { key: string }): HistoryEntry {
  const { key: _key, ...rest } = e;
  return rest;
}

/** Top-level fields a set of patch paths touched, in first-seen order, bookkeeping left out. */
export function changedFields(paths: ReadonlyArray<ReadonlyArray<string | number>>): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const f = p[0];
    if (typeof f !== 'string' || f === 'updatedAt' || out.includes(f)) continue;
    out.push(f);
  }
  return out;
}

/** One line of a line diff, as the compare view shows it. */
export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** A line-diff library's parts (`diff`'s diffLines shape) → one row per line. */
export function diffRows(parts: ReadonlyArray<{ value: string; added?: boolean; removed?: boolean }>): DiffLine[] {
  const rows: DiffLine[] = [];
  for (const part of parts) {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
    const lines = part.value.split('\n');
    // a part ending with a newline ends its last line; the empty string after it is not a line
    if (lines.length > 1 && lines.at(-1) === '') lines.pop();
    for (const text of lines) rows.push({ kind, text });
  }
  return rows;
}
