import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from './calc.ts';
import { runToolLoop, type LoopRequest, type LoopPart } from './loop.ts';
import { runSandboxed, type SandboxDescription, type TimeLimitTimer, type WorkerLike } from './sandbox.ts';
import { nodeWorker } from './node-worker.test-helpers.ts';
import { startFakeOllama, type FakeOllama } from '../../tests/fake-ollama/index.ts';

describe('calculator (no eval)', () => {
  it('evaluates arithmetic with precedence, powers, functions and constants', () => {
    expect(evaluate('2 + 3 * 4')).toBe(14);
    expect(evaluate('(2 + 3) * 4')).toBe(20);
    expect(evaluate('2 ^ 3 ^ 2')).toBe(512);
    expect(evaluate('-2 ^ 2')).toBe(-4);
    expect(evaluate('sqrt(16) + max(1, 7, 3) - 10 % 4')).toBe(9);
    expect(evaluate('2 * pi')).toBeCloseTo(6.283185);
    expect(evaluate('1.5e3 / 3')).toBe(500);
  });
  it('refuses anything that is not arithmetic', () => {
    expect(() => evaluate('alert(1)')).toThrow(/unknown function/);
    expect(() => evaluate('constructor')).toThrow(/unknown name/);
    expect(() => evaluate('this.x')).toThrow();
    expect(() => evaluate('1 +')).toThrow(/end/);
    expect(() => evaluate('"a"')).toThrow(/unexpected character/);
  });
});

describe('tool-call loop against the scripted fake Ollama', () => {
  let fake: FakeOllama;
  beforeAll(async () => {
    fake = await startFakeOllama({ models: [{ name: 'llama3.2', capabilities: ['completion', 'tools'] }], tokensPerSecond: 0 });
  });
  afterAll(() => fake.close());

  async function* ndjson(res: Response): AsyncIterable<LoopPart> {
    const text = await res.text();
    for (const line of text.split('\n')) if (line.trim()) yield JSON.parse(line) as LoopPart;
  }
  const chat = async (body: LoopRequest) => ndjson(await fetch(fake.url + '/api/chat', { method: 'POST', body: JSON.stringify({ ...body, stream: true }) }));

  it('runs the calls, sends role:tool results with tool_name, and ends on the text answer', async () => {
    fake.scriptChat({ toolCalls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] });
    fake.scriptChat({ content: 'The answer is 42.' });
    const records: unknown[] = [];
    const tools = [{ type: 'function', function: { name: 'calculator', description: 'math', parameters: { type: 'object', properties: { expression: { type: 'string' } } } } }];
    const res = await runToolLoop({
      request: { model: 'llama3.2', messages: [{ role: 'user', content: 'What is 6*7?' }], tools },
      chat,
      execute: async (_name, args) => ({ result: String(evaluate(String(args.expression))), error: false }),
      onToolCall: (r) => records.push(r),
    });
    expect(res.content).toBe('The answer is 42.');
    expect(res.requests).toBe(2);
    expect(records).toEqual([{ name: 'calculator', arguments: '{"expression":"6 * 7"}', result: '42', error: false }]);
    const second = fake.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as { messages: unknown[]; tools: unknown[] };
    expect(second.tools).toEqual(tools);
    expect(second.messages).toEqual([
      { role: 'user', content: 'What is 6*7?' },
      { role: 'assistant', content: '', tool_calls: [expect.objectContaining({ function: expect.objectContaining({ name: 'calculator', arguments: { expression: '6 * 7' } }) })] },
      { role: 'tool', tool_name: 'calculator', content: '42' },
    ]);
  });

  it('caps the rounds: the last request goes without tools', async () => {
    for (let i = 0; i < 3; i++) fake.scriptChat({ toolCalls: [{ name: 'clock', arguments: {} }] });
    fake.scriptChat({ content: 'Done.' });
    let runs = 0;
    const res = await runToolLoop({
      request: { model: 'llama3.2', messages: [{ role: 'user', content: 'Loop' }], tools: [{ type: 'function', function: { name: 'clock' } }] },
      chat,
      maxRounds: 2,
      execute: async () => {
        runs++;
        if (runs === 2) throw new Error('broken tool');
        return { result: 'noon', error: false };
      },
    });
    expect(runs).toBe(2);
    expect(res.requests).toBe(3);
    const last = fake.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as { tools?: unknown; messages: Array<{ content: string }> };
    expect(last.tools).toBeUndefined();
    expect(last.messages.at(-1)!.content).toBe('Error: broken tool');
    // the third scripted tool call was answered without tools: its text is empty, the script after it is left
    fake.scriptChat({ content: 'x' });
  });
});

