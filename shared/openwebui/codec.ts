/** Open WebUI model JSON, both ways. */
export { presetToOpenWebUI, exportJson, exportFileName, OWUI_DEFAULT_AVATAR } from './export.ts';
export { parseOpenWebUIImport, DEFAULT_IMPORT_MAX_BYTES } from './import.ts';
export { presetFromImport } from './to-preset.ts';
export type * from './types.ts';
