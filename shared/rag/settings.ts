import type { DocumentsSettings, WorkspaceSettings } from '../schema/workspace.ts';
import { DEFAULT_RAG_TEMPLATE } from './template.ts';

export const DEFAULT_DOCUMENTS_SETTINGS: DocumentsSettings = {
  embeddingModel: '',
  chunkSize: 1000,
  chunkOverlap: 100,
  topK: 3,
  template: DEFAULT_RAG_TEMPLATE,
};

/** The workspace's documents settings with defaults for what is missing or out of range. */
export function documentsSettings(s: Partial<WorkspaceSettings> | undefined): DocumentsSettings {
  const d = { ...DEFAULT_DOCUMENTS_SETTINGS, ...(s?.documents ?? {}) };
  const int = (x: unknown, min: number, max: number, def: number) => (typeof x === 'number' && Number.isFinite(x) ? Math.min(max, Math.max(min, Math.round(x))) : def);
  const chunkSize = int(d.chunkSize, 100, 20000, 1000);
  return {
    embeddingModel: typeof d.embeddingModel === 'string' ? d.embeddingModel : '',
    chunkSize,
    chunkOverlap: int(d.chunkOverlap, 0, Math.floor(chunkSize / 2), 100),
    topK: int(d.topK, 1, 50, 3),
    template: typeof d.template === 'string' && d.template.trim() ? d.template : DEFAULT_RAG_TEMPLATE,
  };
}
