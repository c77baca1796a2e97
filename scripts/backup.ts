/**
 * `npm run backup -- <file> [--force]` (or `npx tsx scripts/backup.ts <file>`): writes a
 * consistent copy of DATA_DIR (default ./data) to <file>, a .tar.gz, while the relay runs.
 * Why the copy is consistent: server/backup.ts. Refuses to overwrite <file> unless --force.
 * Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import { existsSync } from 'node:fs';
import { createBackup } from '../server/backup.ts';
import { loadConfig } from '../server/config.ts';
import { parseFileArgs, runCli } from './cli.ts';

const USAGE = `Usage: npm run backup -- <file> [--force]
  Writes a copy of DATA_DIR (default ./data), safe while the relay runs, to <file> (.tar.gz;
  list it with: tar tzf <file>). Restore it with: npm run restore -- <file>`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseFileArgs(argv, USAGE);
  if (!parsed) return 2;
  const { file: out, force } = parsed;
  const { dataDir } = loadConfig();
  if (existsSync(out) && !force) {
    console.error(`${out} already exists; pass --force to replace it`);
    return 1;
  }
  const started = Date.now();
  const s = await createBackup(dataDir, out);
  const mb = (s.bytes / 1024 / 1024).toFixed(1);
  console.log(`Backed up ${s.accounts} account(s), ${s.documents} document(s), ${s.files} files (${mb} MB) from ${dataDir}`);
  console.log(`to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return 0;
}

runCli('Backup', main);
