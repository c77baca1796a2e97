// Writes the PWA's PNG icons (no image tooling needed): an indigo square with a white "A"-like easel mark.
// Run once with `node scripts/make-icons.mjs`; the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const indigo = [79, 70, 229, 255], white = [255, 255, 255, 255], clear = [0, 0, 0, 0];
// distance from point to segment, for drawing thick strokes
function seg(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
function mark(x, y, scale) {
  // scale < 1 keeps the mark inside the maskable safe zone
  const u = 0.5 + (x - 0.5) / scale, v = 0.5 + (y - 0.5) / scale;
  const w = 0.055;
  return seg(u, v, 0.5, 0.2, 0.28, 0.8) < w || seg(u, v, 0.5, 0.2, 0.72, 0.8) < w || seg(u, v, 0.36, 0.58, 0.64, 0.58) < w;
}
function rounded(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r), cy = Math.min(Math.max(y, r), 1 - r);
  return Math.hypot(x - cx, y - cy) <= r;
}
mkdirSync('client/public/icons', { recursive: true });
for (const size of [192, 512]) {
  writeFileSync(`client/public/icons/icon-${size}.png`, png(size, (x, y) => (!rounded(x, y, 0.18) ? clear : mark(x, y, 1) ? white : indigo)));
}
writeFileSync('client/public/icons/maskable-512.png', png(512, (x, y) => (mark(x, y, 0.7) ? white : indigo)));
writeFileSync('client/public/icons/apple-touch-icon.png', png(180, (x, y) => (mark(x, y, 0.8) ? white : indigo)));
