import { createEffect, createMemo, mapArray, type Accessor, type ParentProps } from 'solid-js';
import { useLocation } from '@solidjs/router';
import { entryState, setPresetOrders, setPresetPinned, type Plain, type PresetDoc, type PresetEntry, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { compareOrder, planMove, type Anchor, type Orderable } from '../../shared/presets/order.ts';
import { defineContext } from '../context/define-context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { createOpenedDoc, type OpenedDoc } from '../store/create-opened-doc.ts';
import { createUniqueSlugs } from './unique-slugs.ts';
import { MergeNotices } from './MergeNotices.tsx';
import { createActorRecorder } from './history/record-actors.ts';
import { createPresetOpenOrder, startsOnConversation } from './preset-open-order.ts';

export interface PresetItem {
  id: string;
  entry: Accessor<PresetEntry | undefined>;
  opened: OpenedDoc<PresetDoc>;
  /** the loaded preset, undefined while it loads */
  doc: Accessor<Plain<PresetDoc> | undefined>;
}

export interface PresetsValue {
  /** live and trashed presets (not purged), in the order they were added, newest first */
  all: Accessor<PresetItem[]>;
  live: Accessor<PresetItem[]>;
  /** live presets in the person's order (shared/presets/order.ts), as the list and the selector show them */
  ordered: Accessor<PresetItem[]>;
  /** moves a live preset (writes its order number only, so it merges with moves made elsewhere) */
  move: (id: string, anchor: Anchor) => void;
  setPinned: (id: string, pinned: boolean) => void;
  trashed: Accessor<PresetItem[]>;
  byId: (id: string) => PresetItem | undefined;
  /** model IDs in use by presets that are not purged (trashed ones can be restored) */
  takenSlugs: Accessor<Set<string>>;
  allTags: Accessor<string[]>;
  /**
   * On a cold start at a conversation, presets wait for it (preset-open-order.ts): the page names
   * the presets it needs at once (for its lifetime), and says when its document is open.
   */
  openFirst: (ids: Accessor<readonly string[]>) => void;
  conversationShown: () => void;
}

const PresetsContext = defineContext<PresetsValue>({ use: 'usePresets', provider: 'PresetsProvider' });

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Loads every preset of the workspace once, for all pages (list, editor, selector, Trash); a cold
 * start at a conversation opens the conversation first (preset-open-order.ts).
 */
export function PresetsProvider(props: ParentProps) {
  const { repo } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const location = useLocation();
  const startPath = location.pathname;
  const order = createPresetOpenOrder(startsOnConversation(startPath));
  // leaving the conversation's address (or its page never saying so) must not keep the presets closed
  createEffect(() => location.pathname !== startPath && order.release());
  const ids = createMemo(
    () => {
      const presets = workspace()?.doc.presets ?? {};
      return Object.keys(presets)
        .filter((id) => {
          const e = presets[id];
          return e && entryState(e) !== 'purged';
        })
        .sort((a, b) => (presets[b]?.addedAt ?? 0) - (presets[a]?.addedAt ?? 0) || a.localeCompare(b));
    },
    [],
    { equals: sameList },
  );
  const all = createMemo(
    mapArray(ids, (id): PresetItem => {
      const entry = () => workspace()?.doc.presets[id];
      const mayOpen = order.mayOpen(id);
      const opened = createOpenedDoc<PresetDoc>(repo, () => (mayOpen() ? entry()?.url : undefined), 'atelier/preset');
      return { id, entry, opened, doc: () => opened.store()?.doc };
    }),
  );
  const live = createMemo(() => all().filter((p) => { const e = p.entry(); return e && entryState(e) === 'live'; }));
  const trashed = createMemo(() => all().filter((p) => { const e = p.entry(); return e && entryState(e) === 'trash'; }));
  const takenSlugs = createMemo(() => new Set(all().map((p) => p.doc()?.slug).filter((s): s is string => Boolean(s))));
  const allTags = createMemo(() => {
    const tags = new Set<string>();
    for (const p of live()) for (const t of Object.keys(p.doc()?.tags ?? {})) tags.add(t);
    return [...tags].sort((a, b) => a.localeCompare(b));
  });
  const byId = (id: string) => all().find((p) => p.id === id);
  const orderable = (id: string, e: PresetEntry | undefined): Orderable => ({ id, addedAt: e?.addedAt ?? 0, order: e?.order ?? null });
  const ordered = createMemo(() => [...live()].sort((a, b) => compareOrder(orderable(a.id, a.entry()), orderable(b.id, b.entry()))));
  const liveEntries = (d: WorkspaceDoc): Orderable[] =>
    Object.entries(d.presets).flatMap(([id, e]) => (entryState(e) === 'live' ? [orderable(id, e)] : []));
  const move = (id: string, anchor: Anchor) => workspace()?.change((d) => setPresetOrders(d, planMove(liveEntries(d), id, anchor)));
  const setPinned = (id: string, pinned: boolean) => workspace()?.change((d) => setPresetPinned(d, id, pinned));
  createUniqueSlugs(all);
  // which device made each change, for the presets' history on every device
  createActorRecorder(all);
  return (
    <PresetsContext.Provider
      value={{ all, live, ordered, move, setPinned, trashed, byId, takenSlugs, allTags, openFirst: order.need, conversationShown: order.release }}
    >
      <MergeNotices />
      {props.children}
    </PresetsContext.Provider>
  );
}

export const usePresets = PresetsContext.use;
