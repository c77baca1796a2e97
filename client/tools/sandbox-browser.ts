import { runSandboxed, type SandboxOutcome, type SandboxRequest, type WorkerLike } from '../../shared/tools/sandbox.ts';
import { connectSources, type NetworkGrant } from '../../shared/tools/network.ts';
import { sandboxSrcdoc } from '../../shared/tools/sandbox-host.ts';

/*
 * The sandbox in the browser. User code runs in a worker started by a hidden
 * `<iframe sandbox="allow-scripts" srcdoc=…>` (no allow-same-origin): an opaque origin, so the
 * code has no cookies, IndexedDB, localStorage or DOM of the app, whatever the prelude misses.
 * The frame's document is built here (shared/tools/sandbox-host.ts), so it loads without the
 * relay, offline too; its policy allows no network but the origins granted to the tool.
 *
 * One frame per distinct grant stays for the page's life (building a frame is most of a call's
 * cost); each call gets its own worker in it, over its own MessagePort, and ending the call
 * (answer, error or time limit) terminates that worker. Frames never run user code themselves,
 * so a runaway worker cannot keep its frame from terminating it. Calls sharing a frame share
 * its opaque origin, and so only ever code with the same network reach: one could hand data to
 * another (were the prelude's removal of BroadcastChannel undone) but not take it anywhere new.
 */

/** base64 SHA-256 of the frame's script, defined by the Vite build (vite.config.ts). */
declare const __SANDBOX_HOST_SHA256__: string;

interface HostMessage {
  kind: 'started' | 'message' | 'error';
  data?: unknown;
  message?: string;
  line?: number | null;
}

function isHostMessage(x: unknown): x is HostMessage {
  return typeof x === 'object' && x !== null && ['started', 'message', 'error'].includes((x as HostMessage).kind);
}

interface SandboxFrame {
  element: HTMLIFrameElement;
  /** the frame's window once its document (and so its script) has loaded */
  ready: Promise<Window>;
}

/** Keyed by the frame's connect-src sources. */
const frames = new Map<string, SandboxFrame>();

function frameFor(connect: readonly string[]): SandboxFrame {
  const key = connect.join(' ');
  const known = frames.get(key);
  if (known?.element.isConnected) return known;
  const element = document.createElement('iframe');
  element.setAttribute('sandbox', 'allow-scripts');
  element.hidden = true;
  element.srcdoc = sandboxSrcdoc(connect, __SANDBOX_HOST_SHA256__);
  const ready = new Promise<Window>((resolve) => {
    element.addEventListener('load', () => element.contentWindow && resolve(element.contentWindow), { once: true });
  });
  document.body.append(element);
  const frame = { element, ready };
  frames.set(key, frame);
  return frame;
}

/** A WorkerLike whose worker lives in the sandbox frame for this grant, reached through a MessagePort. */
export function frameWorker(grant: NetworkGrant | null | undefined): (script: string) => WorkerLike {
  return (script) => {
    const channel = new MessageChannel();
    const port = channel.port1;
    let started = false;
    const onMessage: Array<(data: unknown) => void> = [];
    const onError: Array<(message: string, line: number | null) => void> = [];
    port.onmessage = (e: MessageEvent<unknown>) => {
      const m = e.data;
      if (!isHostMessage(m)) return;
      started = true;
      if (m.kind === 'message') for (const f of onMessage) f(m.data);
      else if (m.kind === 'error') for (const f of onError) f(String(m.message ?? 'error'), typeof m.line === 'number' ? m.line : null);
    };
    void frameFor(connectSources(grant)).ready.then((w) => w.postMessage({ type: 'atelier-sandbox', script }, '*', [channel.port2]));
    return {
      // queued on the port until the frame has started the worker
      post: (m) => port.postMessage({ kind: 'post', data: m }),
      terminate: () => {
        port.onmessage = null;
        // the frame terminates the worker and closes its end of the channel
        port.postMessage({ kind: 'end' });
      },
      onMessage: (f) => void onMessage.push(f),
      onError: (f) => void onError.push(f),
      stalled: () => (started ? null : 'the sandbox did not start'),
    };
  };
}

export function runUserCode(code: string, req: SandboxRequest, opts: { timeoutMs?: number; network?: NetworkGrant | null } = {}): Promise<SandboxOutcome> {
  return runSandboxed(frameWorker(opts.network), code, req, { timeoutMs: opts.timeoutMs });
}
