/**
 * The document bundle: every stored document of an account a device lacks, in one HTTP
 * response (POST /api/bundle), so a new device does not need one sync exchange per document.
 *
 * Layout: the 4-byte magic "ATB1", then records, then an end record:
 *   record  = u16 id length, id (ASCII document id), u32 data length, data
 *   count   = u16 0xFFFF, u32 number of documents in the bundle (once, for progress; it may
 *             come after the first document, which the relay sends before listing the rest)
 *   end     = u16 0
 * `data` is what the relay stores for the document (its chunks concatenated: a saved
 * document followed by changes), which Automerge's loadIncremental reads as one document.
 * The end record tells a complete bundle from one cut short.
 */

export const BUNDLE_MAGIC = new Uint8Array([0x41, 0x54, 0x42, 0x31]); // "ATB1"
/** Largest document accepted in a bundle (the relay's frame limit is 32 MB by default). */
export const MAX_BUNDLE_DOC_BYTES = 256 * 1024 * 1024;
/** automerge-repo document ids are base58check strings; anything else is not ours. */
const DOC_ID_RE = /^[1-9A-HJ-NP-Za-km-z]{20,64}$/;

export function isBundleDocumentId(id: string): boolean {
  return DOC_ID_RE.test(id);
}

export interface BundleRecord {
  documentId: string;
  data: Uint8Array;
}

/** Header bytes of one record (the data follows). */
export function encodeRecordHeader(documentId: string, dataLength: number): Uint8Array {
  const out = new Uint8Array(2 + documentId.length + 4);
  const view = new DataView(out.buffer);
  view.setUint16(0, documentId.length);
  for (let i = 0; i < documentId.length; i++) out[2 + i] = documentId.charCodeAt(i);
  view.setUint32(2 + documentId.length, dataLength);
  return out;
}

export const BUNDLE_END = new Uint8Array([0, 0]);
const COUNT_MARK = 0xffff;

export function encodeCount(documents: number): Uint8Array {
  const out = new Uint8Array(6);
  const view = new DataView(out.buffer);
  view.setUint16(0, COUNT_MARK);
  view.setUint32(2, documents);
  return out;
}

export class BundleFormatError extends Error {}

/**
 * Incremental reader: feed it the response's chunks as they come; it returns the records
 * completed so far. `finish()` throws if the bundle ended early or was not a bundle.
 */
export class BundleReader {
  /** Unread bytes are #buf[#start, #end); the array grows by doubling, so appends stay linear. */
  #buf = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  #sawMagic = false;
  #done = false;
  /** Documents in the bundle, once the relay has said (null before). */
  total: number | null = null;

  push(chunk: Uint8Array): BundleRecord[] {
    if (this.#done) {
      if (chunk.length) throw new BundleFormatError('data after the end of the bundle');
      return [];
    }
    this.#append(chunk);
    const out: BundleRecord[] = [];
    if (!this.#sawMagic) {
      if (this.#available() < BUNDLE_MAGIC.length) return out;
      for (let i = 0; i < BUNDLE_MAGIC.length; i++) {
        if (this.#buf[this.#start + i] !== BUNDLE_MAGIC[i]) throw new BundleFormatError('not a document bundle');
      }
      this.#start += BUNDLE_MAGIC.length;
      this.#sawMagic = true;
    }
    for (;;) {
      if (this.#available() < 2) break;
      const view = new DataView(this.#buf.buffer, this.#buf.byteOffset + this.#start, this.#available());
      const idLength = view.getUint16(0);
      if (idLength === 0) {
        this.#start += 2;
        if (this.#available() > 0) throw new BundleFormatError('data after the end of the bundle');
        this.#done = true;
        break;
      }
      if (idLength === COUNT_MARK) {
        if (this.#available() < 6) break;
        this.total = view.getUint32(2);
        this.#start += 6;
        continue;
      }
      if (this.#available() < 2 + idLength + 4) break;
      const dataLength = view.getUint32(2 + idLength);
      if (dataLength > MAX_BUNDLE_DOC_BYTES) throw new BundleFormatError('document too large');
      if (this.#available() < 2 + idLength + 4 + dataLength) break;
      const idStart = this.#start + 2;
      const documentId = String.fromCharCode(...this.#buf.subarray(idStart, idStart + idLength));
      if (!isBundleDocumentId(documentId)) throw new BundleFormatError('invalid document id');
      const dataStart = idStart + idLength + 4;
      // A copy: the buffer is reused for the next chunks.
      out.push({ documentId, data: this.#buf.slice(dataStart, dataStart + dataLength) });
      this.#start = dataStart + dataLength;
    }
    return out;
  }

  finish(): void {
    if (!this.#done) throw new BundleFormatError(this.#sawMagic ? 'the bundle ended early' : 'not a document bundle');
  }

  #available(): number {
    return this.#end - this.#start;
  }

  #append(chunk: Uint8Array): void {
    const rest = this.#available();
    if (this.#end + chunk.length > this.#buf.length) {
      let size = this.#buf.length;
      // Keep at least half free after moving, or tiny chunks would move the same bytes each time.
      while (size < 2 * (rest + chunk.length)) size *= 2;
      const next = size === this.#buf.length ? this.#buf : new Uint8Array(size);
      next.set(this.#buf.subarray(this.#start, this.#end), 0);
      this.#buf = next;
      this.#start = 0;
      this.#end = rest;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }
}
