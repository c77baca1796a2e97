import { createSignal, createUniqueId, For, onCleanup } from 'solid-js';

export interface MenuAction {
  label: string;
  onSelect: () => void;
  danger?: boolean;
}

/**
 * A menu button (WAI-ARIA menu button pattern): the button has aria-haspopup="menu",
 * aria-expanded and aria-controls; the menu holds menuitems. Opening moves focus to the first
 * item (Up arrow on the button: the last); Up/Down wrap, Home/End jump; Enter/Space choose
 * (native buttons); Escape closes and gives focus back to the button; Tab or a click
 * elsewhere closes it. Choosing an item closes the menu, gives focus back to the button, then
 * runs the action, which may move focus elsewhere (Delete does: its button goes away).
 */
export function ActionsMenu(props: { label: string; text: string; actions: MenuAction[] }) {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(false);
  let root: HTMLDivElement | undefined;
  let button: HTMLButtonElement | undefined;
  let menu: HTMLDivElement | undefined;

  const items = () => (menu ? [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')] : []);
  const focusItem = (i: number) => {
    const list = items();
    if (list.length === 0) return;
    list[(i + list.length) % list.length]?.focus();
  };
  const show = (first: 'first' | 'last') => {
    setOpen(true);
    // after the menu is shown (a hidden element cannot take focus)
    queueMicrotask(() => focusItem(first === 'first' ? 0 : -1));
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button?.focus();
  };

  const onDocDown = (e: MouseEvent) => {
    if (open() && root && !root.contains(e.target as Node)) close(false);
  };
  document.addEventListener('mousedown', onDocDown);
  onCleanup(() => document.removeEventListener('mousedown', onDocDown));

  const onMenuKey = (e: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusItem(at + 1),
      ArrowUp: () => focusItem(at - 1),
      Home: () => focusItem(0),
      End: () => focusItem(-1),
      Escape: () => close(true),
    };
    const act = keys[e.key];
    if (act) {
      e.preventDefault();
      e.stopPropagation();
      act();
    } else if (e.key === 'Tab') close(false);
  };

  return (
    <div class="actions-menu" ref={root}>
      <button
        type="button"
        ref={button}
        class="menu-button"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-controls={`actions-menu-${id}`}
        aria-label={props.label}
        onClick={() => (open() ? close(false) : show('first'))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            show(e.key === 'ArrowDown' ? 'first' : 'last');
          }
        }}
      >
        {props.text}
      </button>
      {/* rendered while closed too (hidden), so aria-controls always names an element */}
      <div role="menu" id={`actions-menu-${id}`} aria-label={props.label} class="menu" hidden={!open()} ref={menu} onKeyDown={onMenuKey}>
        <For each={props.actions}>
          {(a) => (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              classList={{ danger: a.danger === true }}
              onClick={() => {
                close(true);
                a.onSelect();
              }}
            >
              {a.label}
            </button>
          )}
        </For>
      </div>
    </div>
  );
}
