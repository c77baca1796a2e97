/**
 * A TCP proxy standing for a load balancer in front of several relays: every new connection
 * goes to the current target port; switchTo() moves new connections to another relay (what a
 * load balancer does when a health check fails). Connections already open stay as they are
 * (a killed relay's ones die with it).
 */
import net from 'node:net';

export interface SwitchProxy {
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  switchTo(targetPort: number): void;
  close(): Promise<void>;
}

export async function startSwitchProxy(targetPort: number): Promise<SwitchProxy> {
  let target = targetPort;
  const open = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const server = net.connect(target, '127.0.0.1');
    open.add(client);
    open.add(server);
    const end = () => {
      client.destroy();
      server.destroy();
      open.delete(client);
      open.delete(server);
    };
    client.pipe(server);
    server.pipe(client);
    client.on('error', end);
    server.on('error', end);
    client.on('close', end);
    server.on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    switchTo: (p) => {
      target = p;
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
