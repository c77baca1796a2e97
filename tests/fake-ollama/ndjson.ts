/**
 * NDJSON streaming as Ollama's streamResponse does it: `application/x-ndjson`,
 * one Go-marshalled object per line, each line ending in "\n", flushed per line.
 */
import type { ServerResponse } from 'node:http';
import { goMarshal } from './gojson.ts';

export class NdjsonWriter {
  private started = false;
  /**
   * @param chunkBytes when > 0, every line is written in pieces of that many bytes with a
   *   short pause between them, so the client receives lines split across network chunks
   *   (even inside a multi-byte UTF-8 character), as through a proxy.
   */
  constructor(
    private readonly res: ServerResponse,
    private readonly chunkBytes = 0,
  ) {}

  get isStarted(): boolean {
    return this.started;
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** Writes one line; resolves once the socket took it (or immediately when it is gone). */
  write(value: unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.started) {
      this.started = true;
      this.res.statusCode = 200;
      this.res.setHeader('Content-Type', 'application/x-ndjson');
      this.res.flushHeaders();
    }
    const line = Buffer.from(goMarshal(value) + '\n', 'utf8');
    if (this.chunkBytes > 0) return this.writePieces(line);
    return this.writeRaw(line);
  }

  private writeRaw(buf: Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const ok = this.res.write(buf, () => resolve());
      if (!ok) this.res.once('drain', () => resolve());
    });
  }

  private async writePieces(line: Buffer): Promise<void> {
    for (let i = 0; i < line.length; i += this.chunkBytes) {
      if (this.closed) return;
      await this.writeRaw(line.subarray(i, i + this.chunkBytes));
      await sleep(1);
    }
  }

  /** Once the stream started, errors are a last `{"error":"…"}` line (json.Encoder adds the newline). */
  async writeError(message: string): Promise<void> {
    await this.write({ error: message });
  }

  end(): void {
    if (this.closed) return;
    if (!this.started) {
      // An empty stream: still a 200 NDJSON response.
      this.res.statusCode = 200;
      this.res.setHeader('Content-Type', 'application/x-ndjson');
    }
    this.res.end();
  }
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
