import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,server,client,tests}/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Only a safety net against hangs: no test waits for the clock, so these are sized for a
    // machine loaded far beyond its cores (a hung test still fails, later).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // expect.poll waits for a state as long as it takes (its own default is 1 s); half the test
    // timeout, so a state never reached fails with the poll's message rather than a bare timeout.
    expect: { poll: { timeout: 300_000 } },
    // The relay's in-process automerge-repo (2.5) awaits DocHandle.whenReady() in
    // DocSynchronizer.beginSync without a catch; on a loaded machine a document a fuzzed frame
    // asked for times out after 60 s and that promise rejects unhandled
    // (automerge/automerge-repo-sync-server#15). The relay process logs and ignores exactly these
    // (server/main.ts keepServingOnStrayRejections); the tests do the same for this one error and
    // still fail on any other unhandled error. Goes with the relay that stops running Automerge.
    // Second known one: the Node clients' WebSocketClientAdapter (automerge-repo-network-websocket
    // 2.5.6, onError) rethrows every socket error but ECONNREFUSED, so a relay killed mid-handshake
    // (kill9-stream) throws 'socket hang up' out of the library; the browser path ignores it.
    onUnhandledError: (error) =>
      !(
        (error.name === 'TimeoutError' && error.message.startsWith('withTimeout: timed out after')) ||
        ((error as { code?: unknown }).code === 'ECONNRESET' && error.message === 'socket hang up')
      ),
    // Integration tests start real relays on free ports; two workers suit this 2-core machine.
    maxWorkers: 2,
  },
});
