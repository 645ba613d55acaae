#!/usr/bin/env bash
# Renders the document example's HTML page (tcpwave --diagram FILE.html) in headless Chromium and
# saves the screenshot the README shows: docs/document-example.png (or the path given).
# Needs Debian's chromium (apt-get install chromium); pngquant, if present, makes the file smaller.
# Without Chromium it prints "skipped:" and exits 0, like the tests that need other programs.
#
#   Fixtures/scripts/diagram-screenshot.sh [OUTPUT.png]      TCPWAVE=path/to/tcpwave to skip the build
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-docs/document-example.png}"

chromium=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chromium="$(command -v "$c")"; break; fi
done
if [ -z "$chromium" ]; then
    echo "skipped: chromium not installed (apt-get install chromium)"
    exit 0
fi

tcpwave="${TCPWAVE:-}"
if [ -z "$tcpwave" ]; then
    swift build --product tcpwave >/dev/null
    tcpwave="$(swift build --show-bin-path)/tcpwave"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$tcpwave" -r Fixtures/pcap/crafted/document-example.pcap --diagram "$work/page.html" >/dev/null 2>&1

sandbox=()
if [ "$(id -u)" -eq 0 ]; then sandbox=(--no-sandbox); fi
timeout 120 "$chromium" "${sandbox[@]}" --headless --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --window-size=1000,1190 --screenshot="$work/page.png" \
    "file://$work/page.html" >/dev/null 2>&1

mkdir -p "$(dirname "$out")"
if command -v pngquant >/dev/null 2>&1; then
    pngquant --quality=70-90 --speed 1 --force --output "$out" "$work/page.png"
else
    cp "$work/page.png" "$out"
fi
echo "$out: $(wc -c <"$out") bytes"
