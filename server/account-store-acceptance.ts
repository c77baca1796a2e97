/**
 * Acceptance tests every AccountStore implementation must pass (as automerge-repo does for
 * its storage adapters with runStorageAdapterTests). Call from a *.test.ts file.
 */
import { describe, expect, it } from 'vitest';
import { hashToken, type AccountStore } from './accounts.ts';

export interface AccountStoreSetup {
  store: AccountStore;
  teardown?: () => void | Promise<void>;
}

export function runAccountStoreTests(title: string, setup: () => Promise<AccountStoreSetup>): void {
  const withStore = (fn: (store: AccountStore) => Promise<void>) => async () => {
    const { store, teardown } = await setup();
    try {
      await fn(store);
    } finally {
      await teardown?.();
    }
  };

  describe(`AccountStore acceptance (${title})`, () => {
    it(
      'creates an account with a 256-bit base64url token, and no workspace or key until a device claims it',
      withStore(async (store) => {
        const { account, token } = await store.create('alice');
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(account.name).toBe('alice');
        expect(account.workspaceUrl).toBeNull();
        expect(account.keyId).toBeNull();
        expect(account.legacyDoneAt).toBeNull();
        expect(account.createdAt).toBeGreaterThan(0);
        expect(account).not.toHaveProperty('token');
        expect(account).not.toHaveProperty('tokenHash');
      }),
    );

    it(
      'keeps the first claim of an account key id for good',
      withStore(async (store) => {
        const { account } = await store.create('carol');
        expect(account.keyId).toBeNull();
        const first = await store.claim(account.id, 'a'.repeat(32), 'automerge:2mBWwmhpdR8pfhE7C3L5p4EBcCAZ');
        expect(first).toEqual({ keyId: 'a'.repeat(32), workspaceUrl: 'automerge:2mBWwmhpdR8pfhE7C3L5p4EBcCAZ' });
        expect((await store.byToken((await store.rotate('carol'))!.token))?.workspaceUrl).toBe('automerge:2mBWwmhpdR8pfhE7C3L5p4EBcCAZ');
        const second = await store.claim(account.id, 'b'.repeat(32), 'automerge:3mBWwmhpdR8pfhE7C3L5p4EBcCAZ');
        expect(second).toEqual(first);
        expect((await store.list()).find((a) => a.id === account.id)?.keyId).toBe('a'.repeat(32));
        expect(await store.claim('0'.repeat(24), 'c'.repeat(32), 'automerge:x')).toBeNull();
      }),
    );

    it(
      'marks a legacy account moved over once, for good',
      withStore(async (store) => {
        const { account } = await store.create('dave');
        const marked = await store.markLegacyDone(account.id);
        expect(marked?.legacyDoneAt).toBeGreaterThan(0);
        expect((await store.list()).find((a) => a.id === account.id)?.legacyDoneAt).toBe(marked?.legacyDoneAt);
        expect(await store.markLegacyDone(account.id)).toEqual(marked); // a retry changes nothing
        expect(await store.markLegacyDone('0'.repeat(24))).toBeNull();
      }),
    );

    it(
      'finds an account by its token only',
      withStore(async (store) => {
        const alice = await store.create('alice');
        const bob = await store.create('bob');
        expect((await store.byToken(alice.token))?.id).toBe(alice.account.id);
        expect((await store.byToken(bob.token))?.id).toBe(bob.account.id);
        expect(alice.account.id).not.toBe(bob.account.id);
        expect(await store.byToken('')).toBeNull();
        expect(await store.byToken('x'.repeat(43))).toBeNull();
        expect(await store.byToken(`${alice.token}x`)).toBeNull();
        expect(await store.byToken(alice.token.slice(0, -1))).toBeNull();
      }),
    );

    it(
      'refuses duplicate and invalid names',
      withStore(async (store) => {
        await store.create('alice');
        await expect(store.create('alice')).rejects.toThrow(/already exists/);
        await expect(store.create('  alice ')).rejects.toThrow(/already exists/);
        for (const bad of ['', '   ', '../x', 'a/b', 'x'.repeat(65), 'line\nbreak', '-dash-first']) {
          await expect(store.create(bad), JSON.stringify(bad)).rejects.toThrow(/Invalid account name/);
        }
        expect((await store.list()).map((a) => a.name)).toEqual(['alice']);
      }),
    );

    it(
      'lists accounts in creation order, without secrets',
      withStore(async (store) => {
        const { token } = await store.create('alice');
        await store.create('bob');
        const list = await store.list();
        expect(list.map((a) => a.name)).toEqual(['alice', 'bob']);
        expect(JSON.stringify(list)).not.toContain(token);
        for (const a of list) expect(Object.keys(a).sort()).toEqual(['createdAt', 'id', 'keyId', 'legacyDoneAt', 'name', 'workspaceUrl']);
      }),
    );

    it(
      'removes an account, after which its token no longer works',
      withStore(async (store) => {
        const { token } = await store.create('alice');
        await store.create('bob');
        expect(await store.remove('alice')).toBe(true);
        expect(await store.remove('alice')).toBe(false);
        expect(await store.byToken(token)).toBeNull();
        expect((await store.list()).map((a) => a.name)).toEqual(['bob']);
        // The name is free again, with a new token.
        const again = await store.create('alice');
        expect(again.token).not.toBe(token);
      }),
    );

    it(
      'rotates a token: same account and workspace, the old token stops working and is known as revoked',
      withStore(async (store) => {
        const { account, token } = await store.create('alice');
        await store.create('bob');
        const rotated = await store.rotate('alice');
        expect(rotated).not.toBeNull();
        const { account: after, token: fresh } = rotated!;
        expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(fresh).not.toBe(token);
        expect(after).toEqual(account);
        expect(await store.byToken(token)).toBeNull();
        expect((await store.byToken(fresh))?.id).toBe(account.id);
        expect(await store.byTokenHash(hashToken(token))).toBeNull();
        expect((await store.byTokenHash(hashToken(fresh)))?.id).toBe(account.id);
        expect(await store.wasRevoked(token)).toBe(true);
        expect(await store.wasRevoked(fresh)).toBe(false);
        expect(await store.wasRevoked('x'.repeat(43))).toBe(false);
        expect(await store.rotate('nobody')).toBeNull();
        expect((await store.list()).map((a) => a.name)).toEqual(['alice', 'bob']);
      }),
    );

    it(
      'remembers the token of a removed account as revoked',
      withStore(async (store) => {
        const { token } = await store.create('alice');
        expect(await store.remove('alice')).toBe(true);
        expect(await store.wasRevoked(token)).toBe(true);
      }),
    );

    it(
      'tells watchers about changes',
      withStore(async (store) => {
        let calls = 0;
        const stop = store.watch(() => calls++);
        try {
          await new Promise((r) => setTimeout(r, 50)); // let the watcher take its first look
          await store.create('alice');
          const deadline = Date.now() + 5_000;
          while (calls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
          expect(calls).toBeGreaterThan(0);
        } finally {
          stop();
        }
      }),
    );

    it(
      'handles concurrent creates without losing any',
      withStore(async (store) => {
        const names = Array.from({ length: 8 }, (_, i) => `user${i}`);
        await Promise.all(names.map((n) => store.create(n)));
        expect((await store.list()).map((a) => a.name).sort()).toEqual(names.sort());
      }),
    );
  });
}
