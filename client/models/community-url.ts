import * as v from 'valibot';
import { makePersisted } from '../device/persisted.ts';

/*
 * Where "Share to Open WebUI community" sends a preset. A device setting (localStorage, never
 * synced), so a test or a self-hosted community page can stand in for openwebui.com without a
 * rebuild. Anything but an http(s) origin falls back to openwebui.com.
 */

export const COMMUNITY_URL_KEY = 'atelier.openwebuiCommunityUrl';
export const DEFAULT_COMMUNITY_URL = 'https://openwebui.com';

const origin = (text: string): string | null => {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
};

/** The community site's origin (no path), as Open WebUI compares it with a message's origin. */
const HttpOrigin = v.pipe(
  v.string(),
  v.check((s) => origin(s) !== null),
  v.transform((s) => origin(s) ?? DEFAULT_COMMUNITY_URL),
);

const stored = makePersisted<string>({ key: COMMUNITY_URL_KEY, what: 'communityUrl', schema: HttpOrigin, fallback: () => DEFAULT_COMMUNITY_URL, text: true });

export function communityOrigin(): string {
  return stored.read();
}

/** The page that waits for the model, as Open WebUI opens it. */
export const communityCreateUrl = (origin: string): string => `${origin}/models/create`;
