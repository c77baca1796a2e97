/**
 * Accounts for the encrypted relay's figures, written into a data folder before the relay under
 * test starts on it (through the relay's own account store, as `npm run account` does), each with
 * a workspace key whose key id is already claimed, as after a first device's `set-key`. And the
 * devices of an account: a protocol client and a BenchDevice holding its key.
 */
import { FileAccountStore, type AccountStore } from '../../server/accounts.ts';
import { newWorkspaceKey, type WorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { connectV2 } from './v2-client.ts';
import { BenchDevice, newDocId, type DeviceOptions } from './v2-device.ts';

export interface V2Account {
  name: string;
  id: string;
  token: string;
  key: WorkspaceKey;
  workspaceUrl: string;
}

export async function prepareV2Accounts(dataDir: string, names: string[]): Promise<V2Account[]> {
  return claimedAccounts(new FileAccountStore({ dataDir }), names);
}

/** Accounts made in `store` (local files or PostgreSQL), each with its workspace key's id claimed. */
export async function claimedAccounts(store: Pick<AccountStore, 'create' | 'claim'>, names: string[]): Promise<V2Account[]> {
  const out: V2Account[] = [];
  for (const name of names) {
    const { account, token } = await store.create(name);
    const key = newWorkspaceKey();
    const claimed = await store.claim(account.id, key.keyId, `automerge:${newDocId()}`);
    if (!claimed || claimed.keyId !== key.keyId) throw new Error(`account ${name}: key id not claimed`);
    out.push({ name, id: account.id, token, key, workspaceUrl: claimed.workspaceUrl });
  }
  return out;
}

/** A device of `account` connected to the relay and caught up (`pull` from 0). */
export async function connectDevice(wsUrl: string, account: V2Account, opts: DeviceOptions = {}): Promise<BenchDevice> {
  const client = await connectV2(wsUrl, account.token);
  if (client.welcome.keyId !== account.key.keyId) {
    await client.close();
    throw new Error(`account ${account.name}: the relay has key id ${String(client.welcome.keyId)}, the device ${account.key.keyId}`);
  }
  const device = new BenchDevice(client, account.key, opts);
  await client.pull(0);
  return device;
}

/** Connects `n` devices, a few at a time (a burst of upgrades at once is not what is measured). */
export async function connectDevices(n: number, wsUrl: string, accountOf: (i: number) => V2Account, opts: DeviceOptions = {}, batch = 20): Promise<BenchDevice[]> {
  const out: BenchDevice[] = [];
  for (let i = 0; i < n; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, j) => connectDevice(wsUrl, accountOf(i + j), opts)))));
  }
  return out;
}
