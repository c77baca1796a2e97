import { createSignal } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import * as A from '@automerge/automerge';
import { updateText } from '@automerge/automerge-repo';
import { PRESET_TEXT_FIELDS, type Plain, type PresetDoc, type PresetTextField } from '../../shared/schema/index.ts';
import { immutable } from '../../shared/schema/stored-string.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { docText, localText, type CollabText } from '../store/collab-text.ts';
import { revertOwnChange, type OwnChange } from '../store/revert-own-change.ts';
import { sameHeads } from '../store/text-positions.ts';
import { recordOwnChange, type UndoStep } from './undo-steps.ts';
import { createPendingKnowledge, type PendingKnowledge } from '../knowledge/pending.ts';

/** Long texts several devices may write at once: bound to their fields by character (see CollaborativeText). */
export type TextField = PresetTextField;
export type CollabField = TextField;
export type EditableKey = Exclude<keyof PresetDoc, 'schema' | 'kind' | 'id' | 'createdAt' | 'updatedAt'>;

/** What the editor's fields need, whether editing a draft (new preset) or a saved, synced one. */
export interface PresetEditing {
  doc: Plain<PresetDoc>;
  setText: (field: TextField, value: string) => void;
  /** a long text as its field binds to it: keystrokes land where typed, remote edits keep the caret */
  text: (field: CollabField) => CollabText;
  /** short fields: one value each (last writer wins), never merged by character */
  setName: (value: string) => void;
  setSuggestionTitle: (id: string, value: string) => void;
  /** change one top-level field; `key` is what an undo restores */
  edit: (key: EditableKey, fn: (d: PresetDoc) => void) => void;
  canUndo: () => boolean;
  /** reverses this device's last step; false when nothing of it was left (others changed it since) */
  undo: () => boolean;
  /** a draft's attached documents, created only on save (none when editing a saved preset) */
  pendingKnowledge?: PendingKnowledge;
}

/** A new preset's fields, kept in memory until "Save & create". */
export function createDraftEditing(initial: Plain<PresetDoc>): PresetEditing {
  const [doc, setDoc] = createStore<Plain<PresetDoc>>(initial);
  const texts = {
    description: localText(() => doc.description, (v) => setDoc('description', v)),
    system: localText(() => doc.system, (v) => setDoc('system', v)),
  };
  return {
    doc,
    setText: (field, value) => setDoc(field, value),
    text: (field) => texts[field],
    setName: (value) => setDoc('name', value),
    setSuggestionTitle: (id, value) => setDoc('suggestions', id, 'title', value),
    edit: (_key, fn) => setDoc(produce<Plain<PresetDoc>>((d) => fn(d))),
    canUndo: () => false,
    undo: () => false,
    pendingKnowledge: createPendingKnowledge(),
  };
}

/** reverted by character; every other field (and `name`) key by key, as a whole value */
const COLLAB_FIELDS: ReadonlySet<string> = new Set<CollabField>(PRESET_TEXT_FIELDS);
/** bookkeeping an undo does not restore (it sets it anew) */
const NOT_UNDONE: ReadonlySet<string> = new Set(['updatedAt']);

export interface LiveEditingOptions {
  /** called once, at this editing session's first change of the preset (see markKept) */
  onFirstEdit?: () => void;
}

/**
 * Edits of a saved preset, written to its document as they are made (local-first).
 * Undo reverses only this device's own changes of the last step (revert-own-change.ts), as a new
 * change that syncs like any edit: what other devices wrote since is kept.
 */
export function createLiveEditing(store: DocStore<PresetDoc>, options: LiveEditingOptions = {}): PresetEditing {
  const [steps, setSteps] = createSignal<UndoStep<EditableKey>[]>([]);
  let edited = false;
  const changed = () => {
    if (edited) return;
    edited = true;
    options.onFirstEdit?.();
  };
  const heads = () => A.getHeads(store.handle.doc());
  const remember = (key: EditableKey, change: OwnChange) => setSteps(recordOwnChange(steps(), key, change, Date.now()));
  const write = (key: EditableKey, fn: (d: PresetDoc) => void) => {
    const before = heads();
    store.change((d) => {
      fn(d);
      d.updatedAt = Date.now();
    });
    const after = heads();
    if (sameHeads(before, after)) return;
    remember(key, { before, after });
    changed();
  };
  const texts = {
    description: docText(store.handle, 'description', () => store.doc.description, (fn) => write('description', fn)),
    system: docText(store.handle, 'system', () => store.doc.system, (fn) => write('system', fn)),
  };
  return {
    doc: store.doc,
    setText: (field, value) => write(field, (d) => updateText(d, [field], value)),
    text: (field) => texts[field],
    setName: (value) =>
      write('name', (d) => {
        d.name = immutable(value);
      }),
    setSuggestionTitle: (id, value) =>
      write('suggestions', (d) => {
        const s = d.suggestions[id];
        if (s) s.title = immutable(value);
      }),
    edit: write,
    canUndo: () => steps().length > 0,
    undo: () => {
      const step = steps().at(-1);
      if (!step) return false;
      setSteps(steps().slice(0, -1));
      let reverted = false;
      for (const change of [...step.changes].reverse()) {
        const revert = revertOwnChange(store.handle.doc(), change, { textFields: COLLAB_FIELDS, ignore: NOT_UNDONE });
        if (!revert) continue;
        reverted = true;
        store.change((d) => {
          revert(d);
          d.updatedAt = Date.now();
        });
      }
      if (reverted) changed();
      return reverted;
    },
  };
}
