/**
 * `npm run account -- add <name> | list | rotate <name> | remove <name>`
 *
 * Works while the relay runs (same DATA_DIR): it edits accounts.json under a lock, and the
 * relay notices the change within about a second (fs.watch, and a poll as a fallback): a new
 * token works at once; the sockets of a rotated or removed token are closed (code 4401).
 * `add` and `rotate` print the token alone on the last line, so scripts can take it with
 * `| tail -n 1`; it is stored hashed and cannot be shown again.
 */
import { AccountRepos } from './account-repos.ts';
import { AccountStoreError, FileAccountStore, accountDocumentsDir, pairingLink } from './accounts.ts';
import { ConfigError, loadConfig, relayOrigin } from './config.ts';
import { syncUrl } from './relay.ts';

const USAGE = `Usage:
  npm run account -- add <name>      create an account; prints its pairing link and token
  npm run account -- list            list accounts (names and creation dates)
  npm run account -- rotate <name>   replace an account's token (devices must pair again);
                                     a running relay disconnects the old token's devices
  npm run account -- remove <name>   remove an account (its documents stay on disk)
Environment: DATA_DIR (default ./data); HOST, PORT, TLS_CERT/TLS_KEY shape the pairing link.`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const config = loadConfig();
  const repos = new AccountRepos({ dataDir: config.dataDir, log: () => {} });
  const store = new FileAccountStore({
    dataDir: config.dataDir,
    createWorkspace: (accountId, name) => repos.createWorkspace(accountId, name),
  });
  try {
    switch (command) {
      case 'add': {
        if (args.length !== 1 || !args[0]) throw new UsageError('add takes exactly one name (quote names with spaces)');
        const { account, token } = await store.create(args[0]);
        const origin = relayOrigin(config.host, config.port, config.tls !== null);
        console.log(`Created account "${account.name}" (workspace ${account.workspaceUrl}).`);
        console.log(`Pairing link (for a relay at ${origin}; keep it private):`);
        console.log(`  ${pairingLink(origin, syncUrl(origin), token, account.workspaceUrl)}`);
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
        for (const a of accounts) console.log(`${a.name}\tcreated ${new Date(a.createdAt).toISOString()}`);
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
        console.log('Token (shown only now):');
        console.log(token);
        return;
      }
      case 'remove': {
        if (args.length !== 1 || !args[0]) throw new UsageError('remove takes exactly one name');
        const account = (await store.list()).find((a) => a.name === args[0]?.trim());
        if (!account || !(await store.remove(args[0]))) {
          throw new AccountStoreError('no-such-account', `No account named "${args[0]}"`);
        }
        console.log(`Removed account "${account.name}"; its devices can no longer sync.`);
        console.log(`Its documents remain in ${accountDocumentsDir(config.dataDir, account.id)} (delete that folder to erase them).`);
        return;
      }
      default:
        throw new UsageError(command ? `Unknown command "${command}"` : 'Missing command');
    }
  } finally {
    await repos.closeAll();
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof AccountStoreError || err instanceof ConfigError) console.error(err.message);
    else console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