describe('sandbox (Node worker_threads stand-in for the browser Worker)', () => {
  // A limit far above any busy machine's worker start-up: only the time-limit test means to reach it.
  const run = (code: string, req: Parameters<typeof runSandboxed>[2], timeoutMs = 120_000) => runSandboxed(nodeWorker, code, req, { timeoutMs });

  it('describes and runs tools', async () => {
    const code = `const tools = [{ name: 'add', description: 'adds', parameters: { type: 'object' }, run: ({ a, b }) => a + b }];`;
    const d = await run(code, { op: 'describe' });
    expect(d).toEqual({ ok: true, value: { tools: [{ name: 'add', description: 'adds', parameters: { type: 'object' } }], inlet: false, outlet: false, action: false } satisfies SandboxDescription });
    expect(await run(code, { op: 'tool', name: 'add', args: { a: 2, b: 3 } })).toEqual({ ok: true, value: 5 });
  });

  it('stops an infinite loop when its time limit ends, and ends its worker', async () => {
    // The time limit is a timer the test ends itself: nothing here depends on how fast the machine is.
    let expire = (): void => {};
    let armed = (_ms: number): void => {};
    const limitSet = new Promise<number>((resolve) => (armed = resolve));
    const timer: TimeLimitTimer = (ms, onExpire) => {
      expire = onExpire;
      armed(ms);
      return () => {};
    };
    let terminated = 0;
    const workers: WorkerLike[] = [];
    const tracked = (script: string): WorkerLike => {
      const w = nodeWorker(script);
      workers.push(w);
      return { ...w, terminate: () => { terminated++; w.terminate(); } };
    };
    const running = runSandboxed(tracked, 'function inlet(r) { for (;;) {} }', { op: 'inlet', value: {} }, { timeoutMs: 500, timer });
    expect(await limitSet).toBe(500);
    expire();
    expect(await running).toMatchObject({ ok: false, timeout: true, error: 'stopped after 0.5 s (time limit)' });
    expect(workers).toHaveLength(1);
    expect(terminated).toBe(1);
    // With the real timer too (a loop at the top level): it ends, however long the machine takes.
    const top = await run('while (true) {}', { op: 'describe' }, 500);
    expect(top).toMatchObject({ ok: false, timeout: true });
  });

  it('has no access to indexedDB or document, even through prototypes', async () => {
    const code = `function action() { return [typeof indexedDB, typeof document, typeof globalThis.indexedDB, typeof require, typeof process].join(','); }`;
    expect(await run(code, { op: 'action', value: {} })).toEqual({ ok: true, value: 'undefined,undefined,undefined,undefined,undefined' });
  });

  it('reports errors with the line in the user code', async () => {
    const code = `// line 1\nfunction outlet(m) {\n  return m.content.toUpperCase();\n}\nfunction action(m) {\n  throw new Error('nope');\n}`;
    expect(await run(code, { op: 'outlet', value: { content: 'hi' } })).toEqual({ ok: true, value: 'HI' });
    expect(await run(code, { op: 'action', value: {} })).toEqual({ ok: false, error: 'nope', line: 6 });
    const top = await run('const a = 1;\nnull.x;\n', { op: 'describe' });
    expect(top).toMatchObject({ ok: false, line: 2 });
    const syntax = await run('const a = 1;\nconst = ;\n', { op: 'describe' });
    expect(syntax).toMatchObject({ ok: false, line: 2 });
  });
});
