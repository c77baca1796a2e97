import { KIND, SCHEMA } from './kinds.ts';

/**
 * A document attached to a preset for retrieval (RAG): the text extracted on the device
 * (never the original bytes: a PDF's text is what the model reads), with its name, type
 * and size. One document per file, referenced from the preset's `knowledge` map.
 * Embedding vectors are derived data and live on each device (IndexedDB), never here.
 */
export type KnowledgeDoc = {
  schema: number;
  kind: typeof KIND.knowledge;
  name: string;
  /** MIME type of the original file (text/markdown, application/pdf, …) */
  type: string;
  /** size of the original file in bytes */
  size: number;
  /** the extracted text */
  text: string;
  /** skip retrieval: the whole text goes to the model (small files) */
  wholeDocument: boolean;
  createdAt: number;
};

export function initialKnowledge(f: { name: string; type: string; size: number; text: string }, now = Date.now()): KnowledgeDoc {
  return { schema: SCHEMA.knowledge, kind: KIND.knowledge, name: f.name, type: f.type, size: f.size, text: f.text, wholeDocument: false, createdAt: now };
}
