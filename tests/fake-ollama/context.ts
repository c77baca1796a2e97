import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeState } from './state.ts';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  state: FakeState;
  /** Raw request body (utf-8). */
  raw: string;
  /** Aborts when the client goes away before the response ended. */
  signal: AbortSignal;
}

export type Handler = (ctx: RouteContext) => void | Promise<void>;
