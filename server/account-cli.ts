/**
 * `npm run account -- add <name> | list | rotate <name> | remove <name> | purge-legacy <name> [--force]`
 *
 * Works while the relay runs (same DATA_DIR): it edits accounts.json under a lock, and the
 * relay notices the change within about a second (fs.watch, and a poll as a fallback): a new
 * token works at once; the sockets of a rotated or removed token are closed (code 4401).
 * `add` and `rotate` print the token alone on the last line, so scripts can take it with
 * `| tail -n 1`; it is stored hashed and cannot be shown again. Their pairing links carry no
 * end-to-end key: the relay never has it. The first device to pair makes the key; later devices
 * pair with a link or QR code from a device that has it (Settings › Sync).
 */
import { AccountStoreError, FileAccountStore, accountDocumentsDir, pairingLink, type Account } from './accounts.ts';
import { ChunkStoreError } from './chunk-store/chunk-store.ts';
import { FilesChunkStore } from './chunk-store/files-store.ts';
import { ConfigError, loadConfig, relayOrigin, type RelayConfig } from './config.ts';
import { openDatabase, type Database } from './pg/open.ts';
import { hasLegacyFiles, purgeLegacyFiles } from './legacy.ts';
import { syncUrl } from './relay-url.ts';

const USAGE = `Usage:
  npm run account -- add <name>      create an account; prints its pairing link and token
  npm run account -- list            list accounts (names and creation dates)
  npm run account -- rotate <name>   replace an account's token (devices must pair again);
                                     a running relay disconnects the old token's devices
  npm run account -- remove <name>   remove an account (its documents stay on disk)
  npm run account -- purge-legacy <name> [--force]
                                     delete the account's readable documents of the previous
                                     relay, once a device has moved them over encrypted
                                     (--force: even if no device has said so)
  npm run account -- recover <name> [<document id>]
                                     serve again the chunks a device's snapshot replaced within
                                     DROPPED_GRACE_MS (all documents, or one): every device gets
                                     them back (run it while the relay is stopped; with
                                     DATABASE_URL the relays may keep running)
Environment: DATA_DIR (default ./data), or DATABASE_URL for accounts in PostgreSQL;
HOST, PORT, TLS_CERT/TLS_KEY shape the pairing link.`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const config = loadConfig();
  // DATABASE_URL: the same accounts every relay on that database serves (changes reach them at once).
  const db = config.databaseUrl ? openDatabase(config.databaseUrl, { graceMs: config.droppedGraceMs }, () => {}) : null;
  try {
    await runWith(argv, config, db);
  } finally {
    await db?.close();
  }
}

