// "Analyse on my phone": the selfie is read in the browser with the server's own exported models
// (GET /models/current/: YuNet face detector + emotion classifier, ONNX) on onnxruntime-web's WebAssembly
// backend, and only the scores leave the phone. Every step mirrors the server's code and takes its
// numbers from the manifest: decode upright (EXIF), shrink like emotions/images.py, detect like
// ml/faces.py FaceDetector (OpenCV FaceDetectorYN's decoding and NMS), crop like ml/faces.py face_crop,
// resize and grey like ml/preprocess.py, mirror-average like ml/onnx_classifier.py.
import { publicApi } from "./api.js";
import { areaResize, boxReduce, linearResize, toGray, warpSquare } from "./pixels.js";

const ORT_MODULE = "./vendor/onnxruntime-web/ort.wasm.bundle.min.mjs";
// The bundle carries its Emscripten glue; only the binary is fetched, from beside it (vendored, no CDN).
const ORT_WASM = new URL("./vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm", import.meta.url).href;

/** Why the phone could not read a photo itself (the caller falls back to uploading it). */
export class DeviceUnavailable extends Error {
  constructor(reason, cause) {
    super(reason);
    this.reason = reason; // "no_wasm" | "model_failed"
    this.cause = cause;
  }
}

/** Whether this browser can run the WebAssembly backend at all. */
export function deviceSupported() {
  return typeof WebAssembly === "object" && typeof WebAssembly.instantiate === "function" && "createImageBitmap" in window;
}

let loading = null; // Promise<{manifest, ort, detector, classifier}> of the current model

