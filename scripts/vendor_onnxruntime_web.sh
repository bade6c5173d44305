#!/bin/sh
# Refresh the vendored onnxruntime-web files (the WebAssembly path only) from the npm registry.
#   scripts/vendor_onnxruntime_web.sh            # the pinned version below
#   ORT_WEB_VERSION=1.30.0 scripts/vendor_onnxruntime_web.sh
# Writes visit/static/visit/vendor/onnxruntime-web/: the ES module bundle, the WebAssembly binary it loads,
# the licence and a README with the version and each file's sha256. Needs npm (only to run this script;
# the app and its tests use the committed files).
set -eu
VERSION="${ORT_WEB_VERSION:-1.30.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/visit/static/visit/vendor/onnxruntime-web"
# The WASM-only ES module with its Emscripten glue bundled in, and the one binary it fetches beside itself.
FILES="ort.wasm.bundle.min.mjs ort-wasm-simd-threaded.wasm"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "onnxruntime-web@$VERSION" >/dev/null && tar xzf "onnxruntime-web-$VERSION.tgz")
test "$(cd "$WORK/package" && node -p 'require("./package.json").version')" = "$VERSION"
rm -rf "$DEST"
mkdir -p "$DEST"
for file in $FILES; do cp "$WORK/package/dist/$file" "$DEST/$file"; done
# The npm package names its licence (MIT) in package.json but ships no licence file: write the
# project's MIT licence text (github.com/microsoft/onnxruntime/blob/main/LICENSE).
cat >"$DEST/LICENSE" <<'LICENCE'
MIT License

Copyright (c) 2018 - present Microsoft Corporation

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
{
  echo "# onnxruntime-web $VERSION (vendored)"
  echo
  echo "The WebAssembly build of ONNX Runtime that the visitor app's \"analyse on my phone\" mode runs"
  echo "(\`visit/static/visit/ondevice.js\`). Served as static files: no CDN, nothing fetched at run time."
  echo "Source: the npm package \`onnxruntime-web@$VERSION\` (\`npm pack\`), files copied unchanged from \`dist/\`."
  echo "Licence: MIT, see \`LICENSE\`. Refresh with \`make vendor-ort\` (\`scripts/vendor_onnxruntime_web.sh\`)."
  echo
  echo "| file | bytes | sha256 |"
  echo "|---|---|---|"
  for file in $FILES; do
    echo "| \`$file\` | $(wc -c <"$DEST/$file" | tr -d ' ') | \`$(sha256sum "$DEST/$file" | cut -d' ' -f1)\` |"
  done
} >"$DEST/README.md"
echo "onnxruntime-web $VERSION -> $DEST"
