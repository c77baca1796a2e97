import { describe, expect, it } from 'vitest';
import { parseConnectParam, parseOriginsText, sandboxPageUrl, storedGrant } from './network.ts';

describe('network grants', () => {
  it('the editor accepts origins (normalized, deduplicated) or * and names the first entry that is not an origin', () => {
    expect(parseOriginsText('https://API.example.com/\nhttp://127.0.0.1:8080, https://api.example.com')).toEqual({
      ok: true,
      grant: { all: false, origins: ['https://api.example.com', 'http://127.0.0.1:8080'] },
    });
    expect(parseOriginsText('*')).toEqual({ ok: true, grant: { all: true, origins: [] } });
    expect(parseOriginsText('  ')).toEqual({ ok: false, empty: true });
    expect(parseOriginsText('* https://x.example/path')).toEqual({ ok: false, bad: 'https://x.example/path' });
    for (const bad of ['ftp://x.example', 'x.example', 'https://user:pw@x.example', 'https://x.example?q', "https://x.example;connect-src"]) {
      expect(parseOriginsText(bad), bad).toEqual({ ok: false, bad });
    }
  });

  it('the page URL the app asks for is what the relay accepts, and the relay accepts nothing else', () => {
    const grant = { all: false, origins: ['https://api.example.com', 'http://[::1]:11434'] };
    const q = new URL(sandboxPageUrl(grant), 'http://app.invalid').searchParams.get('connect');
    expect(parseConnectParam(q)).toEqual(grant.origins);
    expect(sandboxPageUrl(null)).toBe('/sandbox.html');
    expect(sandboxPageUrl({ all: false, origins: [] })).toBe('/sandbox.html');
    expect(parseConnectParam(null)).toEqual([]);
    for (const bad of ['', ' ', 'https://x.example/', 'https://x.example  https://y.example', "'self'", 'https://x.example;']) {
      expect(parseConnectParam(bad), bad).toBeNull();
    }
  });

  it('a stored grant that is malformed (another version, a hostile peer) means no network', () => {
    expect(storedGrant(undefined)).toBeNull();
    expect(storedGrant({ all: 'yes' })).toBeNull();
    expect(storedGrant({ all: false, origins: ['not an origin', 42] })).toBeNull();
    expect(storedGrant({ all: false, origins: ['https://ok.example', 'https://x.example; script-src *'] })).toEqual({ all: false, origins: ['https://ok.example'] });
    expect(storedGrant({ all: true, origins: [] })).toEqual({ all: true, origins: [] });
  });
});
