import { describe, expect, it } from 'vitest';
import { connectSources, parseOriginsText, storedGrant } from './network.ts';

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

  it('a call reaches nothing without a grant, exactly the granted origins with one, any http(s)/ws(s) host with *', () => {
    expect(connectSources(null)).toEqual([]);
    expect(connectSources({ all: false, origins: [] })).toEqual([]);
    expect(connectSources({ all: false, origins: ['https://api.example.com', 'http://[::1]:11434'] })).toEqual(['https://api.example.com', 'http://[::1]:11434']);
    expect(connectSources({ all: true, origins: [] })).toEqual(['http:', 'https:', 'ws:', 'wss:']);
    // a grant built by hand past the editor still cannot put a directive in the policy
    expect(connectSources({ all: false, origins: ['https://ok.example', "https://x.example; script-src *", "'self'"] })).toEqual(['https://ok.example']);
  });

  it('a stored grant that is malformed (another version, a hostile peer) means no network', () => {
    expect(storedGrant(undefined)).toBeNull();
    expect(storedGrant({ all: 'yes' })).toBeNull();
    expect(storedGrant({ all: false, origins: ['not an origin', 42] })).toBeNull();
    expect(storedGrant({ all: false, origins: ['https://ok.example', 'https://x.example; script-src *'] })).toEqual({ all: false, origins: ['https://ok.example'] });
    expect(storedGrant({ all: true, origins: [] })).toEqual({ all: true, origins: [] });
  });
});
