/** Avatar pictures: centre-cropped to 250×250 and re-encoded small, as Open WebUI does. */
export const AVATAR_SIZE = 250;
export const AVATAR_MAX_INPUT_BYTES = 10 * 1024 * 1024;
const ACCEPTED = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export type AvatarResult =
  | { ok: true; mime: string; data: Uint8Array }
  | { ok: false; error: 'not-image' | 'too-large' | 'unreadable'; size?: number };

async function encode(canvas: HTMLCanvasElement): Promise<Blob | null> {
  const webp = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/webp', 0.8));
  // Browsers without a WebP encoder silently return PNG; both are fine.
  if (webp) return webp;
  return new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
}

export async function processAvatar(file: File): Promise<AvatarResult> {
  if (!ACCEPTED.includes(file.type)) return { ok: false, error: 'not-image' };
  if (file.size > AVATAR_MAX_INPUT_BYTES) return { ok: false, error: 'too-large', size: file.size };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, error: 'unreadable' };
  }
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = AVATAR_SIZE;
  canvas.height = AVATAR_SIZE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return { ok: false, error: 'unreadable' };
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, AVATAR_SIZE, AVATAR_SIZE);
  bitmap.close();
  const blob = await encode(canvas);
  if (!blob) return { ok: false, error: 'unreadable' };
  return { ok: true, mime: blob.type, data: new Uint8Array(await blob.arrayBuffer()) };
}
