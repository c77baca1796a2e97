import * as A from '@automerge/automerge';
import { initialKnowledge, type KnowledgeDoc } from '../../shared/schema/knowledge.ts';
import { sha256Hex } from '../../shared/rag/hash.ts';

/*
 * A new knowledge document, as the repo would create it and as it would be stored. Shared by
 * the page (repo.create, when the worker is not available) and the knowledge document worker
 * (knowledge-doc.worker.ts), so both paths write the same fields the same way.
 */

/** An extracted file: its text and what the document says about the original. */
export interface KnowledgeFile {
  name: string;
  type: string;
  size: number;
  text: string;
}

/** The first state of a knowledge document: its text as one immutable value (see KnowledgeDoc.text). */
export function knowledgeInitial(f: KnowledgeFile, wholeDocument: boolean, now = Date.now()): KnowledgeDoc {
  return { ...initialKnowledge(f, now), text: new A.ImmutableString(f.text), wholeDocument };
}

/**
 * The new document saved whole (`A.save`: one document chunk, columns compressed), the bytes
 * automerge-repo writes as a document's first snapshot. For a large text this is the costly
 * part (the compression), hence done in a worker.
 */
export function knowledgeDocBytes(f: KnowledgeFile, wholeDocument: boolean, now: number): Uint8Array<ArrayBuffer> {
  const doc = A.from<KnowledgeDoc>(knowledgeInitial(f, wholeDocument, now));
  try {
    // a copy out of the wasm memory, so its own ArrayBuffer (transferable)
    return A.save(doc) as Uint8Array<ArrayBuffer>;
  } finally {
    A.free(doc);
  }
}

/** A storage name for the bytes: their SHA-256 in hex (as automerge-repo names its chunks), never `relay-…`. */
export function chunkName(bytes: Uint8Array): Promise<string> {
  return sha256Hex(bytes);
}
