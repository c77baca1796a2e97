import { describe, expect, it } from 'vitest';
import { initialPreset } from '../schema/preset.ts';
import { exportJson, parseOpenWebUIImport, presetFromImport, presetToOpenWebUI } from '../openwebui/codec.ts';
import { capabilityOn } from './capabilities.ts';

const preset = (capabilities: Record<string, boolean>) => {
  const p = initialPreset({ id: 'p1', slug: 'coder', name: 'Coder', baseModel: 'llama3.2' }, 0);
  p.capabilities = capabilities;
  return p;
};

describe('capabilityOn', () => {
  it('the code interpreter is off unless the preset switches it on (an older preset does not start running code)', () => {
    expect(capabilityOn(preset({}), 'code_interpreter')).toBe(false);
    expect(capabilityOn(undefined, 'code_interpreter')).toBe(false);
    expect(capabilityOn(preset({ code_interpreter: true }), 'code_interpreter')).toBe(true);
  });

  it('what Atelier offered before its switch existed stays on when absent', () => {
    expect(capabilityOn(preset({}), 'usage')).toBe(true);
    expect(capabilityOn(preset({ usage: false }), 'usage')).toBe(false);
  });

  it('the code interpreter switch round-trips through Open WebUI JSON as meta.capabilities.code_interpreter', () => {
    const json = exportJson([presetToOpenWebUI(preset({ code_interpreter: true }), null)]);
    expect((JSON.parse(json) as Array<{ meta: { capabilities: Record<string, boolean> } }>)[0]!.meta.capabilities.code_interpreter).toBe(true);
    const r = parseOpenWebUIImport(json);
    if (!r.ok) throw new Error('import failed');
    const back = presetFromImport(r.items[0]!, { id: 'p2', avatar: null, now: 0 });
    expect(capabilityOn(back, 'code_interpreter')).toBe(true);
  });
});
