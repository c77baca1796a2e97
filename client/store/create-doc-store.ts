import { batch, onCleanup } from 'solid-js';
import { createStore, reconcile, type Store } from 'solid-js/store';
import type { DocHandle, DocHandleChangePayload } from '@automerge/automerge-repo';
import type { Plain } from '../../shared/schema/index.ts';
import { patchRoots, valueAt } from './patch-roots.ts';
import { plainCopy } from './plain-copy.ts';

/**
 * Turns an Automerge document into fine-grained Solid state. Automerge documents
 * are frozen snapshots, so each change is reconciled into a mutable store: only
 * the fields that changed notify their readers. Writes go through `change`, which
 * goes to Automerge first; the store follows from the change event. The store holds
 * plain strings (`Plain<T>`): ImmutableStrings are read as their text.
 */
export interface DocStore<T> {
  doc: Store<Plain<T>>;
  change: (fn: (d: T) => void) => void;
  handle: DocHandle<T>;
}

function snapshot<T>(handle: DocHandle<T>): Plain<T> {
  return plainCopy(handle.doc());
}

/** setDoc with a path of any length (the store's typed overloads cannot express a computed path). */
type PathSetter = (...args: unknown[]) => void;

export function createDocStore<T extends object>(handle: DocHandle<T>): DocStore<T> {
  // Plain<T> of an object type is an object (the mapped type hides it from the constraint)
  const [doc, setDoc] = createStore<Plain<T> & object>(snapshot(handle) as Plain<T> & object);
  // Only the parts the patches touch are copied and reconciled (see patch-roots.ts): a copy of
  // the whole document on every change costs tens of milliseconds for a long conversation or
  // a big workspace, four times a second while an answer streams.
  const onChange = ({ doc: next, patches }: DocHandleChangePayload<T>) => {
    batch(() => {
      for (const root of patchRoots(patches, next)) {
        const value = valueAt(next, root);
        const copy = plainCopy(value);
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
