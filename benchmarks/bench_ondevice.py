"""The "analyse on my phone" mode in headless Chromium: reading time of a 12 MP photo and the extra download.

    make run                     # in another terminal: the app at http://127.0.0.1:8000
    python benchmarks/bench_ondevice.py --url http://127.0.0.1:8000 --runs 30 --face-px 400,150

Opens the visitor app, starts the on-device models (visit/static/visit/ondevice.js: onnxruntime-web on
WebAssembly, one thread), then reads a 4032x3024 JPEG (a natural texture with the astronaut's face
`face-px` wide, stored sideways with EXIF orientation 6 as phones do) `runs` times after 3 warm-up reads.
Reported per face size, p50/p95 in ms: decode (EXIF-upright RGBA pixels), detection (the read-size
reduction, YuNet passes, decoding, NMS), classification (crop, 48 px grey, mirror-averaged model run), and
detection + classification. The download is every byte the page fetched to start the mode (the ONNX
Runtime bundle and binary, the two models, the mode's own modules), raw and gzip-compressed (what
WhiteNoise serves to browsers that accept it; the model files are served uncompressed). A table on
stderr, one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.emotions.images import phone_photo_jpeg

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WARM_UP = 3
MODE_MODULES = {"device_mode.js", "ondevice.js", "pixels.js"}

PREPARE = """async () => {
  const { prepare } = await import("/static/visit/ondevice.js");
  const started = performance.now();
  await prepare();
  return performance.now() - started;
}"""

READ = """async ([b64, runs]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const { readPhoto } = await import("/static/visit/ondevice.js");
  const file = new File([bytes], "photo.jpg", { type: "image/jpeg" });
  const timings = [];
  let last = null;
  for (let i = 0; i < runs; i++) {
    last = await readPhoto(file);
    if (last.status !== "done") return { status: last.status };
    timings.push(last.timings);
  }
  return { status: "done", timings, emotion: last.emotion, box: last.face.box };
}"""


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of values, linear between ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and mean, rounded to 0.1 ms."""
    return {
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: measure; print a table on stderr and JSON on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a running server of this project")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--face-px", default="400,150", help="face widths in the 4032 px photo, comma-separated")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    from playwright.sync_api import Response, sync_playwright

    result: dict[str, Any] = {"runs": args.runs, "photo": "4032x3024 JPEG, EXIF orientation 6", "faces": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        fetched: list[Response] = []
        page.on("response", lambda response: fetched.append(response))
        page.goto(f"{args.url}/visit/")
        page.wait_for_load_state("networkidle")
        # The mode's own modules load with the app for every visitor; what follows is fetched for the mode only.
        modules = [r for r in fetched if r.url.split("?")[0].rsplit("/", 1)[-1] in MODE_MODULES]
        fetched.clear()
        result["prepare_ms"] = round(page.evaluate(PREPARE), 1)
        result["modules_kb"] = round(sum(len(r.body()) for r in modules) / 1024, 1)
        files = {}
        for response in fetched:
            body = response.body()
            compressible = "/static/" in response.url  # model files are sent as they are
            files[response.url.removeprefix(args.url)] = {
                "bytes": len(body),
                "gzip_bytes": len(gzip.compress(body, 9)) if compressible else len(body),
            }
        result["download"] = {
            "files": files,
            "kb": round(sum(f["bytes"] for f in files.values()) / 1024),
            "gzip_kb": round(sum(f["gzip_bytes"] for f in files.values()) / 1024),
        }
        for face_px in (int(x) for x in args.face_px.split(",")):
            photo = phone_photo_jpeg(size=(4032, 3024), face_px=face_px, orientation=6)
            b64 = base64.b64encode(photo).decode()
            page.evaluate(READ, [b64, WARM_UP])
            reading = page.evaluate(READ, [b64, args.runs])
            if reading["status"] != "done":
                result["faces"][face_px] = {"status": reading["status"]}
                continue
            timings = reading["timings"]
            result["faces"][face_px] = {
                "emotion": reading["emotion"],
                "box": reading["box"],
                "decode_ms": summary([t["decode_ms"] for t in timings]),
                "detect_ms": summary([t["detect_ms"] for t in timings]),
                "classify_ms": summary([t["classify_ms"] for t in timings]),
                "detect_classify_ms": summary([t["detect_ms"] + t["classify_ms"] for t in timings]),
                "total_ms": summary([t["decode_ms"] + t["detect_ms"] + t["classify_ms"] for t in timings]),
            }
        result["browser"] = browser.version
        browser.close()
    download = result["download"]
    print(
        f"download for the mode: {download['kb']} KB ({download['gzip_kb']} KB gzip);"
        f" the mode's modules in the app: {result['modules_kb']} KB; models ready in {result['prepare_ms']} ms",
        file=sys.stderr,
    )
    print("face px | decode p50/p95 | detect + classify p50/p95 | total p50/p95 (ms)", file=sys.stderr)
    for face_px, row in result["faces"].items():
        if "decode_ms" not in row:
            print(f"{face_px} | {row['status']}", file=sys.stderr)
            continue
        d, dc, total = row["decode_ms"], row["detect_classify_ms"], row["total_ms"]
        print(
            f"{face_px} | {d['p50']}/{d['p95']} | {dc['p50']}/{dc['p95']} | {total['p50']}/{total['p95']}",
            file=sys.stderr,
        )
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
