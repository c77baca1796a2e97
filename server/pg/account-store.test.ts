import { describe, expect, it } from 'vitest';
import { pgClusterPerFile } from '../../tests/helpers/pg-cluster-per-file.ts';
import { runAccountStoreTests } from '../account-store-acceptance.ts';
import { PgAccountStore } from './account-store.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import pg from 'pg';

const db = pgClusterPerFile();

runAccountStoreTests('PgAccountStore', async () => {
  const store = new PgAccountStore({ url: db.database('acct') });
  return { store, teardown: () => store.close() };
});

describe('PostgreSQL accounts and migrations', () => {
  it("sees another relay's token rotation at once (watch) and refuses the old token there", async () => {
    const url = db.database('watch');
    const one = new PgAccountStore({ url });
    const two = new PgAccountStore({ url });
    try {
      const { token } = await one.create('alice');
      expect((await two.byToken(token))?.name).toBe('alice');
      let ready!: () => void;
      const isReady = new Promise<void>((r) => (ready = r));
      let changed!: () => void;
      const sawChange = new Promise<void>((r) => (changed = r));
      const stop = two.watch(() => changed(), () => ready());
      await isReady;
      await one.rotate('alice');
      await sawChange;
      stop();
      expect(await two.byToken(token)).toBeNull();
      expect(await two.wasRevoked(token)).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('applies each migration once when several relays start together, and refuses a newer schema', async () => {
    const url = db.database('mig');
    const clients = Array.from({ length: 3 }, () => new pg.Client(url));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const applied = await Promise.all(clients.map((c) => migrate(c)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version));
      const c = clients[0] as pg.Client;
      await c.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
      await expect(migrate(c)).rejects.toThrow(/newer than this relay/);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
