import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { forgetView, loadView, saveView } from './view-cache.ts';

describe('saved views of conversations', () => {
  it('saves, reads back, replaces and forgets a view', async () => {
    expect(await loadView('c1')).toBeNull();
    await saveView({ id: 'c1', turns: ['<div class="turn">a</div>'], savedAt: 1, locale: 'en' });
    expect((await loadView('c1'))?.turns).toEqual(['<div class="turn">a</div>']);
    await saveView({ id: 'c1', turns: ['<div class="turn">b</div>'], savedAt: 2, locale: 'en' });
    expect((await loadView('c1'))?.turns).toEqual(['<div class="turn">b</div>']);
    await forgetView('c1');
    expect(await loadView('c1')).toBeNull();
  });

  it('keeps the 30 most recently saved views', async () => {
    for (let i = 0; i < 35; i++) {
      await saveView({ id: `k${i}`, turns: [`<p>${i}</p>`], savedAt: 100 + i, locale: 'en' });
    }
    expect(await loadView('k0')).toBeNull();
    expect(await loadView('k4')).toBeNull();
    expect((await loadView('k5'))?.turns).toEqual(['<p>5</p>']);
    expect((await loadView('k34'))?.turns).toEqual(['<p>34</p>']);
  });
});
