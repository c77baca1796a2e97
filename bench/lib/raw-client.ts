/**
 * A protocol-level sync client (automerge-repo's WebSocket protocol, CBOR frames): joins, asks
 * the relay for documents the way a new device's Repo does (a `request` carrying an empty
 * document's sync message) and receives them, without applying them. For the relay-memory
 * figure, where the relay's work and memory are measured and applying 20,000 documents in this
 * process would make the clients, not the relay, the bottleneck.
 */
import { randomBytes } from 'node:crypto';
import * as A from '@automerge/automerge';
import { cbor } from '@automerge/automerge-repo';
import WebSocket from 'ws';

type Frame = { type: string; senderId?: string; targetId?: string; documentId?: string; data?: Uint8Array };

export interface RawClient {
  peerId: string;
  /** Requests every document, `concurrency` at a time; resolves with how many arrived / were unavailable or unanswered. */
  fetchAll(documentIds: string[], concurrency?: number, timeoutMs?: number): Promise<{ arrived: number; unavailable: number }>;
  close(): Promise<void>;
}

let counter = 0;

export async function connectRawClient(syncUrl: string, timeoutMs = 20_000): Promise<RawClient> {
  const peerId = `bench-raw-${process.pid}-${++counter}`;
  const ws = new WebSocket(syncUrl);
  ws.binaryType = 'nodebuffer';
  ws.on('error', () => {});
  const waiting = new Map<string, (ok: boolean) => void>();
  let relayId: string | null = null;
  const joined = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('raw client: no peer message')), timeoutMs);
    ws.on('message', (data: Buffer) => {
      let msg: Frame;
      try {
        msg = cbor.decode<Frame>(new Uint8Array(data));
      } catch {
        return;
      }
      if (msg.type === 'peer') {
        relayId = msg.senderId ?? null;
        clearTimeout(timer);
        resolve();
        return;
      }
      if (msg.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`raw client: relay error ${String((msg as { message?: string }).message)}`));
        return;
      }
      const id = msg.documentId;
      if (!id) return;
      const done = waiting.get(id);
      if (!done) return;
      if (msg.type === 'sync') {
        waiting.delete(id);
        done(true);
      } else if (msg.type === 'doc-unavailable') {
        waiting.delete(id);
        done(false);
      }
    });
    ws.once('close', () => {
      clearTimeout(timer);
      for (const [id, done] of waiting) {
        waiting.delete(id);
        done(false);
      }
      reject(new Error('raw client: socket closed'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`raw client: upgrade refused (${res.statusCode})`)));
  });
  ws.send(
    cbor.encode({
      type: 'join',
      senderId: peerId,
      peerMetadata: { storageId: randomBytes(16).toString('hex'), isEphemeral: false },
      supportedProtocolVersions: ['1'],
    }),
  );
  await joined;
  // What a Repo sends for a document it does not have: the sync message of an empty document.
  const [, emptyRequest] = A.generateSyncMessage(A.init(), A.initSyncState());
  if (!emptyRequest) throw new Error('raw client: no sync message for an empty document');

  return {
    peerId,
    async fetchAll(documentIds, concurrency = 50, perDocTimeoutMs = 60_000) {
      let arrived = 0;
      let unavailable = 0;
      let next = 0;
      const worker = async () => {
        while (next < documentIds.length) {
          const documentId = documentIds[next++]!;
          const ok = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              waiting.delete(documentId);
              resolve(false);
            }, perDocTimeoutMs);
            waiting.set(documentId, (v) => {
              clearTimeout(timer);
              resolve(v);
            });
            if (ws.readyState !== WebSocket.OPEN) {
              waiting.delete(documentId);
              clearTimeout(timer);
              resolve(false);
              return;
            }
            ws.send(cbor.encode({ type: 'request', senderId: peerId, targetId: relayId, documentId, data: emptyRequest }));
          });
          if (ok) arrived++;
          else unavailable++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return { arrived, unavailable };
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2_000);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.close(1000);
      }),
  };
}
