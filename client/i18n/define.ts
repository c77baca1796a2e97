/** Strings of one area of the app, in both languages; fr must have exactly en's keys. */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

export function defineStrings<const T>(en: T, fr: Widen<T>): { en: T; fr: Widen<T> } {
  return { en, fr };
}
