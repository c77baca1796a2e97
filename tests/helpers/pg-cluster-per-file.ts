import { afterAll, beforeAll } from 'vitest';
import { startPgCluster, type PgCluster } from './pg-cluster.ts';

/**
 * One throwaway PostgreSQL cluster for the calling test file: started before its tests and
 * removed after them. `database(prefix)` makes a fresh database on it for one test.
 */
export function pgClusterPerFile(): { cluster: () => PgCluster; database: (prefix: string) => string } {
  let cluster: PgCluster | undefined;
  let made = 0;
  beforeAll(async () => {
    cluster = await startPgCluster();
  });
  afterAll(async () => {
    await cluster?.destroy();
  });
  const get = (): PgCluster => {
    if (!cluster) throw new Error('the cluster starts before the tests (beforeAll)');
    return cluster;
  };
  return { cluster: get, database: (prefix) => get().createDatabase(`${prefix}${++made}`) };
}
