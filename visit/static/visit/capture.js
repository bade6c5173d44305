// The selfie step's sending: prepare the photo on the phone, upload it with progress, then wait for the
// reading with a spinner. The visitor can cancel at any moment and try again; waiting has a time limit,
// after which "Try again" looks once more for the same photo's reading (nothing is sent twice).
import { api, ApiError, config, upload } from "./api.js";
import { readOnDevice } from "./device_mode.js";
import { $, percent, setStatus, showError } from "./dom.js";
import { preparePhoto } from "./photo.js";
import { t } from "./texts.js";

const POLL_FIRST_MS = 500;
const POLL_MAX_MS = 2000;
const SLOW_AFTER_MS = 15000;
const FINAL_STATUSES = new Set(["done", "no_face", "failed"]);

/** A key for one chosen photo: a retry of its upload returns the capture the first attempt made (Idempotency-Key). */
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`; // plain http on a LAN
}

/** Resolves after `ms`, or rejects with "cancelled" as soon as `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new ApiError(0, "cancelled", ""));
    }, { once: true });
  });
}

/**
 * The sending of selfies at `exhibit()`. `finished(capture)` gets a capture read as `done`; `failed(error)` any
 * error that ends the attempt (the page explains it; the same photo can be sent again).
 */
export function selfieSender({ exhibit, finished, failed }) {
  // The chosen photo, its upload key, and the capture it made once the server accepted it.
  let pending = null;
  let controller = null;

  const submit = () => document.querySelector('[data-testid="submit"]');

  /** Show one phase of sending: idle, uploading, analysing, stopped (cancelled) or late (waited too long). */
  function phase(name, message = "") {
    const busy = name === "uploading" || name === "analysing";
    $("upload").hidden = name !== "uploading";
    $("analysing").hidden = name !== "analysing";
    $("capture-cancel").hidden = !busy;
    $("capture-stopped").hidden = !(name === "stopped" || name === "late");
    $("capture-stopped-text").textContent = message;
    $("step-selfie").dataset.phase = name;
    submit().disabled = busy || !pending;
  }

  function progress(fraction) {
    $("upload-progress").value = percent(fraction);
  }

  async function waitForReading(id, signal) {
    const started = Date.now();
    let delay = POLL_FIRST_MS;
    for (;;) {
      const capture = await api("GET", `captures/${id}/`);
      if (signal.aborted) throw new ApiError(0, "cancelled", "");
      if (FINAL_STATUSES.has(capture.status)) return capture;
      const waited = Date.now() - started;
      if (waited > config.poll_timeout_ms) throw new ApiError(0, "timeout", "");
      if (waited > SLOW_AFTER_MS) setStatus(t("status_slow"));
      await pause(Math.min(delay, Math.max(0, config.poll_timeout_ms - waited) + 50), signal);
      delay = Math.min(delay * 1.5, POLL_MAX_MS);
    }
  }

  async function sendPhoto(signal) {
    setStatus(t("status_preparing"));
    const photo = await preparePhoto(pending.file);
    if (signal.aborted) throw new ApiError(0, "cancelled", "");
    $("photo-note").hidden = photo.prepared;
    const form = new FormData();
    form.append("exhibit", String(exhibit().id));
    form.append("image", photo.blob, photo.name);
    progress(0);
    setStatus(t("status_uploading", { percent: 0 }));
    let announced = 0;
    const accepted = await upload(
      "captures/",
      form,
      (fraction) => {
        progress(fraction);
        // Announce every quarter, not every progress event: screen readers would stutter.
        if (percent(fraction) >= announced + 25 || fraction === 1) {
          announced = percent(fraction);
          setStatus(t("status_uploading", { percent: announced }));
        }
      },
      { signal, extraHeaders: { "Idempotency-Key": pending.key } },
    );
    progress(1);
    return accepted.id;
  }

  /** Send the chosen photo, or (after a cancel or a time-out once it was accepted) look for its reading again. */
  async function send() {
    if (!pending) return;
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    showError(null);
    try {
      if (!pending.captureId) {
        // Read on this phone when the visitor chose so and it can (only the scores are sent); null: upload.
        const read = await readOnDevice(pending.file, exhibit().id);
        if (read) {
          setStatus("");
          pending = { file: pending.file, key: newKey(), captureId: null };
          if (read.status === "done") await finished(read);
          else showError(read.status === "no_face" ? "no_face" : read.error_code || "generic");
          return;
        }
        phase("uploading");
        pending.captureId = await sendPhoto(signal);
      }
      phase("analysing");
      setStatus(t("status_analysing"));
      const capture = await waitForReading(pending.captureId, signal);
      phase("idle");
      setStatus("");
      // Sending the same photo again from here on makes a new capture (a new reading), not this one.
      pending = { file: pending.file, key: newKey(), captureId: null };
      if (capture.status === "done") await finished(capture);
      else showError(capture.status === "no_face" ? "no_face" : capture.error_code || "generic");
    } catch (error) {
      if (controller?.signal !== signal) return; // a newer attempt, or a new photo, has taken over
      setStatus("");
      if (error instanceof ApiError && error.code === "cancelled") {
        phase("stopped", t("capture_cancelled"));
        $("capture-retry").focus();
      } else if (error instanceof ApiError && pending.captureId && ["timeout", "network"].includes(error.code)) {
        // Accepted but not read in time (a busy worker), or the connection dropped while waiting.
        phase("late", error.code === "timeout" ? t("capture_timeout") : t("capture_lost_connection"));
        $("capture-retry").focus();
      } else {
        phase("idle");
        failed(error);
      }
    }
  }

  $("capture-cancel").addEventListener("click", () => controller?.abort());
  $("capture-retry").addEventListener("click", () => {
    send().catch(failed);
    $("capture-cancel").focus();
  });

  return {
    /** A new photo was chosen (or none): whatever was in flight for the old one is dropped. */
    choose(file) {
      controller?.abort();
      controller = null;
      pending = file ? { file, key: newKey(), captureId: null } : null;
      $("photo-note").hidden = true;
      phase("idle");
    },
    send,
    /** The selfie step is shown again: no phase of an earlier photo is left on it. */
    reset() {
      if (!controller || controller.signal.aborted) phase("idle");
    },
  };
}
