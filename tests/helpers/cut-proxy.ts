/**
 * A TCP proxy in front of the relay that can cut connections: after a number of bytes in one
 * direction (mid-message, mid-sync), or all at once. Clients connect to the proxy's port; a
 * cut destroys both sides, as a dropped Wi-Fi or a killed phone app would.
 */
import net from 'node:net';

export interface CutProxy {
  port: number;
  /** http://127.0.0.1:port, to use in place of the relay's URL */
  url: string;
  /** Cuts the next connection once `bytes` have gone in `direction` (one-shot). */
  cutAfter(direction: 'up' | 'down', bytes: number): Promise<{ up: number; down: number }>;
  /** Cuts every open connection now. */
  cutAll(): void;
  /** Bytes relayed so far, per direction, over all connections. */
  totals(): { up: number; down: number };
  close(): Promise<void>;
}

export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const open = new Set<{ client: net.Socket; server: net.Socket }>();
  let pending: { direction: 'up' | 'down'; bytes: number; resolve: (at: { up: number; down: number }) => void } | null = null;
  let totalUp = 0;
  let totalDown = 0;

  const proxy = net.createServer((client) => {
    const server = net.connect(targetPort, '127.0.0.1');
    const pair = { client, server };
    open.add(pair);
    const counts = { up: 0, down: 0 };
    let cutting = false;
    const cut = () => {
      cutting = true;
      client.destroy();
      server.destroy();
      open.delete(pair);
    };
    const relay = (from: net.Socket, to: net.Socket, dir: 'up' | 'down') => {
      from.on('data', (chunk: Buffer) => {
        if (cutting) return; // nothing more gets through once the cut is decided
        const rule = pending;
        if (rule && rule.direction === dir && counts[dir] + chunk.length >= rule.bytes) {
          // pass on part of this chunk, then cut: the other side sees half a frame
          const part = Math.max(0, rule.bytes - counts[dir]);
          if (part > 0) to.write(chunk.subarray(0, part));
          counts[dir] += part;
          if (dir === 'up') totalUp += part;
          else totalDown += part;
          pending = null;
          cutting = true;
          rule.resolve({ ...counts });
          setImmediate(cut);
          return;
        }
        counts[dir] += chunk.length;
        if (dir === 'up') totalUp += chunk.length;
        else totalDown += chunk.length;
        to.write(chunk);
      });
    };
    relay(client, server, 'up');
    relay(server, client, 'down');
    client.on('error', cut);
    server.on('error', cut);
    client.on('close', cut);
    server.on('close', cut);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as net.AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    cutAfter: (direction, bytes) => new Promise((resolve) => (pending = { direction, bytes, resolve })),
    cutAll: () => {
      for (const { client, server } of [...open]) {
        client.destroy();
        server.destroy();
      }
      open.clear();
    },
    totals: () => ({ up: totalUp, down: totalDown }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, server } of open) {
          client.destroy();
          server.destroy();
        }
        proxy.close(() => resolve());
      }),
  };
}
