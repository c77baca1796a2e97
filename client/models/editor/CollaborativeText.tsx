import { createEffect, on } from 'solid-js';
import type { CollabText } from '../../store/collab-text.ts';
import { inputSplice } from '../../store/input-splice.ts';

type Field = HTMLInputElement | HTMLTextAreaElement;

/**
 * A text input (or textarea) bound to a collaborative text by character. Keystrokes become
 * splices at the typed position of the text as it is now; text arriving from another device is
 * shown without moving the caret or selection off the characters they were on.
 *
 * Invariant: outside an input event, the field shows `base.text`, the version it last read.
 */
export function CollaborativeText(props: { text: CollabText; multiline?: boolean; class?: string; rows?: number; id?: string }) {
  let field: Field | undefined;
  let base = props.text.snapshot();
  // while an IME composes, the field's value must not be replaced (it would end the composition)
  let composing = false;
  // while our own keystroke is being written, the change it causes is not "from elsewhere"
  let applying = false;

  const follow = () => {
    const el = field;
    if (!el || composing || applying) return;
    const now = props.text.snapshot();
    if (now.text !== el.value) {
      const focused = el.ownerDocument.activeElement === el;
      const [start = 0, end = 0] = focused ? props.text.mapCarets(base, [el.selectionStart ?? 0, el.selectionEnd ?? 0]) : [];
      const direction = el.selectionDirection ?? undefined;
      el.value = now.text;
      if (focused) el.setSelectionRange(start, end, direction);
    }
    base = now;
  };

  const typed = () => {
    const el = field;
    if (!el) return;
    const edit = inputSplice(base.text, el.value, el.selectionEnd ?? el.value.length);
    if (!edit) return;
    applying = true;
    let caret: number;
    try {
      caret = props.text.splice(base, edit);
    } finally {
      applying = false;
    }
    const now = props.text.snapshot();
    if (now.text !== el.value) {
      // edits from elsewhere arrived before this keystroke was applied: show them, caret after what was typed
      el.value = now.text;
      el.setSelectionRange(caret, caret);
    }
    base = now;
  };

  createEffect(on(() => props.text.value(), follow, { defer: true }));

  const bind = (el: Field) => {
    field = el;
    el.value = base.text;
  };
  const onInput = (e: InputEvent) => {
    if (!e.isComposing) typed();
  };
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    typed();
    follow();
  };
  return props.multiline ? (
    <textarea ref={bind} id={props.id} class={props.class} rows={props.rows} onInput={onInput} onCompositionStart={onCompositionStart} onCompositionEnd={onCompositionEnd} />
  ) : (
    <input ref={bind} id={props.id} class={props.class} onInput={onInput} onCompositionStart={onCompositionStart} onCompositionEnd={onCompositionEnd} />
  );
}
