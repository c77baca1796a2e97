/**
 * Disk work of all accounts, taken round-robin: each account has its own FIFO and the queue
 * serves one task of each account with work in turn. One account's flood of puts or pulls
 * therefore delays another account by at most one task per slot, not by the flood's length.
 */
type Task = () => Promise<void>;

export class FairQueue {
  /** Map order is the rotation: an account that was served goes to the end. */
  readonly #queues = new Map<string, Task[]>();
  #running = 0;
  readonly #concurrency: number;

  constructor(concurrency = 2) {
    this.#concurrency = Math.max(1, concurrency);
  }

  run<T>(account: string, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const task: Task = () => fn().then(resolve, reject);
      const q = this.#queues.get(account);
      if (q) q.push(task);
      else this.#queues.set(account, [task]);
      this.#pump();
    });
  }

  /** Tasks waiting (not running), all accounts. */
  waiting(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  #pump(): void {
    while (this.#running < this.#concurrency) {
      const next = this.#queues.entries().next();
      if (next.done) return;
      const [account, q] = next.value;
      const task = q.shift();
      this.#queues.delete(account);
      if (q.length > 0) this.#queues.set(account, q);
      if (!task) continue;
      this.#running++;
      void task().finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }
}
