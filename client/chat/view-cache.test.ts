import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { forgetView, loadView, saveView, withoutInlineStyles } from './view-cache.ts';

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

describe('saved views and the CSP (no inline style attributes)', () => {
  it('drops every style attribute, and nothing else', () => {
    const html = '<div class="turn"><span class="avatar" style="width: 24px; height: 24px;" aria-hidden="true">A</span><p title="a>b" style="color: red">x</p></div>';
    expect(withoutInlineStyles(html)).toBe('<div class="turn"><span class="avatar" aria-hidden="true">A</span><p title="a>b">x</p></div>');
  });

  it('leaves text that merely reads like an attribute alone', () => {
    const html = '<p>write style="bold" &lt;b style="x"&gt; here</p>';
    expect(withoutInlineStyles(html)).toBe(html);
  });

  it('a view is saved and read back without its style attributes', async () => {
    await saveView({ id: 's1', turns: ['<div class="turn"><span style="width: 24px">A</span></div>'], savedAt: 10_000, locale: 'en' });
    expect((await loadView('s1'))?.turns).toEqual(['<div class="turn"><span>A</span></div>']);
  });
});
