// Pixel operations of the on-device reading, written to give what the server's OpenCV and Pillow calls give
// (ondevice.js): whole-factor box shrinking, OpenCV's INTER_AREA and INTER_LINEAR resizing, its
// warpAffine with edge repetition, and its fixed-point RGB -> grey. Images are {data: RGBA bytes, width, height}.

function blank(width, height) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width, height };
}

/**
 * Shrink by a whole factor, averaging factor x factor blocks. `partial: false` drops the edge pixels that
 * do not fill a block (OpenCV INTER_AREA on the cut image, ml/faces.py); `partial: true` averages them
 * into smaller edge blocks (Pillow's Image.reduce, emotions/images.py).
 */
export function boxReduce(image, factor, { partial }) {
  const { data, width, height } = image;
  const outW = partial ? Math.ceil(width / factor) : Math.floor(width / factor);
  const outH = partial ? Math.ceil(height / factor) : Math.floor(height / factor);
  const usedW = Math.min(width, outW * factor);
  const usedH = Math.min(height, outH * factor);
  const sums = new Uint32Array(outW * 3);
  const out = blank(outW, outH);
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0);
    const yEnd = Math.min(usedH, (oy + 1) * factor);
    for (let y = oy * factor; y < yEnd; y++) {
      let from = y * width * 4;
      // Block by block along the row: no division per pixel (this loop reads all 12 MP of a phone photo).
      for (let ox = 0; ox < outW; ox++) {
        const xEnd = Math.min(usedW, (ox + 1) * factor);
        let r = 0;
        let g = 0;
        let b = 0;
        for (let x = ox * factor; x < xEnd; x++, from += 4) {
          r += data[from];
          g += data[from + 1];
          b += data[from + 2];
        }
        sums[ox * 3] += r;
        sums[ox * 3 + 1] += g;
        sums[ox * 3 + 2] += b;
      }
    }
    const rows = yEnd - oy * factor;
    for (let ox = 0; ox < outW; ox++) {
      const count = rows * (Math.min(usedW, (ox + 1) * factor) - ox * factor);
      const to = (oy * outW + ox) * 4;
      out.data[to] = Math.round(sums[ox * 3] / count);
      out.data[to + 1] = Math.round(sums[ox * 3 + 1] / count);
      out.data[to + 2] = Math.round(sums[ox * 3 + 2] / count);
    }
  }
  return out;
}

/** OpenCV's computeResizeAreaTab: for each output pixel, the source pixels it covers and their weights. */
function areaTable(srcSize, dstSize) {
  const scale = srcSize / dstSize;
  const table = [];
  for (let dx = 0; dx < dstSize; dx++) {
    const fsx1 = dx * scale;
    const fsx2 = fsx1 + scale;
    const cell = Math.min(scale, srcSize - fsx1);
    const sx2 = Math.min(Math.floor(fsx2), srcSize - 1);
    const sx1 = Math.min(Math.ceil(fsx1), sx2);
    const taps = [];
    if (sx1 - fsx1 > 1e-3) taps.push([sx1 - 1, (sx1 - fsx1) / cell]);
    for (let sx = sx1; sx < sx2; sx++) taps.push([sx, 1 / cell]);
    if (fsx2 - sx2 > 1e-3) taps.push([sx2, Math.min(Math.min(fsx2 - sx2, 1), cell) / cell]);
    table.push(taps);
  }
  return table;
}

/** cv2.resize(..., INTER_AREA) when shrinking: whole factors average blocks, others weigh covered areas. */
export function areaResize(image, width, height) {
  if (image.width % width === 0 && image.height % height === 0 && image.width / width === image.height / height) {
    return boxReduce(image, image.width / width, { partial: false });
  }
  const xs = areaTable(image.width, width);
  const ys = areaTable(image.height, height);
  const rows = new Float32Array(image.height * width * 3);
  for (let y = 0; y < image.height; y++) {
    for (let dx = 0; dx < width; dx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [sx, w] of xs[dx]) {
        const i = (y * image.width + sx) * 4;
        r += image.data[i] * w;
        g += image.data[i + 1] * w;
        b += image.data[i + 2] * w;
      }
      const o = (y * width + dx) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  const out = blank(width, height);
  for (let dy = 0; dy < height; dy++) {
    for (let dx = 0; dx < width; dx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [sy, w] of ys[dy]) {
        const i = (sy * width + dx) * 3;
        r += rows[i] * w;
        g += rows[i + 1] * w;
        b += rows[i + 2] * w;
      }
      const o = (dy * width + dx) * 4;
      out.data[o] = Math.round(r);
      out.data[o + 1] = Math.round(g);
      out.data[o + 2] = Math.round(b);
    }
  }
  return out;
}

