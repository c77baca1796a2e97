export * from './diagnose.ts';
export * from './pull-progress.ts';
export * from './pull-name.ts';
