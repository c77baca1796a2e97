import * as v from 'valibot';
import { KIND, SCHEMA } from './kinds.ts';
import { storedStringSchema } from './stored-string.ts';

/**
 * A document attached to a preset for retrieval (RAG): the text extracted on the device
 * (never the original bytes: a PDF's text is what the model reads), with its name, type
 * and size. One document per file, referenced from the preset's `knowledge` map.
 * Embedding vectors are derived data and live on each device (IndexedDB), never here.
 */
export const KnowledgeSchema = v.object({
  schema: v.number(),
  kind: v.literal(KIND.knowledge),
  name: v.string(),
  /** MIME type of the original file (text/markdown, application/pdf, …) */
  type: v.string(),
  /** size of the original file in bytes */
  size: v.number(),
  /**
   * the extracted text: written as an Automerge ImmutableString (one value: megabytes as
   * collaborative text would cost seconds of main-thread work and a large history for text
   * nobody edits); documents written before hold a plain string. Read it with knowledgeText().
   */
  text: storedStringSchema,
  /** skip retrieval: the whole text goes to the model (small files) */
  wholeDocument: v.boolean(),
  createdAt: v.number(),
});
export type KnowledgeDoc = v.InferOutput<typeof KnowledgeSchema>;

export function initialKnowledge(f: { name: string; type: string; size: number; text: string }, now = Date.now()): KnowledgeDoc {
  return { schema: SCHEMA.knowledge, kind: KIND.knowledge, name: f.name, type: f.type, size: f.size, text: f.text, wholeDocument: false, createdAt: now };
}

/** The text of a knowledge document, whichever way it is stored. */
export function knowledgeText(d: Pick<KnowledgeDoc, 'text'>): string {
  return typeof d.text === 'string' ? d.text : d.text.val;
}