function linearTaps(srcSize, dstSize) {
  const scale = srcSize / dstSize;
  const taps = [];
  for (let d = 0; d < dstSize; d++) {
    let f = (d + 0.5) * scale - 0.5;
    let s = Math.floor(f);
    f -= s;
    if (s < 0) {
      s = 0;
      f = 0;
    }
    if (s >= srcSize - 1) {
      s = srcSize - 1;
      f = 0;
    }
    taps.push([s, Math.min(s + 1, srcSize - 1), f]);
  }
  return taps;
}

/** cv2.resize(..., INTER_LINEAR): half-pixel centres, edges clamped. */
export function linearResize(image, width, height) {
  const xs = linearTaps(image.width, width);
  const ys = linearTaps(image.height, height);
  const out = blank(width, height);
  for (let dy = 0; dy < height; dy++) {
    const [y0, y1, fy] = ys[dy];
    for (let dx = 0; dx < width; dx++) {
      const [x0, x1, fx] = xs[dx];
      const o = (dy * width + dx) * 4;
      for (let c = 0; c < 3; c++) {
        const top = image.data[(y0 * image.width + x0) * 4 + c] * (1 - fx) + image.data[(y0 * image.width + x1) * 4 + c] * fx;
        const bottom = image.data[(y1 * image.width + x0) * 4 + c] * (1 - fx) + image.data[(y1 * image.width + x1) * 4 + c] * fx;
        out.data[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

/**
 * ml/faces.py's warpAffine: rotate the region by `angle` degrees about (cx, cy) (OpenCV's
 * getRotationMatrix2D) and move that point to the centre of an out x out square; bilinear, edges repeated.
 */
export function warpSquare(region, cx, cy, angle, out) {
  const rad = (angle * Math.PI) / 180;
  const alpha = Math.cos(rad);
  const beta = Math.sin(rad);
  // Forward matrix [[a, b, tx], [-b, a, ty]] as getRotationMatrix2D + the shift to the centre.
  const tx = (1 - alpha) * cx - beta * cy + out / 2 - cx;
  const ty = beta * cx + (1 - alpha) * cy + out / 2 - cy;
  // warpAffine samples the source at the inverse map of each output pixel; rotations invert by transposing.
  const maxX = region.width - 1;
  const maxY = region.height - 1;
  const result = blank(out, out);
  for (let y = 0; y < out; y++) {
    for (let x = 0; x < out; x++) {
      const u = x - tx;
      const v = y - ty;
      // OpenCV resolves source positions to 1/32 pixel (INTER_BITS = 5).
      const sx = Math.round((alpha * u - beta * v) * 32) / 32;
      const sy = Math.round((beta * u + alpha * v) * 32) / 32;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const xa = Math.min(maxX, Math.max(0, x0));
      const xb = Math.min(maxX, Math.max(0, x0 + 1));
      const ya = Math.min(maxY, Math.max(0, y0));
      const yb = Math.min(maxY, Math.max(0, y0 + 1));
      const o = (y * out + x) * 4;
      for (let c = 0; c < 3; c++) {
        const p = region.data;
        const top = p[(ya * region.width + xa) * 4 + c] * (1 - fx) + p[(ya * region.width + xb) * 4 + c] * fx;
        const bottom = p[(yb * region.width + xa) * 4 + c] * (1 - fx) + p[(yb * region.width + xb) * 4 + c] * fx;
        result.data[o + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return result;
}

/** cv2.cvtColor(..., COLOR_RGB2GRAY) on bytes: its fixed-point 0.299 R + 0.587 G + 0.114 B, rounded. */
export function toGray(image) {
  const out = blank(image.width, image.height);
  for (let i = 0; i < image.data.length; i += 4) {
    const grey = (image.data[i] * 4899 + image.data[i + 1] * 9617 + image.data[i + 2] * 1868 + 8192) >> 14;
    out.data[i] = grey;
    out.data[i + 1] = grey;
    out.data[i + 2] = grey;
  }
  return out;
}
