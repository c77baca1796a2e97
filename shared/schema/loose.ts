import * as v from 'valibot';

/**
 * A field typed by `typed` but validated only as `loose`. For a field whose readers already take
 * each value defensively (a default in place of a bad one) because another version may have
 * written another shape, where refusing the whole document over it would cost the person the
 * document. `typed` stays the one description of the field: the type is inferred from it, and it
 * is kept on the result (`typed`) so tests can check what this build writes against it.
 */
export function looseAs<T extends v.GenericSchema>(typed: T, loose: v.GenericSchema = v.unknown(), message = 'invalid value') {
  return Object.assign(
    v.custom<v.InferOutput<T>>((x) => v.is(loose, x), message),
    { typed },
  );
}
