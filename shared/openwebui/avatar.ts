/**
 * Which model pictures an import keeps. Data URLs of raster formats only (an SVG can carry
 * script), or http(s) URLs. A relative path such as Open WebUI's `/static/favicon.png`
 * means "the default picture": nothing to keep, nothing to report.
 */

const DATA_URL = /^data:image\/(?:png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/;

export type AvatarCheck = { kind: 'accepted'; url: string } | { kind: 'default' } | { kind: 'refused' };

export function acceptAvatarUrl(raw: string): AvatarCheck {
  const s = raw.trim();
  if (s === '') return { kind: 'default' };
  if (s.startsWith('data:')) return DATA_URL.test(s) ? { kind: 'accepted', url: s } : { kind: 'refused' };
  if (/^https?:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '') return { kind: 'accepted', url: s };
    } catch {
      // fall through
    }
    return { kind: 'refused' };
  }
  if (s.startsWith('/') && !s.startsWith('//')) return { kind: 'default' };
  return { kind: 'refused' };
}
