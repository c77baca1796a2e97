/*
 * Personal order of the presets (models list, chat's model selector), kept as one number per
 * preset on its workspace entry (`order`). A move writes the moved preset's number only, so two
 * devices moving different presets at once both keep their moves when they meet; two moving the
 * same preset end with one of the two places (last writer wins on that field), never a mixed list.
 *
 * Invariants:
 * - a preset without a number sorts as `-addedAt`: newest first, as before any move, and a
 *   preset added later still lands on top of a list ordered by hand;
 * - equal numbers (two devices moved presets into one gap) sort by id, so every device shows
 *   the same order;
 * - only when a gap has no room left (floating point) are all the shown presets renumbered.
 */

export interface Orderable {
  id: string;
  addedAt: number;
  order?: number | null;
}

/** How far apart renumbered presets are (room for ~50 halvings between two neighbours). */
export const ORDER_STEP = 1024;

export function orderKey(e: Orderable): number {
  return typeof e.order === 'number' && Number.isFinite(e.order) ? e.order : -e.addedAt;
}

export function compareOrder(a: Orderable, b: Orderable): number {
  return orderKey(a) - orderKey(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function sortByOrder<T extends Orderable>(items: readonly T[]): T[] {
  return [...items].sort(compareOrder);
}

/** Where to put a preset: just before or just after another one (by id). */
export type Anchor = { before: string } | { after: string };

/** A number strictly between `lo` and `hi` (either may be open), or null when there is no room. */
export function between(lo: number | undefined, hi: number | undefined): number | null {
  if (lo === undefined && hi === undefined) return 0;
  if (lo === undefined) return hi! - 1;
  if (hi === undefined) return lo + ORDER_STEP;
  const mid = lo + (hi - lo) / 2;
  return mid > lo && mid < hi ? mid : null;
}

/**
 * The order numbers to write so that `id` sits at `anchor` in `all` (every preset the order
 * covers, in any order). Usually one entry (the moved preset); every preset when the gap had
 * no room left. Empty when the move changes nothing or names an unknown preset.
 */
export function planMove(all: readonly Orderable[], id: string, anchor: Anchor): Record<string, number> {
  const sorted = sortByOrder(all);
  const moving = sorted.find((e) => e.id === id);
  const target = 'before' in anchor ? anchor.before : anchor.after;
  if (!moving || target === id || !sorted.some((e) => e.id === target)) return {};
  const rest = sorted.filter((e) => e.id !== id);
  const t = rest.findIndex((e) => e.id === target);
  const at = 'before' in anchor ? t : t + 1;
  const placed = [...rest.slice(0, at), moving, ...rest.slice(at)];
  if (placed.every((e, i) => e === sorted[i])) return {};
  const lo = rest[at - 1];
  const hi = rest[at];
  const key = between(lo && orderKey(lo), hi && orderKey(hi));
  if (key !== null) return { [id]: key };
  const out: Record<string, number> = {};
  placed.forEach((e, i) => {
    if (orderKey(e) !== i * ORDER_STEP) out[e.id] = i * ORDER_STEP;
  });
  return out;
}

/**
 * One step up or down among `shown` (the presets on screen, in order; a filter may hide others):
 * the anchor that puts `id` before its shown predecessor or after its shown successor, or null at an end.
 */
export function stepAnchor(shown: readonly string[], id: string, step: -1 | 1): Anchor | null {
  const i = shown.indexOf(id);
  const other = i < 0 ? undefined : shown[i + step];
  if (other === undefined) return null;
  return step < 0 ? { before: other } : { after: other };
}

/**
 * A card dragged onto another among `shown`: it takes the target's place (after it when it came
 * from above, before it when it came from below).
 */
export function dropAnchor(shown: readonly string[], id: string, target: string): Anchor | null {
  const from = shown.indexOf(id);
  const to = shown.indexOf(target);
  if (from < 0 || to < 0 || from === to) return null;
  return from < to ? { after: target } : { before: target };
}

/** Applies planned numbers to plain entries (tests, and the merge check). */
export function withOrders<T extends Orderable>(all: readonly T[], plan: Record<string, number>): T[] {
  return all.map((e) => (e.id in plan ? { ...e, order: plan[e.id] } : e));
}
