/**
 * The response headers of the tools' sandbox page (/sandbox.html): its own
 * Content-Security-Policy instead of the app's (shared/tools/network.ts says what it allows),
 * framable by the app only. The `connect` query names the origins the call was granted;
 * anything that is not a list of origins is refused (null), never widened or passed through.
 */
import { parseConnectParam, sandboxPolicy, SANDBOX_PATH } from '../shared/tools/network.ts';

export { SANDBOX_PATH };

export function sandboxPageHeaders(search: URLSearchParams): Record<string, string> | null {
  const connect = parseConnectParam(search.get('connect'));
  if (connect === null) return null;
  return {
    'Content-Security-Policy': sandboxPolicy(connect),
    'X-Frame-Options': 'SAMEORIGIN',
  };
}
