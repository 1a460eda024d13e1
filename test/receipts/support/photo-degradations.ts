/**
 * Harder versions of the tidy synthetic receipt images, made with sharp (deterministic): what a phone
 * photo of a paper proof does to it — perspective, blur, low light with sensor noise, glare, heavy JPEG.
 * Shared by the QR retry tests and `test/receipts/measure-qr-retries.ts`.
 */
import sharp from 'sharp';
import { mulberry32 } from '../../../core/shared/seeded-random.js';

export type Degradation = (image: Buffer) => Promise<Buffer>;

/** Solves the 3×3 homography (h33 = 1) that maps the four `from` points onto the four `to` points. */
function homography(from: [number, number][], to: [number, number][]): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gauss-Jordan elimination with partial pivoting on the 8×9 augmented matrix.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(rows[r]![col]!) > Math.abs(rows[pivot]![col]!)) pivot = r;
    [rows[col], rows[pivot]] = [rows[pivot]!, rows[col]!];
    const head = rows[col]!;
    const scale = head[col]!;
    for (let c = col; c < 9; c++) head[c]! /= scale;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const row = rows[r]!;
      const factor = row[col]!;
      for (let c = col; c < 9; c++) row[c]! -= factor * head[c]!;
    }
  }
  return [...rows.map((row) => row[8]!), 1];
}

/**
 * A true perspective warp: the page seen from below and to the side (its top edge narrower than its
 * bottom), on a dark table. `strength` is the fraction of the width the top corners move inwards.
 */
export function perspective(strength = 0.14, tilt = 0.05): Degradation {
  return async (image) => {
    const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width: w, height: h, channels } = info;
    const margin = Math.round(w * 0.06);
    const W = w + 2 * margin;
    const H = h + 2 * margin;
    // Where the page's corners land in the output (top-left, top-right, bottom-right, bottom-left).
    const corners: [number, number][] = [
      [margin + w * strength, margin + h * tilt],
      [margin + w * (1 - strength * 0.6), margin],
      [margin + w, margin + h],
      [margin, margin + h * (1 - tilt)],
    ];
    // Inverse map: output pixel → source pixel.
    const m = homography(corners, [
      [0, 0],
      [w, 0],
      [w, h],
      [0, h],
    ]);
    const out = Buffer.alloc(W * H * 3, 32);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = m[6]! * x + m[7]! * y + m[8]!;
        const sx = (m[0]! * x + m[1]! * y + m[2]!) / d;
        const sy = (m[3]! * x + m[4]! * y + m[5]!) / d;
        if (sx < 0 || sy < 0 || sx >= w - 1 || sy >= h - 1) continue;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let c = 0; c < 3; c++) {
          const at = (xx: number, yy: number) => data[(yy * w + xx) * channels + c]!;
          const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
          const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
          out[(y * W + x) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
        }
      }
    }
    return sharp(out, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toBuffer();
  };
}

/** Out of focus (gaussian blur of `sigma` px). */
export function blur(sigma = 2): Degradation {
  return (image) => sharp(image).blur(sigma).png().toBuffer();
}

/** A dim room: darker, flatter, with sensor noise of `noise` grey levels (seeded). */
export function lowLight(brightness = 0.4, noise = 18, seed = 7): Degradation {
  return async (image) => {
    const { data, info } = await sharp(image)
      .removeAlpha()
      .linear(brightness * 0.8, 12)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const next = mulberry32(seed);
    for (let i = 0; i < data.length; i++) {
      const value = data[i]! + (next() + next() + next() - 1.5) * noise;
      data[i] = Math.max(0, Math.min(255, Math.round(value)));
    }
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .png()
      .toBuffer();
  };
}

/** A lamp's reflection: a bright, washed-out disc centred at (`cx`, `cy`) (fractions of the size). */
export function glare(cx = 0.3, cy = 0.75, radius = 0.3, opacity = 0.85): Degradation {
  return async (image) => {
    const { width = 0, height = 0 } = await sharp(image).metadata();
    const svg = Buffer.from(
      `<svg width="${width}" height="${height}"><defs><radialGradient id="g" cx="${cx}" cy="${cy}" r="${radius}"><stop offset="0" stop-color="white" stop-opacity="${opacity}"/><stop offset="0.6" stop-color="white" stop-opacity="${opacity * 0.6}"/><stop offset="1" stop-color="white" stop-opacity="0"/></radialGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
    );
    return sharp(image)
      .composite([{ input: svg }])
      .png()
      .toBuffer();
  };
}

/** Re-encoded as a low-quality JPEG (chat apps, old phones). */
export function jpeg(quality = 15): Degradation {
  return (image) => sharp(image).jpeg({ quality }).toBuffer();
}

/** Smaller: a photo taken from far away, or downscaled by a messenger. */
export function shrink(factor = 0.5): Degradation {
  return async (image) => {
    const { width = 0 } = await sharp(image).metadata();
    return sharp(image)
      .resize({ width: Math.max(1, Math.round(width * factor)) })
      .png()
      .toBuffer();
  };
}

/** Applies degradations left to right. */
export function chain(...steps: Degradation[]): Degradation {
  return async (image) => {
    let current = image;
    for (const step of steps) current = await step(current);
    return current;
  };
}

/**
 * The named degradations the QR measurement runs over every e-invoice image: each is strong enough that
 * zxing misses a code on some of the 14 images (milder ones are read 14/14 without any retry).
 */
export const QR_DEGRADATIONS: Record<string, Degradation> = {
  'as-is': async (image) => image,
  perspective: chain(perspective(0.3, 0.1), lowLight(0.5, 10)),
  'blur 3px': blur(3),
  'blur 4px': blur(4),
  'low light': lowLight(0.15, 40),
  glare: chain(glare(0.3, 0.75, 0.3, 1), jpeg(30)),
  'jpeg q5': jpeg(5),
  'far away': shrink(0.22),
  phone: chain(perspective(0.12, 0.04), shrink(0.6), blur(1.3), lowLight(0.45, 14), jpeg(35)),
};
