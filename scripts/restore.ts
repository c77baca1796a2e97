/**
 * `npm run restore -- <file> [--force]` (or `npx tsx scripts/restore.ts <file>`): restores a
 * backup made by `npm run backup` into DATA_DIR (default ./data).
 *
 * The whole file is checked first (checksums of every file, the manifest, the paths); nothing
 * is written if anything is wrong. DATA_DIR must be empty or missing, unless --force: then the
 * backup is merged in, never overwriting (document chunks are added beside what is there;
 * accounts already present keep their current token). Safe while the relay runs; documents it
 * has loaded pick up restored changes once unloaded (idle) or after a restart.
 * Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import { restoreBackup } from '../server/backup.ts';
import { loadConfig } from '../server/config.ts';
import { parseFileArgs, runCli } from './cli.ts';

const USAGE = `Usage: npm run restore -- <file> [--force]
  Restores a backup made by \`npm run backup\` into DATA_DIR (default ./data), which must be
  empty, unless --force: then the backup is merged in without overwriting anything.`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseFileArgs(argv, USAGE);
  if (!parsed) return 2;
  const { file, force } = parsed;
  const { dataDir } = loadConfig();
  const s = await restoreBackup(file, dataDir, { force });
  console.log(`Restored ${file} into ${dataDir}:`);
  console.log(`  files: ${s.filesWritten} written, ${s.filesSkipped} already there${s.filesAddedBeside ? `, ${s.filesAddedBeside} added beside a different file of the same name` : ''}`);
  if (s.accountsAdded.length) console.log(`  accounts added: ${s.accountsAdded.join(', ')}`);
  if (s.accountsKept.length) console.log(`  accounts already present, kept as they are (their current tokens stay valid): ${s.accountsKept.join(', ')}`);
  for (const r of s.accountsRenamed) console.log(`  account "${r.from}" restored as "${r.to}" (the name was taken)`);
  if (s.logsKept.length) console.log(`  encrypted logs already there, kept as they are (the backup's not written): ${s.logsKept.length} account(s)`);
  if (force) console.log('If the relay is running, restart it so that it reads restored logs.');
  return 0;
}

runCli('Restore', main);