async function fetchModel(entry) {
  const response = await fetch(entry.url);
  if (!response.ok) throw new Error(`${entry.file}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length !== entry.bytes) throw new Error(`${entry.file}: ${bytes.length} bytes, expected ${entry.bytes}`);
  // crypto.subtle exists only in secure contexts (HTTPS, localhost); the size check above still holds elsewhere.
  if (globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const hex = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    if (hex !== entry.sha256) throw new Error(`${entry.file}: sha256 ${hex.slice(0, 12)} != ${entry.sha256.slice(0, 12)}`);
  }
  return bytes;
}

async function load() {
  if (!deviceSupported()) throw new DeviceUnavailable("no_wasm");
  try {
    const manifest = await publicApi("models/current/");
    const ort = await import(ORT_MODULE);
    ort.env.wasm.wasmPaths = { wasm: ORT_WASM };
    // Threads need a cross-origin-isolated page (SharedArrayBuffer); one thread works everywhere.
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    const options = { executionProviders: ["wasm"], graphOptimizationLevel: "all" };
    // The verifier (MTCNN's ONet) judges YuNet's faces as the server does; a manifest without one (an older
    // server) leaves doubtful faces to the server.
    const files = [manifest.detector, manifest.classifier, ...(manifest.verifier ? [manifest.verifier] : [])];
    const [detectorBytes, classifierBytes, verifierBytes] = await Promise.all(files.map(fetchModel));
    const detector = await ort.InferenceSession.create(detectorBytes, options);
    const classifier = await ort.InferenceSession.create(classifierBytes, options);
    const verifier = verifierBytes ? await ort.InferenceSession.create(verifierBytes, options) : null;
    return { manifest, ort, detector, classifier, verifier };
  } catch (error) {
    if (error instanceof DeviceUnavailable) throw error;
    throw new DeviceUnavailable("model_failed", error);
  }
}

/** The models, downloaded and started once per page (a failed attempt is retried on the next photo). */
export function prepare() {
  if (!loading) {
    loading = load();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * A photo file -> upright RGB pixels {data (RGBA), width, height}, without colour management (as Pillow),
 * scaled by the decoder to `size` {width, height} when given.
 */
export async function decodeUpright(file, size = null) {
  const options = { imageOrientation: "from-image", colorSpaceConversion: "none", premultiplyAlpha: "none" };
  // "low" is bilinear without mipmaps: halving samples every pixel centre's four neighbours equally, i.e.
  // exactly the 2x2 box average (checked pixel for pixel against boxReduce on a 12 MP JPEG).
  if (size) Object.assign(options, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: "low" });
  const bitmap = await createImageBitmap(file, options);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
  return { data, width, height };
}

/** Width and height of a JPEG as shown upright (its EXIF orientation applied), or null when not found. */
export async function jpegUprightSize(file) {
  const bytes = new Uint8Array(await file.slice(0, 512 * 1024).arrayBuffer());
  const view = new DataView(bytes.buffer);
  if (bytes.length < 4 || view.getUint16(0) !== 0xffd8) return null;
  let orientation = 1;
  for (let i = 2; i + 9 < bytes.length; ) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const length = view.getUint16(i + 2);
    if (marker === 0xe1 && view.getUint32(i + 4) === 0x45786966) orientation = exifOrientation(view, i + 10) ?? 1;
    // SOF0-SOF15 except DHT (c4), JPG (c8) and DAC (cc): precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = view.getUint16(i + 5);
      const width = view.getUint16(i + 7);
      return orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
    }
    if (marker === 0xda) return null; // the scan starts before any frame header: not a JPEG we know
    i += 2 + length;
  }
  return null;
}

/** The Orientation tag (0x0112) of IFD0 in the TIFF structure at `tiff`, or null. */
function exifOrientation(view, tiff) {
  try {
    const little = view.getUint16(tiff) === 0x4949;
    const ifd = tiff + view.getUint32(tiff + 4, little);
    const entries = view.getUint16(ifd, little);
    for (let e = 0; e < entries; e++) {
      const entry = ifd + 2 + e * 12;
      if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
    }
  } catch {
    // A truncated or malformed EXIF block: the decoder's own reading of it decides.
  }
  return null;
}

/** Shrink by the largest whole factor that keeps `minLongSide` (emotions/images.py, non-JPEG path). */
function readable(image, minLongSide) {
  const factor = Math.floor(Math.max(image.width, image.height) / minLongSide);
  return factor >= 2 ? boxReduce(image, factor, { partial: true }) : image;
}

/**
 * The upright photo at the server's read size. A JPEG to be halved (a 12 MP phone photo) is halved by
 * the browser while decoding (no full-size pixels pass through JavaScript); other photos are decoded
 * whole and box-averaged here.
 */
async function decodeForReading(file, minLongSide) {
  const size = await jpegUprightSize(file).catch(() => null);
  if (size && Math.floor(Math.max(size.width, size.height) / minLongSide) === 2) {
    const half = await decodeUpright(file, { width: Math.ceil(size.width / 2), height: Math.ceil(size.height / 2) });
    if (half.width === Math.ceil(size.width / 2) && half.height === Math.ceil(size.height / 2)) return half;
  }
  return readable(await decodeUpright(file), minLongSide);
}

// --- face detection: YuNet as OpenCV's FaceDetectorYN runs it -----------------------------------------

function yunetInput(ort, image, divisor) {
  const padW = Math.ceil(image.width / divisor) * divisor;
  const padH = Math.ceil(image.height / divisor) * divisor;
  const plane = padW * padH;
  const blob = new Float32Array(3 * plane); // zero padding right and bottom (copyMakeBorder BORDER_CONSTANT)
  const { data, width, height } = image;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      const to = y * padW + x;
      blob[to] = data[from + 2]; // YuNet reads BGR
      blob[plane + to] = data[from + 1];
      blob[2 * plane + to] = data[from];
    }
  }
  return { tensor: new ort.Tensor("float32", blob, [1, 3, padH, padW]), padW, padH };
}

const clamp01 = (value) => Math.min(1, Math.max(0, value));

/** Decode YuNet's outputs exactly as face_detect.cpp postProcess does: rows of box, landmarks, score. */
function decodeYunet(outputs, padW, padH, strides, threshold) {
  const faces = [];
  for (const stride of strides) {
    const cols = Math.floor(padW / stride);
    const rows = Math.floor(padH / stride);
    const cls = outputs[`cls_${stride}`].data;
    const obj = outputs[`obj_${stride}`].data;
    const bbox = outputs[`bbox_${stride}`].data;
    const kps = outputs[`kps_${stride}`].data;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const score = Math.fround(Math.sqrt(clamp01(cls[i]) * clamp01(obj[i])));
        if (score < threshold) continue;
        const cx = (c + bbox[i * 4]) * stride;
        const cy = (r + bbox[i * 4 + 1]) * stride;
        const w = Math.exp(bbox[i * 4 + 2]) * stride;
        const h = Math.exp(bbox[i * 4 + 3]) * stride;
        const marks = [];
        for (let n = 0; n < 5; n++) marks.push([(kps[i * 10 + 2 * n] + c) * stride, (kps[i * 10 + 2 * n + 1] + r) * stride]);
        faces.push({ x: cx - w / 2, y: cy - h / 2, w, h, score, marks });
      }
    }
  }
  return faces;
}

/** OpenCV's dnn::NMSBoxes on integer boxes (Rect2i of the truncated floats), eta 1. */
function nms(faces, scoreThreshold, nmsThreshold, topK) {
  if (faces.length <= 1) return faces; // FaceDetectorYN skips NMS for a single face
  const boxes = faces.map((f) => [Math.trunc(f.x), Math.trunc(f.y), Math.trunc(f.w), Math.trunc(f.h)]);
  // GetMaxScoreIndex: scores strictly above the threshold, stable sort descending, the first top_k.
  let order = faces.map((f, i) => i).filter((i) => faces[i].score > scoreThreshold);
  order.sort((a, b) => faces[b].score - faces[a].score);
  if (topK > 0) order = order.slice(0, topK);
  const area = (b) => Math.max(0, b[2]) * Math.max(0, b[3]);
  const iou = (a, b) => {
    const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
    const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
    const inter = w > 0 && h > 0 ? w * h : 0;
    const union = area(a) + area(b) - inter;
    return union > 0 ? inter / union : 0;
  };
  const kept = [];
  for (const i of order) {
    if (kept.every((k) => iou(boxes[i], boxes[k]) <= nmsThreshold)) kept.push(i);
  }
  return kept.map((i) => faces[i]);
}

/** Faces found on a copy shrunk by a whole factor, in the read image's pixels, most confident first. */
async function detectAt(model, image, factor, settings) {
  const { ort, detector } = model;
  const small = factor > 1 ? boxReduce(image, factor, { partial: false }) : image;
  const { tensor, padW, padH } = yunetInput(ort, small, settings.pad_divisor);
  const outputs = await detector.run({ [detector.inputNames[0]]: tensor });
  const lowest = settings.confirm_threshold ?? settings.score_threshold;
  const found = nms(decodeYunet(outputs, padW, padH, settings.strides, lowest), lowest, settings.nms_threshold, settings.top_k);
  const faces = [];
  for (const f of found) {
    const x0 = Math.max(0, f.x * factor);
    const y0 = Math.max(0, f.y * factor);
    const x1 = Math.min(image.width, (f.x + f.w) * factor);
    const y1 = Math.min(image.height, (f.y + f.h) * factor);
    if (x1 - x0 < 1 || y1 - y0 < 1) continue;
    const box = { x: pyRound(x0), y: pyRound(y0), w: Math.max(1, pyRound(x1 - x0)), h: Math.max(1, pyRound(y1 - y0)) };
    faces.push({ box, score: f.score, marks: f.marks.map(([mx, my]) => [mx * factor, my * factor]) });
  }
  return faces.sort((a, b) => b.score - a.score);
}

/**
 * ml/faces.py FaceDetector.face_probability: MTCNN's ONet on the face's crop with the eyes levelled,
 * 48x48 RGB, (pixels - 127.5) / 128.
 */
export async function faceProbability(model, image, face) {
  const { ort, verifier, manifest } = model;
  const side = 48;
  const pixels = modelPixels(faceCrop(image, face, { ...manifest.face_crop, align_eyes: true }), side, false);
  const values = new Float32Array(3 * side * side);
  for (let i = 0; i < side * side; i++) {
    for (let ch = 0; ch < 3; ch++) values[ch * side * side + i] = (pixels.data[i * 4 + ch] - 127.5) * 0.0078125;
  }
  const outputs = await verifier.run({ [verifier.inputNames[0]]: new ort.Tensor("float32", values, [1, 3, side, side]) });
  return outputs[verifier.outputNames[0]].data[0];
}

/** ml/faces.py FaceDetector._kept: the confident faces ONet does not veto, the doubtful ones it confirms. */
async function keptFaces(model, image, faces, settings) {
  const kept = [];
  for (const [rank, face] of faces.entries()) {
    if (face.score >= settings.score_threshold) {
      if ((await faceProbability(model, image, face)) >= settings.verifier_veto) kept.push(face);
    } else if (rank < settings.confirm_top && (await faceProbability(model, image, face)) >= settings.verifier_confirm) {
      kept.push(face);
    }
  }
  return kept;
}

/**
 * The face the server would read, or why there is none: {face} | {doubtful: true} | {} (no face).
 * Each pass keeps what the server's rule keeps (ONet vetoes and confirms); without a verifier in the
 * manifest a most-confident face below score_threshold is "doubtful" and the caller uploads the photo.
 */
async function findFace(model, image, settings) {
  const { width, height } = image;
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (short < settings.min_image_side || long > settings.max_aspect * short) return {};
  const tried = new Set();
  for (const side of settings.detect_sides) {
    const factor = Math.max(1, Math.floor(long / side));
    if (tried.has(factor)) continue;
    tried.add(factor);
    const faces = await detectAt(model, image, factor, settings);
    if (!faces.length) continue;
    if (!model.verifier) return faces[0].score >= settings.score_threshold ? { face: faces[0] } : { doubtful: true };
    const kept = await keptFaces(model, image, faces, settings);
    if (kept.length) return { face: kept[0] };
  }
  return {};
}

// --- crop and classification ----------------------------------------------------------------------------

/** Python's round(): halves go to the even neighbour. */
function pyRound(value) {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** ml/faces.py face_crop: a square centred on the box, optionally eye-levelled, at most max_side pixels. */
export function faceCrop(image, face, contract) {
  const { box } = face;
  const side = Math.max(box.w, box.h) * (1 + 2 * contract.margin);
  const out = Math.max(1, Math.min(pyRound(side), contract.max_side));
  let angle = 0;
  if (contract.align_eyes && face.marks?.length >= 2) {
    const [[rx, ry], [lx, ly]] = face.marks;
    angle = (Math.atan2(ly - ry, lx - rx) * 180) / Math.PI;
  }
  const rad = (angle * Math.PI) / 180;
  const half = (side * (Math.abs(Math.cos(rad)) + Math.abs(Math.sin(rad)))) / 2 + 1;
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const x0 = Math.max(0, Math.floor(cx - half));
  const y0 = Math.max(0, Math.floor(cy - half));
  const x1 = Math.min(image.width, Math.ceil(cx + half));
  const y1 = Math.min(image.height, Math.ceil(cy + half));
  let region = { ...cropRegion(image, x0, y0, x1, y1) };
  const scale = out / side;
  let sx = 1;
  let sy = 1;
  if (scale < 1) {
    const w = Math.max(1, pyRound((x1 - x0) * scale));
    const h = Math.max(1, pyRound((y1 - y0) * scale));
    region = areaResize(region, w, h);
    sx = w / (x1 - x0);
    sy = h / (y1 - y0);
  }
  return warpSquare(region, (cx - x0) * sx, (cy - y0) * sy, angle, out);
}

function cropRegion(image, x0, y0, x1, y1) {
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { data, width, height };
}

/** ml/preprocess.py to_model_pixels: central square, resize (area shrinking, bilinear enlarging), grey. */
export function modelPixels(crop, size, grayscale) {
  const side = Math.min(crop.width, crop.height);
  const top = Math.floor((crop.height - side) / 2);
  const left = Math.floor((crop.width - side) / 2);
  const square = side === crop.width && side === crop.height ? crop : cropRegion(crop, left, top, left + side, top + side);
  const resized = side > size ? areaResize(square, size, size) : linearResize(square, size, size);
  return grayscale ? toGray(resized) : resized;
}

function classifierInput(ort, pixels, size, grayscale, mirrored) {
  const channels = grayscale ? 1 : 3;
  const plane = size * size;
  const batch = mirrored ? 2 : 1;
  const values = new Float32Array(batch * channels * plane);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      for (let ch = 0; ch < channels; ch++) {
        const value = pixels.data[from + ch]; // grey pixels carry the grey value in R, G and B
        values[ch * plane + y * size + x] = value;
        if (mirrored) values[(channels + ch) * plane + y * size + (size - 1 - x)] = value;
      }
    }
  }
  return new ort.Tensor("float32", values, [batch, channels, size, size]);
}

/** Calibrated probabilities {label: p} of one face crop, mirror-averaged when the server does so. */
async function classify(model, crop) {
  const { ort, classifier, manifest } = model;
  const { input_size: size, grayscale } = manifest.preprocessing;
  const mirrored = Boolean(manifest.server_reading?.flip_average);
  const pixels = modelPixels(crop, size, grayscale);
  const outputs = await classifier.run({ pixels: classifierInput(ort, pixels, size, grayscale, mirrored) });
  const probabilities = outputs.probabilities.data;
  const count = manifest.labels.length;
  const row = manifest.labels.map((_, i) => (mirrored ? (probabilities[i] + probabilities[count + i]) / 2 : probabilities[i]));
  const total = row.reduce((sum, p) => sum + p, 0);
  return Object.fromEntries(manifest.labels.map((label, i) => [label, row[i] / total]));
}

/**
 * Read a photo on the phone. Resolves to {status: "done", scores, emotion, confidence, model_version,
 * timings} | {status: "no_face"} | {status: "doubtful"}; rejects with DeviceUnavailable when the
 * browser or the models cannot do it.
 */
export async function readPhoto(file) {
  const model = await prepare();
  const started = performance.now();
  const reading = model.manifest.server_reading;
  const image = await decodeForReading(file, reading.photo.read_long_side);
  const decoded = performance.now();
  const found = await findFace(model, image, reading.face_detector);
  const detected = performance.now();
  if (found.doubtful) return { status: "doubtful" };
  if (!found.face) return { status: "no_face" };
  const scores = await classify(model, faceCrop(image, found.face, model.manifest.face_crop));
  const [emotion, confidence] = Object.entries(scores).reduce((best, pair) => (pair[1] > best[1] ? pair : best));
  const timings = {
    decode_ms: decoded - started, // upright, at the server's read size
    detect_ms: detected - decoded,
    classify_ms: performance.now() - detected,
  };
  return { status: "done", scores, emotion, confidence, model_version: model.manifest.model_version, face: found.face, timings };
}