async function runWith(argv: string[], config: RelayConfig, db: Database | null): Promise<void> {
  const [command, ...args] = argv;
  const store = db?.accounts ?? new FileAccountStore({ dataDir: config.dataDir });
  const byName = async (name: string): Promise<Account> => {
    const account = (await store.list()).find((a) => a.name === name.trim());
    if (!account) throw new AccountStoreError('no-such-account', `No account named "${name}"`);
    return account;
  };
  switch (command) {
    case 'add': {
      if (args.length !== 1 || !args[0]) throw new UsageError('add takes exactly one name (quote names with spaces)');
      const { account, token } = await store.create(args[0]);
      const origin = relayOrigin(config.host, config.port, config.tls !== null);
      console.log(`Created account "${account.name}".`);
      console.log(`Pairing link for its first device (for a relay at ${origin}; keep it private):`);
      console.log(`  ${pairingLink(origin, syncUrl(origin), token, null)}`);
      console.log('The link has no encryption key: the first device to pair makes the workspace key, which never');
      console.log("reaches the relay. Pair the person's other devices with the link or QR code in that device's Settings › Sync.");
      console.log('Token (shown only now):');
      console.log(token);
      return;
    }
    case 'list': {
      if (args.length !== 0) throw new UsageError('list takes no arguments');
      const accounts = await store.list();
      if (accounts.length === 0) {
        console.log('No accounts. Add one with: npm run account -- add <name>');
        return;
      }
      for (const a of accounts) {
        const legacy = await hasLegacyFiles(config.dataDir, a.id);
        const note = !legacy ? '' : a.legacyDoneAt === null ? '\tprevious relay\'s documents not moved over yet' : '\tmoved over; readable old files left (purge-legacy)';
        console.log(`${a.name}\tcreated ${new Date(a.createdAt).toISOString()}${note}`);
      }
      return;
    }
    case 'rotate': {
      if (args.length !== 1 || !args[0]) throw new UsageError('rotate takes exactly one name');
      const rotated = await store.rotate(args[0]);
      if (!rotated) throw new AccountStoreError('no-such-account', `No account named "${args[0]}"`);
      const { account, token } = rotated;
      const origin = relayOrigin(config.host, config.port, config.tls !== null);
      console.log(`Replaced the token of account "${account.name}". Devices using the old token are disconnected`);
      console.log('and must be paired again, with this link (for a relay at ' + origin + '; keep it private):');
      console.log(`  ${pairingLink(origin, syncUrl(origin), token, account.workspaceUrl)}`);
      if (account.keyId) console.log('The link has no encryption key: a device without the key also needs the link or QR code of a device that has it.');
      console.log('Token (shown only now):');
      console.log(token);
      return;
    }
    case 'remove': {
      if (args.length !== 1 || !args[0]) throw new UsageError('remove takes exactly one name');
      const account = await byName(args[0]);
      if (!(await store.remove(args[0]))) throw new AccountStoreError('no-such-account', `No account named "${args[0]}"`);
      console.log(`Removed account "${account.name}"; its devices can no longer sync.`);
      console.log(`Its documents remain in ${accountDocumentsDir(config.dataDir, account.id)} (delete that folder to erase them).`);
      return;
    }
    case 'purge-legacy': {
      const force = args.includes('--force');
      const names = args.filter((a) => a !== '--force');
      if (names.length !== 1 || !names[0] || args.length - names.length > 1) throw new UsageError('purge-legacy takes exactly one name, and --force at most');
      const account = await byName(names[0]);
      if (!(await hasLegacyFiles(config.dataDir, account.id))) {
        console.log(`Account "${account.name}" has no readable documents of the previous relay: nothing to delete.`);
        return;
      }
      if (account.legacyDoneAt === null && !force) {
        throw new RefusedError(
          `Account "${account.name}" has not moved over yet: no device has re-uploaded its documents encrypted. ` +
            'Open the app on one of its paired devices (it moves them over by itself), or add --force to delete them anyway ' +
            '(only what a device still holds will survive).',
        );
      }
      const removed = await purgeLegacyFiles(config.dataDir, account.id);
      const when = account.legacyDoneAt === null ? 'without a device having moved them over (--force)' : `moved over ${new Date(account.legacyDoneAt).toISOString()}`;
      console.log(`Deleted the readable documents of the previous relay for account "${account.name}" (${removed} folder(s); ${when}).`);
      return;
    }
    case 'recover': {
      if (args.length < 1 || args.length > 2 || !args[0]) throw new UsageError('recover takes a name and, optionally, a document id');
      const account = await byName(args[0]);
      let log;
      try {
        log = db ? await db.chunks.open(account.id) : await new FilesChunkStore({ dataDir: config.dataDir, graceMs: config.droppedGraceMs }).open(account.id);
      } catch (err) {
        if (err instanceof ChunkStoreError && err.code === 'locked') {
          throw new RefusedError(`The relay has account "${account.name}" open: stop the relay, run this again, then start it.`);
        }
        throw err;
      }
      try {
        const n = await log.recover(args[1]);
        console.log(
          n === 0
            ? `Nothing to recover for account "${account.name}"${args[1] ? ` in document ${args[1]}` : ''}: no replaced chunk is still within the grace period.`
            : `Recovered ${n} chunk(s) of account "${account.name}": its devices get them at their next sync.`,
        );
      } finally {
        await log.close();
      }
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}"` : 'Missing command');
  }
}

/** A command refused for a reason the message explains (exit 1, no usage text). */
class RefusedError extends Error {}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof AccountStoreError || err instanceof ConfigError || err instanceof RefusedError) console.error(err.message);
    else console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
