/**
 * A hard cap on the documents the relay works on at once (all accounts together).
 *
 * Why: Automerge's wasm memory never shrinks, so the most documents ever loaded at once sets the
 * relay's RSS for the rest of its life. Unloading idle documents after the fact is not enough:
 * a few clients each asking for thousands of documents keep hundreds of requests in flight, the
 * repo starts loading every one of them at once, and the event loop is too busy for the idle
 * sweep to run (measured: 500 documents and 213 MB of wasm memory within the first seconds of the
 * relay-memory benchmark, with the cap at 200).
 *
 * A message about a document that holds a slot goes through at once. One about any other
 * document takes a free slot, or waits (first come, first served, never refused) until a slot is
 * released, i.e. until a document is unloaded. Messages about one document keep their order.
 * The one exception (overflow): when every slot is held by a document in live use, the
 * documents waiting longest are admitted past the cap, so busy documents never starve others.
 */
export class LoadGate {
  readonly #cap: number;
  /** Slots held: account id → document id → when the slot was taken (ms). */
  readonly #held = new Map<string, Map<string, number>>();
  #count = 0;
  /** Documents waiting for a slot, in order of arrival, each with its messages in order. */
  readonly #waiting = new Map<string, { accountId: string; documentId: string; run: Array<() => void> }>();

  constructor(cap: number) {
    this.#cap = Math.max(1, cap);
  }

  /** Documents waiting for a slot. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Slots held now. */
  get held(): number {
    return this.#count;
  }

  holds(accountId: string, documentId: string): boolean {
    return this.#held.get(accountId)?.has(documentId) ?? false;
  }

  /** The documents of an account holding a slot, with when each took it. */
  heldBy(accountId: string): ReadonlyMap<string, number> {
    return this.#held.get(accountId) ?? new Map<string, number>();
  }

  /**
   * True when a message about the document may go through now (it holds a slot, or takes a free
   * one while nothing waits): the common case, checked without queueing anything. Otherwise
   * the caller queues it with `admit`. (A document holding a slot never has messages waiting.)
   */
  enter(accountId: string, documentId: string): boolean {
    return this.holds(accountId, documentId) || (this.#waiting.size === 0 && this.#take(accountId, documentId));
  }

  /** Runs `run` now if the document holds a slot or one is free; otherwise once one is. */
  admit(accountId: string, documentId: string, run: () => void): void {
    const key = `${accountId}\u0000${documentId}`;
    const queued = this.#waiting.get(key);
    if (queued) {
      queued.run.push(run);
      return;
    }
    if (this.holds(accountId, documentId) || this.#take(accountId, documentId)) {
      run();
      return;
    }
    this.#waiting.set(key, { accountId, documentId, run: [run] });
  }

  /** The document was unloaded (or never loaded): its slot goes to the next waiting document. */
  release(accountId: string, documentId: string): void {
    const docs = this.#held.get(accountId);
    if (!docs?.delete(documentId)) return;
    this.#count--;
    if (docs.size === 0) this.#held.delete(accountId);
    this.#admitWaiting();
  }

  /** The account was closed: its slots are free, and its waiting messages are dropped (their sockets are gone). */
  releaseAccount(accountId: string): void {
    for (const [key, w] of this.#waiting) if (w.accountId === accountId) this.#waiting.delete(key);
    const docs = this.#held.get(accountId);
    if (!docs) return;
    this.#count -= docs.size;
    this.#held.delete(accountId);
    this.#admitWaiting();
  }

  /**
   * Admits up to `max` documents past the cap, those waiting longest first; returns how many.
   * For when every slot is held by a document in live use (a client editing it): waiting for
   * one of those to fall quiet could take forever.
   */
  overflow(max = 1): number {
    let admitted = 0;
    for (const [key, w] of this.#waiting) {
      if (admitted >= max) break;
      this.#waiting.delete(key);
      this.#hold(w.accountId, w.documentId);
      admitted++;
      for (const run of w.run) run();
    }
    return admitted;
  }

  #take(accountId: string, documentId: string): boolean {
    if (this.#count >= this.#cap) return false;
    this.#hold(accountId, documentId);
    return true;
  }

  #hold(accountId: string, documentId: string): void {
    let docs = this.#held.get(accountId);
    if (!docs) this.#held.set(accountId, (docs = new Map()));
    docs.set(documentId, Date.now());
    this.#count++;
  }

  #admitWaiting(): void {
    for (const [key, w] of this.#waiting) {
      if (!this.#take(w.accountId, w.documentId)) return;
      this.#waiting.delete(key);
      for (const run of w.run) run();
    }
  }
}
