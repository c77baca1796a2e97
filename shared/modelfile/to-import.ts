import { makeImportedPreset } from '../openwebui/imported-preset.ts';
import type { ImportNote, ImportedPreset } from '../openwebui/types.ts';
import type { ModelfilePreset, ModelfileWarning } from './parse.ts';

/**
 * A parsed Modelfile as an import item, named `name` (or after its base model), with every
 * warning that means something was left out turned into a note the import summary shows:
 * TEMPLATE and the other instructions Atelier has no place for, lines it could not read,
 * parameters it does not know or found invalid.
 */
export function modelfileToImport(name: string, preset: ModelfilePreset, warnings: readonly ModelfileWarning[]): ImportedPreset {
  const display = name.trim() || preset.baseModel;
  const notes: ImportNote[] = [];
  for (const w of warnings) {
    switch (w.code) {
      case 'instruction-ignored':
      case 'instruction-unknown':
        notes.push({ code: 'instruction-dropped', instruction: w.instruction.toUpperCase(), line: w.line });
        break;
      case 'line-unparsed':
        notes.push({ code: 'modelfile-line-dropped', line: w.line });
        break;
      case 'param-unsupported':
        notes.push({ code: 'param-dropped', key: w.key, error: { code: 'param-unknown', key: w.key } });
        break;
      case 'param-invalid':
        notes.push({ code: 'param-dropped', key: w.key, error: w.error });
        break;
      // the base model was read from a comment, or is a path: kept as it is, nothing dropped
      case 'from-replaced':
      case 'from-local-path':
        break;
    }
  }
  return makeImportedPreset({ slugFrom: [display], name: display, baseModel: preset.baseModel, system: preset.system, params: preset.params, notes });
}

/**
 * Whether a file that is not JSON reads as a Modelfile: a FROM instruction on a line of its
 * own (after comments and blank lines are skipped). Decides which parser a picked file goes to.
 */
export function looksLikeModelfile(text: string): boolean {
  return /^[ \t]*FROM[ \t]+\S/im.test(text.replace(/^\uFEFF/, ''));
}
