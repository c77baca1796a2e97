import { runSandboxed, type SandboxOutcome, type SandboxRequest, type WorkerLike } from '../../shared/tools/sandbox.ts';
import { sandboxPageUrl, type NetworkGrant } from '../../shared/tools/network.ts';

/*
 * The sandbox in the browser. Each call gets a fresh frame of /sandbox.html with
 * `sandbox="allow-scripts"` (no allow-same-origin): an opaque origin, so the user's code has
 * no cookies, IndexedDB, localStorage or DOM of the app, whatever the prelude misses. The
 * relay serves that page with its own Content-Security-Policy (shared/tools/network.ts):
 * no network unless the tool was granted some. The page starts the worker (the hardened
 * script of shared/tools/sandbox.ts) and relays over a MessagePort; removing the frame ends
 * the call, also at the time limit.
 */

interface HostMessage {
  kind: 'started' | 'message' | 'error';
  data?: unknown;
  message?: string;
  line?: number | null;
}

function isHostMessage(x: unknown): x is HostMessage {
  return typeof x === 'object' && x !== null && ['started', 'message', 'error'].includes((x as HostMessage).kind);
}

/** A WorkerLike whose worker lives in a sandboxed frame reached through a MessagePort. */
export function frameWorker(grant: NetworkGrant | null | undefined): (script: string) => WorkerLike {
  return (script) => {
    const channel = new MessageChannel();
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.hidden = true;
    frame.src = sandboxPageUrl(grant);
    let heard = false;
    const onMessage: Array<(data: unknown) => void> = [];
    const onError: Array<(message: string, line: number | null) => void> = [];
    const fail = (message: string) => {
      for (const f of onError) f(message, null);
    };
    channel.port1.onmessage = (e: MessageEvent<unknown>) => {
      const m = e.data;
      if (!isHostMessage(m)) return;
      heard = true;
      if (m.kind === 'message') for (const f of onMessage) f(m.data);
      else if (m.kind === 'error') for (const f of onError) f(String(m.message ?? 'error'), typeof m.line === 'number' ? m.line : null);
    };
    // Only the frame's first document gets the port: a later one (the code cannot navigate it,
    // but an error page could replace it) would find the call already started.
    frame.addEventListener('load', () => frame.contentWindow?.postMessage({ type: 'atelier-sandbox', script }, '*', [channel.port2]), { once: true });
    document.body.append(frame);
    // A frame whose page fails to load (relay unreachable, grant refused) says nothing and would
    // only end at the time limit; the same URL asked for alongside tells at once.
    void fetch(frame.src, { method: 'HEAD', cache: 'no-store' }).then(
      (r) => {
        if (!r.ok && !heard) fail(r.status === 400 ? 'the relay refused this tool’s network grant' : `the sandbox page did not load (HTTP ${r.status})`);
      },
      () => {
        if (!heard) fail('the sandbox page did not load (is the relay reachable?)');
      },
    );
    return {
      // queued on the port until the frame starts it
      post: (m) => channel.port1.postMessage(m),
      terminate: () => {
        channel.port1.close();
        frame.remove();
      },
      onMessage: (f) => void onMessage.push(f),
      onError: (f) => void onError.push(f),
      stalled: () => (heard ? null : 'the sandbox did not start (is the relay reachable?)'),
    };
  };
}

export function runUserCode(code: string, req: SandboxRequest, opts: { timeoutMs?: number; network?: NetworkGrant | null } = {}): Promise<SandboxOutcome> {
  return runSandboxed(frameWorker(opts.network), code, req, { timeoutMs: opts.timeoutMs });
}
