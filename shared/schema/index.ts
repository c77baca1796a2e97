export * from './kinds.ts';
export * from './ids.ts';
export * from './workspace.ts';
export * from './preset.ts';
export * from './conversation.ts';
export * from './blob.ts';
export * from './validate.ts';
export * from './migrate.ts';
