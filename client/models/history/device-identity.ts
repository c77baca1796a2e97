import * as v from 'valibot';
import { newId } from '../../../shared/schema/index.ts';
import { makePersisted } from '../../device/persisted.ts';

/*
 * This device's id, kept on the device (every tab of this browser profile shares it) and never
 * synced by itself: the workspace's `devices` map files Automerge actors under it.
 */
const stored = makePersisted<string | null>({
  key: 'atelier.device.id',
  what: 'deviceId',
  schema: v.pipe(v.string(), v.regex(/^[0-9a-f]{24}$/)),
  fallback: () => null,
  text: true,
});
/** when storage is refused (private mode): one id for this page's life, still consistent within it */
let sessionId: string | null = null;

export function thisDeviceId(): string {
  const known = stored.read() ?? sessionId;
  if (known) return known;
  const id = newId();
  // Not stored (reported): this page keeps using it, and the next start makes another.
  if (!stored.write(id)) sessionId = id;
  return id;
}

/** A first name for the device, until the person gives it one: browser, system and a short id (two alike devices differ). */
export function defaultDeviceName(id: string, ua: string = navigator.userAgent): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Mac OS X|Macintosh/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : '';
  const tag = id.slice(0, 4).toUpperCase();
  return system ? `${browser}, ${system} (${tag})` : `${browser} (${tag})`;
}
