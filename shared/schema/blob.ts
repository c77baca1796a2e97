import { KIND, SCHEMA } from './kinds.ts';

/**
 * Pictures (avatars, chat images) live in their own documents: Automerge keeps every
 * version of a binary in history, so replacing one inside a preset would bloat it.
 */
export type BlobDoc = {
  schema: number;
  kind: typeof KIND.blob;
  mime: string;
  data: Uint8Array;
};

export function initialBlob(mime: string, data: Uint8Array): BlobDoc {
  return { schema: SCHEMA.blob, kind: KIND.blob, mime, data };
}
