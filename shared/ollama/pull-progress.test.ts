import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ollama } from 'ollama/browser';
import { startFakeOllama, type FakeOllama } from '../../tests/fake-ollama/index.ts';
import { initialPullProgress, phaseOf, pullProgressFrom, reducePullProgress, type PullEvent, type PullProgress } from './pull-progress.ts';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);
const pullingA = `pulling ${'a'.repeat(12)}`;
const pullingB = `pulling ${'b'.repeat(12)}`;

function run(events: Array<[PullEvent, number]>): PullProgress {
  return pullProgressFrom(events);
}

describe('pull progress reducer', () => {
  it('starts idle and empty', () => {
    const p = initialPullProgress();
    expect(p).toMatchObject({ phase: 'idle', status: '', percent: 0, bytesDone: 0, bytesTotal: 0, speed: null, etaSeconds: null, error: null });
  });

  it('maps statuses to phases', () => {
    expect(phaseOf('pulling manifest')).toBe('manifest');
    expect(phaseOf(pullingA)).toBe('downloading');
    expect(phaseOf('verifying sha256 digest')).toBe('verifying');
    expect(phaseOf('writing manifest')).toBe('writing');
    expect(phaseOf('removing unused layers')).toBe('writing');
    expect(phaseOf('success')).toBe('success');
    expect(phaseOf('something new')).toBeNull();
  });

  it('treats a missing `completed` as 0 and tracks layers by digest', () => {
    const p = run([
      [{ status: 'pulling manifest' }, 0],
      [{ status: pullingA, digest: A, total: 1000 }, 10],
    ]);
    expect(p.phase).toBe('downloading');
    expect(p.status).toBe(pullingA);
    expect(p.layers).toEqual([{ digest: A, total: 1000, completed: 0 }]);
    expect(p.percent).toBe(0);
  });

  it('computes the overall percent over all known layers', () => {
    const p = run([
      [{ status: 'pulling manifest' }, 0],
      [{ status: pullingA, digest: A, total: 900 }, 10],
      [{ status: pullingA, digest: A, total: 900, completed: 900 }, 20],
      [{ status: pullingB, digest: B, total: 100 }, 30],
      [{ status: pullingB, digest: B, total: 100, completed: 50 }, 40],
    ]);
    expect(p.bytesTotal).toBe(1000);
    expect(p.bytesDone).toBe(950);
    expect(p.percent).toBeCloseTo(95);
    expect(p.layers.map((l) => l.digest)).toEqual([A, B]);
  });

  it('measures speed over a sliding window and derives the ETA', () => {
    const events: Array<[PullEvent, number]> = [[{ status: pullingA, digest: A, total: 10_000_000 }, 0]];
    // 1 MB/s for 5 s, sampled every 500 ms.
    for (let t = 500; t <= 5000; t += 500) events.push([{ status: pullingA, digest: A, total: 10_000_000, completed: t * 1000 }, t]);
    let p = run(events);
    expect(p.speed).toBeCloseTo(1_000_000, -3);
    expect(p.etaSeconds).toBeCloseTo(5, 1);
    // Window: samples older than 3 s (except one anchor) are dropped.
    expect(p.samples[0]!.t).toBeGreaterThanOrEqual(5000 - 3000 - 500);
    // Speed doubles: after a window the speed reflects only the new rate.
    let done = 5_000_000;
    for (let t = 5500; t <= 8500; t += 500) {
      done += 1_000_000;
      p = reducePullProgress(p, { status: pullingA, digest: A, total: 20_000_000, completed: done }, t);
    }
    expect(p.speed).toBeCloseTo(2_000_000, -4);
    expect(p.etaSeconds).toBeCloseTo((20_000_000 - done) / 2_000_000, 1);
  });

  it('has no speed nor ETA until samples span some time; a stall gives speed 0 and no ETA', () => {
    let p = run([
      [{ status: pullingA, digest: A, total: 1000 }, 0],
      [{ status: pullingA, digest: A, total: 1000, completed: 100 }, 50],
    ]);
    expect(p.speed).toBeNull();
    expect(p.etaSeconds).toBeNull();
    for (let t = 4000; t <= 8000; t += 1000) p = reducePullProgress(p, { status: pullingA, digest: A, total: 1000, completed: 100 }, t);
    expect(p.speed).toBe(0);
    expect(p.etaSeconds).toBeNull();
  });

  it('copes with `completed` never reaching `total`, then 100 % after success', () => {
    let p = run([
      [{ status: pullingA, digest: A, total: 1000, completed: 997 }, 0],
      [{ status: 'verifying sha256 digest' }, 10],
      [{ status: 'writing manifest' }, 20],
    ]);
    expect(p.phase).toBe('writing');
    expect(p.percent).toBeCloseTo(99.7);
    expect(p.speed).toBeNull();
    expect(p.etaSeconds).toBeNull();
    p = reducePullProgress(p, { status: 'success' }, 30);
    expect(p).toMatchObject({ phase: 'success', status: 'success', percent: 100, etaSeconds: 0, error: null });
  });

  it('100 % for a single {status:"success"} (stream:false)', () => {
    expect(run([[{ status: 'success' }, 0]])).toMatchObject({ phase: 'success', percent: 100 });
  });

  it('records an error and keeps the last status; later events are ignored', () => {
    let p = run([
      [{ status: 'pulling manifest' }, 0],
      [{ error: 'pull model manifest: file does not exist' }, 5],
    ]);
    expect(p).toMatchObject({ phase: 'error', error: 'pull model manifest: file does not exist', status: 'pulling manifest' });
    p = reducePullProgress(p, { status: 'success' }, 10);
    expect(p.phase).toBe('error');
  });

  it('clamps completed to total and never goes backwards for a layer', () => {
    const p = run([
      [{ status: pullingA, digest: A, total: 100, completed: 150 }, 0],
      [{ status: pullingA, digest: A, total: 100, completed: 40 }, 10],
    ]);
    expect(p.layers[0]).toEqual({ digest: A, total: 100, completed: 100 });
    expect(p.percent).toBe(100);
  });

  it('is pure: the previous state is untouched', () => {
    const p0 = run([[{ status: pullingA, digest: A, total: 100 }, 0]]);
    const snapshot = JSON.stringify(p0);
    reducePullProgress(p0, { status: pullingA, digest: A, total: 100, completed: 50 }, 10);
    expect(JSON.stringify(p0)).toBe(snapshot);
  });
});

describe('pull progress over a real stream from the fake Ollama', () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama({ pullStepDelayMs: 2, pullSteps: 4 });
    fake.setPullable({ 'hf.co/a/b:Q4_K_M': { layers: 3, totalBytes: 3_000_000 } });
  });
  afterAll(() => fake.close());

  it('goes manifest → downloading → verifying → writing → success with a growing percent', async () => {
    const ollama = new Ollama({ host: fake.url });
    let p = initialPullProgress();
    const phases: string[] = [];
    const percents: number[] = [];
    for await (const ev of await ollama.pull({ model: 'hf.co/a/b:Q4_K_M', stream: true })) {
      p = reducePullProgress(p, ev, Date.now());
      if (phases.at(-1) !== p.phase) phases.push(p.phase);
      percents.push(p.percent);
    }
    expect(phases).toEqual(['manifest', 'downloading', 'verifying', 'writing', 'success']);
    expect(p.layers).toHaveLength(3);
    expect(p.bytesTotal).toBe(3_000_000);
    expect(p.percent).toBe(100);
  });
});
