import { loadSharp } from '../shared/sharp.js';

/** Width of the thumbnail the skew is measured on: text rows stay distinct, a trial costs a few ms. */
const PROBE_WIDTH = 400;
const MAX_SKEW_DEGREES = 12;
/** Tesseract reads text tilted by a degree or two well; levelling only pays off beyond this. */
const MIN_SKEW_DEGREES = 3;

/**
 * How many degrees a photo's text rows are tilted (to rotate by to level them), by the projection
 * profile: levelled rows of text make the dark-pixel count change sharply from row to row, so the
 * angle whose profile has the largest squared row-to-row differences is the level one. 0 when the
 * photo is nearly level (scans, careful photos), so they are never resampled for nothing.
 */
export async function measureSkew(image: Buffer): Promise<number> {
  const sharp = await loadSharp();
  const probe = await sharp(image)
    .grayscale()
    .resize({ width: PROBE_WIDTH, withoutEnlargement: true })
    .normalise()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: probe.info.width, height: probe.info.height, channels: probe.info.channels };
  const score = async (angle: number) => {
    const { data, info } = await sharp(probe.data, { raw })
      .rotate(angle, { background: '#ffffff' })
      .threshold(140)
      .raw()
      .toBuffer({ resolveWithObject: true });
    let previous = -1;
    let sum = 0;
    for (let y = 0; y < info.height; y++) {
      let dark = 0;
      const row = y * info.width * info.channels;
      for (let x = 0; x < info.width; x++) if (data[row + x * info.channels]! < 128) dark++;
      if (previous >= 0) sum += (dark - previous) ** 2;
      previous = dark;
    }
    return sum / info.height;
  };
  // Coarse steps of 2°, then 1° and 0.5° around the best.
  let best = { angle: 0, value: await score(0) };
  for (let angle = -MAX_SKEW_DEGREES; angle <= MAX_SKEW_DEGREES; angle += 2) {
    if (angle === 0) continue;
    const value = await score(angle);
    if (value > best.value) best = { angle, value };
  }
  for (const step of [1, 0.5]) {
    const centre = best.angle;
    for (const angle of [centre - step, centre + step]) {
      const value = await score(angle);
      if (value > best.value) best = { angle, value };
    }
  }
  return Math.abs(best.angle) < MIN_SKEW_DEGREES ? 0 : best.angle;
}
