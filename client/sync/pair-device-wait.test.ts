import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DocHandle } from '@automerge/automerge-repo';
import type { Opened } from '../repo/open-doc.ts';
import { waitWhileSyncMoves } from './pair-device.ts';

const unavailable: Opened<unknown> = { status: 'unavailable', message: 'not here yet' };
const handle = {} as DocHandle<unknown>;

describe('waiting for the shared workspace while pairing', () => {
  afterEach(() => void vi.useRealTimers());

  it('keeps waiting past the quiet limit while the download moves, and returns the workspace once it opens', async () => {
    vi.useFakeTimers();
    let stored = 0;
    let opens = 0;
    // arrives after 60 s of downloading: three times the quiet limit
    const open = async (): Promise<Opened<unknown>> => (++opens > 120 ? { status: 'ok', handle, readOnly: false } : unavailable);
    const found = waitWhileSyncMoves(open, () => stored, { quietMs: 20_000, pollMs: 500 });
    for (let i = 0; i < 130 && opens <= 120; i++) {
      stored++;
      await vi.advanceTimersByTimeAsync(500);
    }
    await expect(found).resolves.toBe(handle);
  });

  it('gives up once nothing moved for the quiet limit', async () => {
    vi.useFakeTimers();
    const found = waitWhileSyncMoves(async () => unavailable, () => 'connecting 0', { quietMs: 20_000, pollMs: 500 });
    await vi.advanceTimersByTimeAsync(20_500);
    await expect(found).resolves.toBeNull();
  });

  it('stops at once on a workspace that opens unreadable', async () => {
    const found = await waitWhileSyncMoves(async () => ({ status: 'invalid', message: 'bad' }), () => 0);
    expect(found).toBeNull();
  });
});
