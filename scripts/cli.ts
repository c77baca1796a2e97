/** What scripts/backup.ts and scripts/restore.ts share: `<file> [--force]` parsing and the exit. */
import path from 'node:path';

/** `<file> [--force]` → the absolute file and the flag; null (after printing usage) if bad. */
export function parseFileArgs(argv: string[], usage: string): { file: string; force: boolean } | null {
  const force = argv.includes('--force');
  const args = argv.filter((a) => a !== '--force');
  if (args.length !== 1 || !args[0] || args[0].startsWith('-')) {
    console.error(usage);
    return null;
  }
  return { file: path.resolve(args[0]), force };
}

/** Runs main and exits with its code; any error → "<what> failed: message", exit 1. */
export function runCli(what: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
