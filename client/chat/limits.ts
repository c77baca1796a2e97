import { DEFAULT_WORKSPACE_SETTINGS } from '../../shared/schema/workspace.ts';

/** The seed's two models at once, raised up to four in Settings › Chat. */
export const MAX_MODELS_LIMIT = 4;

/** The workspace's `maxModels` as a usable number (a synced value may be anything). */
export function clampModels(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(MAX_MODELS_LIMIT, Math.max(1, Math.round(n))) : DEFAULT_WORKSPACE_SETTINGS.maxModels;
}
