import { createContext, useContext, type Context, type JSX, type ParentProps } from 'solid-js';

/*
 * The one shape of the app's contexts: a Provider, and a `use*` reader that throws when the
 * provider is missing (a missing provider is a wiring bug, never a state to render).
 */

export interface ContextNames {
  /** the reader's name, first in the error */
  use: string;
  /** the provider's name, in the error */
  provider: string;
  /** where to mount the provider, added to the error */
  hint?: string;
}

export interface DefinedContext<T> {
  Provider: Context<T | undefined>['Provider'];
  /** the provider's value; throws `<use> outside <provider>` without one */
  use: () => T;
}

/** A context whose provider is written by hand (it computes its value from other contexts). */
export function defineContext<T>(names: ContextNames): DefinedContext<T> {
  const context = createContext<T>();
  const message = `${names.use} outside ${names.provider}${names.hint ? ` (${names.hint})` : ''}`;
  return {
    Provider: context.Provider,
    use() {
      const value = useContext(context);
      if (value === undefined) throw new Error(message);
      return value;
    },
  };
}

/**
 * A context holding one store made by `create` when its provider mounts (so `create` may read the
 * contexts above it and own reactive computations for the provider's lifetime).
 */
export function defineStoreContext<T>(
  names: ContextNames,
  create: () => T,
): { Provider: (props: ParentProps) => JSX.Element; use: () => T } {
  const { Provider, use } = defineContext<T>(names);
  return {
    Provider: (props) => <Provider value={create()}>{props.children}</Provider>,
    use,
  };
}
