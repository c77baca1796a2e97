import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SANDBOX_HOST_SCRIPT, sandboxFramePolicy, sandboxSrcdoc } from './sandbox-host.ts';

const HASH = createHash('sha256').update(SANDBOX_HOST_SCRIPT, 'utf8').digest('base64');

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
}

describe('the sandbox frame document', () => {
  it('allows its one script by hash, workers from blob: only, and no network without a grant', () => {
    const d = directives(sandboxFramePolicy([], HASH));
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual([`'sha256-${HASH}'`]);
    expect(d.get('worker-src')).toEqual(['blob:']);
    expect(d.get('connect-src')).toEqual(["'none'"]);
    expect(directives(sandboxFramePolicy(['https://api.example.com'], HASH)).get('connect-src')).toEqual(['https://api.example.com']);
  });

  it('carries its policy before its script, and the script text is exactly what was hashed', () => {
    const doc = sandboxSrcdoc([], HASH);
    const meta = doc.indexOf('http-equiv="Content-Security-Policy"');
    expect(meta).toBeGreaterThan(-1);
    expect(doc.indexOf(`<script>${SANDBOX_HOST_SCRIPT}</script>`)).toBeGreaterThan(meta);
    expect(SANDBOX_HOST_SCRIPT).not.toMatch(/<\/script/i);
    expect(SANDBOX_HOST_SCRIPT).not.toContain('\r');
  });
});
