/**
 * Presence with several relays on one PostgreSQL database (DATABASE_URL), over real WebSockets:
 * a device counts the account's devices on every relay, never another account's; a relay that
 * starts learns the others' counts at once (hello); a relay that stops, gracefully or killed
 * with SIGKILL, stops counting. Every wait is on a presence frame, never on the clock.
 */
import { describe, expect, it } from 'vitest';
import { pgClusterPerFile } from '../helpers/pg-cluster-per-file.ts';
import { spawnRelay } from '../helpers/relay-process.ts';
import { cleanupAfterEach, tempDir } from './helpers.ts';
import { V2Client } from './v2-client.ts';

const { cleanups, tempRelay } = cleanupAfterEach();
const db = pgClusterPerFile();

async function connect(url: string, token: string): Promise<V2Client> {
  const { client } = await V2Client.connect(url, token);
  cleanups.push(() => client.close());
  return client;
}

/** The peers of every presence frame the client got, in order. */
const presences = (c: V2Client): number[] => c.frames.flatMap((f) => (f.header.t === 'presence' ? [f.header.peers] : []));

describe('presence across relays sharing one database', () => {
  it("counts the account's devices on another relay, up and down, and never another account's devices", async () => {
    const databaseUrl = db.database('presence');
    const one = (await tempRelay('pg-presence-1', { databaseUrl })).relay;
    const two = (await tempRelay('pg-presence-2', { databaseUrl })).relay;
    const { token } = await one.accounts.create('alice');
    const { token: otherToken } = await one.accounts.create('mallory');

    const a = await connect(one.url, token);
    await a.next('presence', (p) => p.peers === 0);
    const b = await connect(two.url, token);
    await a.next('presence', (p) => p.peers === 1);
    await b.next('presence', (p) => p.peers === 1);

    // Another account's devices on both relays change nothing for alice: the next change a
    // hears is alice's third device, and the count goes straight from 1 to 2.
    await connect(two.url, otherToken);
    const m = await connect(one.url, otherToken);
    await m.next('presence', (p) => p.peers === 1);
    const c = await connect(two.url, token);
    await a.next('presence', (p) => p.peers === 2);
    expect(presences(a)).toEqual([0, 1, 2]);

    b.close();
    await a.next('presence', (p) => p.peers === 1, a.frames.length);
    c.close();
    await a.next('presence', (p) => p.peers === 0, a.frames.length);
    expect(presences(a)).toEqual([0, 1, 2, 1, 0]);
  });

  it('a relay that starts learns the devices already on the others at once, and one that closes stops counting', async () => {
    const databaseUrl = db.database('presence');
    const one = (await tempRelay('pg-presence-1', { databaseUrl })).relay;
    const { token } = await one.accounts.create('alice');
    const a = await connect(one.url, token);
    await a.next('presence', (p) => p.peers === 0);

    // Relay 2 starts after a connected: relay 1 announced a's socket before relay 2 listened,
    // and the default heartbeat (20 s) is far off, so only its hello can tell relay 2.
    const two = (await tempRelay('pg-presence-2', { databaseUrl })).relay;
    const b = await connect(two.url, token);
    await b.next('presence', (p) => p.peers === 1);
    await a.next('presence', (p) => p.peers === 1);

    // (counted before the close: relay 1 may hear the goodbye before close() resolves)
    const from = a.frames.length;
    await two.close();
    await a.next('presence', (p) => p.peers === 0, from);
  });

  it('a relay killed with SIGKILL stops counting after three missed heartbeats', async () => {
    const databaseUrl = db.database('presence');
    const heartbeat = 200;
    const one = (await tempRelay('pg-presence-1', { databaseUrl, presenceHeartbeatMs: heartbeat })).relay;
    const { token } = await one.accounts.create('alice');
    const dir = tempDir('pg-presence-killed');
    cleanups.push(dir.remove);
    const killed = await spawnRelay({ dataDir: dir.dir, env: { DATABASE_URL: databaseUrl, PRESENCE_HEARTBEAT_MS: String(heartbeat) } });
    cleanups.push(() => killed.kill());

    const a = await connect(one.url, token);
    const b = await connect(killed.url, token);
    await a.next('presence', (p) => p.peers === 1);
    await b.next('presence', (p) => p.peers === 1);

    const from = a.frames.length;
    await killed.kill('SIGKILL');
    await a.next('presence', (p) => p.peers === 0, from);
  });
});
