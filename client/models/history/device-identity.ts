import { newId } from '../../../shared/schema/index.ts';

/*
 * This device's id, kept on the device (every tab of this browser profile shares it) and never
 * synced by itself: the workspace's `devices` map files Automerge actors under it.
 */
const KEY = 'atelier.device.id';
/** when storage is refused (private mode): one id for this page's life, still consistent within it */
let sessionId: string | null = null;

export function thisDeviceId(): string {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored && /^[0-9a-f]{24}$/.test(stored)) return stored;
    const id = newId();
    localStorage.setItem(KEY, id);
    return id;
  } catch {
    sessionId ??= newId();
    return sessionId;
  }
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
