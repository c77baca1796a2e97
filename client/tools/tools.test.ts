import { describe, expect, it } from 'vitest';
import { BUILTINS, builtinById } from './builtins.ts';
import { baseModelToolSupport } from './capability.ts';
import { TEMPLATES } from './templates.ts';
import { runSandboxed } from '../../shared/tools/sandbox.ts';
import { nodeWorker } from '../../shared/tools/node-worker.test-helpers.ts';

describe('built-ins', () => {
  it('calculator answers exactly and reports bad input as an error', () => {
    const calc = builtinById('builtin:calculator')!;
    expect(calc.run!('calculator', { expression: '0.1 + 0.2' })).toBe('0.3');
    expect(calc.run!('calculator', { expression: '2 ^ 10' })).toBe('1024');
    expect(() => calc.run!('calculator', { expression: 'process.exit()' })).toThrow();
  });
  it('clock gives the ISO time and a time zone', () => {
    const before = Date.now();
    const out = JSON.parse(builtinById('builtin:clock')!.run!('get_current_datetime', {})) as { iso: string; timeZone: string };
    // the time of the call (to the second: an ISO time may leave out the milliseconds)
    expect(Date.parse(out.iso)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(out.iso)).toBeLessThanOrEqual(Date.now());
    expect(out.timeZone).toBeTruthy();
  });
  it('has a tool per function name and one action', () => {
    expect(BUILTINS.filter((b) => b.toolType === 'action').map((b) => b.id)).toEqual(['builtin:copy-markdown']);
  });
});

describe('tools capability', () => {
  const known = [
    { name: 'llama3.2:latest', size: 1, family: '', parameterSize: '', quantization: '', capabilities: ['completion', 'tools'] },
    { name: 'llava:7b', size: 1, family: '', parameterSize: '', quantization: '', capabilities: ['completion', 'vision'] },
    { name: 'old:1b', size: 1, family: '', parameterSize: '', quantization: '', capabilities: [] },
  ];
  it('is yes, no or unknown from the known models', () => {
    expect(baseModelToolSupport('llama3.2', known)).toBe('yes');
    expect(baseModelToolSupport('llava:7b', known)).toBe('no');
    expect(baseModelToolSupport('old:1b', known)).toBe('unknown');
    expect(baseModelToolSupport('missing', known)).toBe('unknown');
  });
});

describe('starting templates', () => {
  it('each describes itself in the sandbox', async () => {
    const tool = await runSandboxed(nodeWorker, TEMPLATES.tool, { op: 'describe' });
    expect(tool).toMatchObject({ ok: true, value: { tools: [{ name: 'reverse_text' }] } });
    expect(await runSandboxed(nodeWorker, TEMPLATES.tool, { op: 'tool', name: 'reverse_text', args: { text: 'abc' } })).toEqual({ ok: true, value: 'cba' });
    expect(await runSandboxed(nodeWorker, TEMPLATES.filter, { op: 'describe' })).toMatchObject({ ok: true, value: { inlet: true, outlet: true } });
    expect(await runSandboxed(nodeWorker, TEMPLATES.action, { op: 'action', value: { content: 'abcd' } })).toEqual({ ok: true, value: '4 characters' });
  });
});
