import * as v from 'valibot';
import { KIND, SCHEMA } from './kinds.ts';

/**
 * Pictures (avatars, chat images) live in their own documents: Automerge keeps every
 * version of a binary in history, so replacing one inside a preset would bloat it.
 */
export const BlobSchema = v.object({
  schema: v.number(),
  kind: v.literal(KIND.blob),
  mime: v.string(),
  /** the picture's bytes (any Uint8Array: the one Automerge hands back may sit on any buffer) */
  data: v.custom<Uint8Array>((x) => x instanceof Uint8Array, 'expected bytes (Uint8Array)'),
});
export type BlobDoc = v.InferOutput<typeof BlobSchema>;

export function initialBlob(mime: string, data: Uint8Array): BlobDoc {
  return { schema: SCHEMA.blob, kind: KIND.blob, mime, data };
}
