import { onCleanup } from 'solid-js';
import { createStore, reconcile, type Store } from 'solid-js/store';
import type { DocHandle } from '@automerge/automerge-repo';

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

export function createDocStore<T extends object>(handle: DocHandle<T>): DocStore<T> {
  const [doc, setDoc] = createStore<T>(snapshot(handle));
  const onChange = () => setDoc(reconcile(snapshot(handle), { merge: true }));
  handle.on('change', onChange);
  onCleanup(() => handle.off('change', onChange));
  return {
    doc,
    handle,
    change: (fn) => handle.change((d) => fn(d as T)),
  };
}
