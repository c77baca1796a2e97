import { describe, expect, it } from 'vitest';
import { makePullManager, type PullJob, type PullSource } from './pull-manager.ts';
import { OllamaError } from './client.ts';
import type { PullEvent } from '../../shared/ollama/pull-progress.ts';

/** Waits for the manager to get there (its stream loop runs on promises), not for a fixed time. */
const until = <T,>(fn: () => T) => expect.poll(fn, { timeout: 60_000, interval: 1 });

/** A pull source whose streams the test drives by hand. */
function manualSource() {
  const streams = new Map<string, { push: (e: PullEvent) => void; fail: (e: unknown) => void; end: () => void; signal: AbortSignal }>();
  const started: string[] = [];
  const source: PullSource = {
    endpoint: 'http://ollama.test:11434',
    async pull(model, { signal }) {
      started.push(model);
      const queue: Array<{ e?: PullEvent; err?: unknown; end?: true }> = [];
      let wake: (() => void) | null = null;
      const put = (x: (typeof queue)[number]) => {
        queue.push(x);
        wake?.();
      };
      streams.set(model, { push: (e) => put({ e }), fail: (err) => put({ err }), end: () => put({ end: true }), signal });
      signal.addEventListener('abort', () => put({ err: new OllamaError({ code: 'aborted' }, null) }));
      return {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            while (queue.length === 0) await new Promise<void>((r) => (wake = r));
            const x = queue.shift()!;
            if (x.err) throw x.err;
            if (x.end) return;
            yield x.e!;
            if (x.e!.status === 'success') return;
          }
        },
      };
    },
  };
  return { source, streams, started };
}

function setup(max = 3) {
  const s = manualSource();
  let last: readonly PullJob[] = [];
  const succeeded: string[] = [];
  let t = 1000;
  const m = makePullManager({
    source: () => s.source,
    onChange: (j) => (last = j),
    onSuccess: (j) => succeeded.push(j.model),
    maxConcurrent: max,
    throttleMs: 0,
    now: () => (t += 100),
  });
  return { ...s, m, jobs: () => last, succeeded };
}

describe('pull manager', () => {
  it('runs a pull through the progress reducer to success', async () => {
    const { m, streams, jobs, succeeded } = setup();
    const r = m.start('ollama run hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M');
    expect(r.ok).toBe(true);
    await until(() => streams.has('hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M')).toBe(true);
    const s = streams.get('hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M')!;
    s.push({ status: 'pulling manifest' });
    s.push({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000 });
    s.push({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000, completed: 500 });
    await until(() => jobs()[0]?.progress.percent).toBe(50);
    expect(jobs()[0]!.state).toBe('running');
    expect(jobs()[0]!.endpoint).toBe('http://ollama.test:11434');
    s.push({ status: 'verifying sha256 digest' });
    s.push({ status: 'writing manifest' });
    s.push({ status: 'success' });
    await until(() => jobs()[0]?.state).toBe('success');
    expect(jobs()[0]!.progress.percent).toBe(100);
    expect(succeeded).toEqual(['hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M']);
  });

  it('refuses invalid names and duplicates of an active pull', async () => {
    const { m } = setup();
    expect(m.start('not a name!')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(m.start('qwen3:4b').ok).toBe(true);
    expect(m.start('ollama pull QWEN3:4b')).toMatchObject({ ok: false, reason: 'already' });
  });

  it('runs at most 3 at once and queues the rest', async () => {
    const { m, streams, jobs, started } = setup(3);
    for (const n of ['a1', 'a2', 'a3', 'a4']) m.start(n);
    await until(() => [...started]).toEqual(['a1', 'a2', 'a3']);
    expect(jobs().map((j) => j.state)).toEqual(['running', 'running', 'running', 'queued']);
    streams.get('a2')!.push({ status: 'success' });
    await until(() => [...started]).toEqual(['a1', 'a2', 'a3', 'a4']);
    await until(() => jobs()[3]?.state).toBe('running');
    expect(jobs().map((j) => j.state)).toEqual(['running', 'success', 'running', 'running']);
  });

  it('cancels a running pull by aborting its stream, and a queued one without starting it', async () => {
    const { m, streams, jobs, started } = setup(1);
    const a = m.start('a1');
    const b = m.start('b1');
    await until(() => streams.has('a1')).toBe(true);
    if (!a.ok || !b.ok) throw new Error('start failed');
    m.cancel(b.job.id);
    expect(jobs()[1]!.state).toBe('cancelled');
    m.cancel(a.job.id);
    expect(streams.get('a1')!.signal.aborted).toBe(true);
    await until(() => jobs().map((j) => j.state)).toEqual(['cancelled', 'cancelled']);
    expect(started).toEqual(['a1']);
    m.dismiss(a.job.id);
    expect(jobs()).toHaveLength(1);
  });

  it('reports an in-stream error with its diagnosis', async () => {
    const { m, streams, jobs, succeeded } = setup();
    m.start('nosuchmodel');
    await until(() => streams.has('nosuchmodel')).toBe(true);
    streams.get('nosuchmodel')!.push({ status: 'pulling manifest' });
    streams.get('nosuchmodel')!.fail(new OllamaError({ code: 'model-not-found', model: 'nosuchmodel', where: 'registry' }, new Error('pull model manifest: file does not exist')));
    await until(() => jobs()[0]?.state).toBe('error');
    expect(jobs()[0]!.diagnosis).toEqual({ code: 'model-not-found', model: 'nosuchmodel', where: 'registry' });
    expect(succeeded).toEqual([]);
    // A new attempt replaces the failed row.
    expect(m.start('nosuchmodel').ok).toBe(true);
    expect(jobs()).toHaveLength(1);
  });

  it('pulls a previous page left unfinished come back interrupted; pulling again resumes them; what is unfinished is reported for saving', async () => {
    const s = manualSource();
    const saved: Array<Array<{ model: string }>> = [];
    const m = makePullManager({
      source: () => s.source,
      onChange: () => {},
      throttleMs: 0,
      interrupted: [{ model: 'smollm2:135m', endpoint: 'http://ollama.test:11434', createdAt: 5 }],
      onUnfinished: (p) => saved.push(p),
    });
    expect(m.jobs().map((j) => [j.model, j.state])).toEqual([['smollm2:135m', 'interrupted']]);
    expect(s.started).toEqual([]);

    const r = m.start('smollm2:135m');
    expect(r.ok).toBe(true);
    expect(m.jobs().map((j) => [j.model, j.state])).toEqual([['smollm2:135m', 'running']]);
    expect(s.started).toEqual(['smollm2:135m']);
    expect(saved.at(-1)).toEqual([{ model: 'smollm2:135m', endpoint: 'http://ollama.test:11434', createdAt: expect.any(Number) }]);

    await until(() => s.streams.has('smollm2:135m')).toBe(true);
    s.streams.get('smollm2:135m')!.push({ status: 'success' });
    await until(() => m.jobs()[0]?.state).toBe('success');
    expect(saved.at(-1)).toEqual([]);
  });
});
