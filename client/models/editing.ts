import { createSignal } from 'solid-js';
import { createStore, produce, unwrap } from 'solid-js/store';
import { updateText } from '@automerge/automerge-repo';
import { storableField, type Plain, type PresetDoc } from '../../shared/schema/index.ts';
import { immutable } from '../../shared/schema/stored-string.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { createPendingKnowledge, type PendingKnowledge } from '../knowledge/pending.ts';

/** Long text fields: edited with Automerge text operations so concurrent edits merge by character. */
export type TextField = 'description' | 'system';
export type EditableKey = Exclude<keyof PresetDoc, 'schema' | 'kind' | 'id' | 'createdAt' | 'updatedAt'>;

/** What the editor's fields need, whether editing a draft (new preset) or a saved, synced one. */
export interface PresetEditing {
  doc: Plain<PresetDoc>;
  setText: (field: TextField, value: string) => void;
  /** short fields: one value each (last writer wins), never merged by character */
  setName: (value: string) => void;
  setSuggestionTitle: (id: string, value: string) => void;
  /** change one top-level field; `key` is what an undo restores */
  edit: (key: EditableKey, fn: (d: PresetDoc) => void) => void;
  canUndo: () => boolean;
  undo: () => void;
  /** a draft's attached documents, created only on save (none when editing a saved preset) */
  pendingKnowledge?: PendingKnowledge;
}

/** A new preset's fields, kept in memory until "Save & create". */
export function createDraftEditing(initial: Plain<PresetDoc>): PresetEditing {
  const [doc, setDoc] = createStore<Plain<PresetDoc>>(initial);
  return {
    doc,
    setText: (field, value) => setDoc(field, value),
    setName: (value) => setDoc('name', value),
    setSuggestionTitle: (id, value) => setDoc('suggestions', id, 'title', value),
    edit: (_key, fn) => setDoc(produce<Plain<PresetDoc>>((d) => fn(d))),
    canUndo: () => false,
    undo: () => undefined,
    pendingKnowledge: createPendingKnowledge(),
  };
}

const TEXT_FIELDS = new Set<string>(['description', 'system']);
/** keystrokes in one field within this window are one undo step */
const COALESCE_MS = 1500;
const MAX_UNDO = 50;

interface UndoStep {
  key: EditableKey;
  before: unknown;
  at: number;
}

/**
 * Edits of a saved preset, written to its document as they are made (local-first).
 * Undo restores the field's previous value as a new change, so it syncs like any edit.
 */
export function createLiveEditing(store: DocStore<PresetDoc>): PresetEditing {
  const [steps, setSteps] = createSignal<UndoStep[]>([]);
  const remember = (key: EditableKey) => {
    const now = Date.now();
    const last = steps().at(-1);
    if (last && last.key === key && now - last.at < COALESCE_MS) {
      setSteps([...steps().slice(0, -1), { ...last, at: now }]);
      return;
    }
    const before = structuredClone(unwrap(store.doc)[key]);
    setSteps([...steps(), { key, before, at: now }].slice(-MAX_UNDO));
  };
  const write = (fn: (d: PresetDoc) => void) =>
    store.change((d) => {
      fn(d);
      d.updatedAt = Date.now();
    });
  return {
    doc: store.doc,
    setText: (field, value) => {
      remember(field);
      write((d) => updateText(d, [field], value));
    },
    setName: (value) => {
      remember('name');
      write((d) => {
        d.name = immutable(value);
      });
    },
    setSuggestionTitle: (id, value) => {
      remember('suggestions');
      write((d) => {
        const s = d.suggestions[id];
        if (s) s.title = immutable(value);
      });
    },
    edit: (key, fn) => {
      remember(key);
      write(fn);
    },
    canUndo: () => steps().length > 0,
    undo: () => {
      const step = steps().at(-1);
      if (!step) return;
      setSteps(steps().slice(0, -1));
      write((d) => {
        if (TEXT_FIELDS.has(step.key)) updateText(d, [step.key], String(step.before ?? ''));
        else (d as unknown as Record<string, unknown>)[step.key] = storableField(step.key, structuredClone(step.before));
      });
    },
  };
}
