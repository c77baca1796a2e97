import { batch, onCleanup } from 'solid-js';
import { createStore, reconcile, type Store } from 'solid-js/store';
import type { DocHandle, DocHandleChangePayload } from '@automerge/automerge-repo';
import { patchRoots, valueAt } from './patch-roots.ts';

/**
 * Turns an Automerge document into fine-grained Solid state. Automerge documents
 * are frozen snapshots, so each change is reconciled into a mutable store: only
 * the fields that changed notify their readers. Writes go through `change`, which
 * goes to Automerge first; the store follows from the change event.
 */
export interface DocStore<T> {
  doc: Store<T>;
  change: (fn: (d: T) => void) => void;
  handle: DocHandle<T>;
}

function snapshot<T>(handle: DocHandle<T>): T {
  return structuredClone(handle.doc()) as T;
}

/** setDoc with a path of any length (the store's typed overloads cannot express a computed path). */
type PathSetter = (...args: unknown[]) => void;

export function createDocStore<T extends object>(handle: DocHandle<T>): DocStore<T> {
  const [doc, setDoc] = createStore<T>(snapshot(handle));
  // Only the parts the patches touch are copied and reconciled (see patch-roots.ts): a copy of
  // the whole document on every change costs tens of milliseconds for a long conversation or
  // a big workspace, four times a second while an answer streams.
  const onChange = ({ doc: next, patches }: DocHandleChangePayload<T>) => {
    batch(() => {
      for (const root of patchRoots(patches, next)) {
        const value = valueAt(next, root);
        const copy = typeof value === 'object' && value !== null ? structuredClone(value) : value;
        (setDoc as unknown as PathSetter)(...root, reconcile(copy, { merge: true }));
      }
    });
  };
  handle.on('change', onChange);
  onCleanup(() => handle.off('change', onChange));
  return {
    doc,
    handle,
    change: (fn) => handle.change((d) => fn(d as T)),
  };
}
