/*
 * Where "Share to Open WebUI community" sends a preset. A device setting (localStorage, never
 * synced), so a test or a self-hosted community page can stand in for openwebui.com without a
 * rebuild. Anything but an http(s) origin falls back to openwebui.com.
 */

export const COMMUNITY_URL_KEY = 'atelier.openwebuiCommunityUrl';
export const DEFAULT_COMMUNITY_URL = 'https://openwebui.com';

/** The community site's origin (no path), as Open WebUI compares it with a message's origin. */
export function communityOrigin(): string {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(COMMUNITY_URL_KEY);
  } catch {
    // storage refused (private mode): the default
  }
  if (raw) {
    try {
      const u = new URL(raw);
      if (u.protocol === 'https:' || u.protocol === 'http:') return u.origin;
    } catch {
      // not a URL: the default
    }
  }
  return DEFAULT_COMMUNITY_URL;
}

/** The page that waits for the model, as Open WebUI opens it. */
export const communityCreateUrl = (origin: string): string => `${origin}/models/create`;
