// The selfie step's "analyse on my phone" choice: read the photo here (ondevice.js) and send only the
// scores, or say why not and let the photo be uploaded as usual. The choice is remembered on this phone.
import { api } from "./api.js";
import { $, setStatus } from "./dom.js";
import { DeviceUnavailable, deviceSupported, prepare, readPhoto } from "./ondevice.js";
import { t } from "./texts.js";

const CHOICE_KEY = "museum_guide.on_device";

/** The line under the choice saying why this photo is uploaded after all; null hides it. */
function note(text) {
  const box = $("device-note");
  box.textContent = text ?? "";
  box.hidden = !text;
}

function chosen() {
  return $("on-device").checked;
}

/** Show the choice as this phone last left it; start downloading the models when it is on. */
export function setupDeviceMode() {
  const box = $("on-device");
  box.checked = localStorage.getItem(CHOICE_KEY) === "1";
  const changed = () => {
    localStorage.setItem(CHOICE_KEY, box.checked ? "1" : "0");
    note(box.checked && !deviceSupported() ? t("device_unsupported") : null);
    // Downloading the models while the visitor takes the photo saves that time after it.
    if (box.checked && deviceSupported()) prepare().catch(() => {});
  };
  box.addEventListener("change", changed);
  if (box.checked) changed();
}

/**
 * The finished capture of a photo read on this phone, {status: "no_face"} when it holds no face, or null
 * when the photo is to be uploaded instead (the choice is off, or the phone cannot read this photo: the
 * note under the choice says why).
 */
export async function readOnDevice(photo, exhibitId) {
  if (!chosen()) return null;
  note(null);
  if (!deviceSupported()) {
    note(t("device_unsupported"));
    return null;
  }
  let reading;
  try {
    setStatus(t("status_device_loading"));
    await prepare();
    setStatus(t("status_device_reading"));
    reading = await readPhoto(photo);
  } catch (error) {
    console.warn("visit: reading on the phone failed", error?.cause ?? error);
    const cannot = error instanceof DeviceUnavailable && error.reason === "no_wasm";
    note(cannot ? t("device_unsupported") : t("device_failed"));
    return null;
  }
  if (reading.status === "doubtful") {
    note(t("device_doubtful"));
    return null;
  }
  if (reading.status === "no_face") return { status: "no_face" };
  setStatus(t("status_device_sending"));
  const body = { exhibit: String(exhibitId), scores: reading.scores, model_version: reading.model_version, source: "device" };
  return api("POST", "captures/", body);
}
