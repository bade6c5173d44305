// The selfie as it leaves the phone: decoded, turned upright, downscaled and re-encoded as JPEG.
// A 12 MP photo (3-6 MB) becomes a few hundred KB, which is what a museum's Wi-Fi can carry quickly; the
// server reads faces from far fewer pixels anyway. Re-encoding also drops every EXIF tag (GPS) on the phone,
// and turns HEIC into JPEG where the browser can decode it.

/** The long side of the photo sent, in pixels. */
export const MAX_SIDE = 1600;
const JPEG_QUALITY = 0.85;

/**
 * The photo to upload: `{blob, name, prepared}`. `prepared` is false when this browser could not decode the
 * file (an unusual format, or no image at all): then the original goes as it is and the server decides.
 *
 * The pixels are upright (EXIF orientation applied by the decoder) and carry no orientation tag, so a face box
 * measured on this image is in the coordinates the API expects (the image as sent, upright).
 */
export async function preparePhoto(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return { blob: file, name: file.name || "selfie.jpg", prepared: false };
  }
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const blob = await encode(bitmap, width, height);
    return blob ? { blob, name: "selfie.jpg", prepared: true } : { blob: file, name: file.name || "selfie.jpg", prepared: false };
  } finally {
    bitmap.close();
  }
}

/** Draw the bitmap at width x height and encode it as JPEG (null when the browser cannot). */
async function encode(bitmap, width, height) {
  // OffscreenCanvas where the browser has it (no layout, no DOM); a detached <canvas> elsewhere.
  const canvas = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(width, height) : document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) return null;
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: JPEG_QUALITY });
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY));
}
