/// <reference lib="webworker" />
import type { KnowledgeFile } from './knowledge-bytes.ts';

/*
 * Builds a new knowledge document off the main thread: Automerge makes the document from the
 * extracted text and saves it whole (compressing megabytes of text takes hundreds of
 * milliseconds), and the bytes are hashed for their storage name. The page stores them and
 * the repo loads them from storage like any document (knowledge-store.ts).
 */

export interface BuildRequest {
  id: number;
  file: KnowledgeFile;
  wholeDocument: boolean;
  createdAt: number;
}

export type BuildReply = { id: number; ok: true; bytes: Uint8Array; name: string } | { id: number; ok: false; error: string };

const post = (reply: BuildReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);

// Automerge is imported on the first message, not at the top: its wasm is set up by a top-level
// await, and a module worker's messages that arrive during it would find no handler (lost).
let automerge: Promise<typeof import('./knowledge-bytes.ts')> | null = null;

self.onmessage = (e: MessageEvent<BuildRequest>) => {
  const { id, file, wholeDocument, createdAt } = e.data;
  (async () => {
    const { chunkName, knowledgeDocBytes } = await (automerge ??= import('./knowledge-bytes.ts'));
    const bytes = knowledgeDocBytes(file, wholeDocument, createdAt);
    return { bytes, name: await chunkName(bytes) };
  })().then(
    ({ bytes, name }) => post({ id, ok: true, bytes, name }, [bytes.buffer]),
    (err: unknown) => post({ id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
};
