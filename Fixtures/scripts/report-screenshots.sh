#!/usr/bin/env bash
# Renders the HTML report (tcpwave --diagram FILE.html) in headless Chromium and saves the
# pictures the README and docs/diagrams.md show:
#   docs/document-example.png  the document's example: its ladder
#   docs/report-states.png     the state chart over a capture with a SYN flood (tcpwave-craft showcase)
#   docs/report-sequence.png   a real connection with loss and reordering: ladder and time-sequence graph
#   docs/report-table.png      the table of a 200,000-connection capture (tcpwave-craft traffic), sorted
# The captures are generated, never committed. Needs Debian's chromium; pngquant, if present,
# makes the files smaller. Without Chromium it prints "skipped:" and exits 0.
#
#   Fixtures/scripts/report-screenshots.sh [DIR]   TCPWAVE=... TCPWAVE_CRAFT=... to skip the build
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-docs}"

chromium=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chromium="$(command -v "$c")"; break; fi
done
if [ -z "$chromium" ]; then
    echo "skipped: chromium not installed (apt-get install chromium)"
    exit 0
fi
tcpwave="${TCPWAVE:-}"
craft="${TCPWAVE_CRAFT:-}"
if [ -z "$tcpwave" ] || [ -z "$craft" ]; then
    swift build >/dev/null
    tcpwave="$(swift build --show-bin-path)/tcpwave"
    craft="$(swift build --show-bin-path)/tcpwave-craft"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sandbox=()
if [ "$(id -u)" -eq 0 ]; then sandbox=(--no-sandbox); fi

# shot PAGE.html FRAGMENT WIDTH,HEIGHT OUTPUT.png [HEAD-INSERT]: the page as a browser window
# shows it; HEAD-INSERT (style or script) is put at the start of the body of a copy.
shot() {
    local page="$1" fragment="$2" size="$3" png="$4" insert="${5:-}"
    # The detail panel opens without scrolling, so the picture starts at the top of the page.
    insert="<script>Element.prototype.scrollIntoView=function(){};</script>$insert"
    python3 - "$page" "$work/shot.html" "$insert" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(text.replace("<body>\n", "<body>\n" + sys.argv[3], 1))
PY
    timeout 180 "$chromium" "${sandbox[@]}" --headless --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$work/profile" --window-size="$size" --screenshot="$work/shot.png" \
        "file://$work/shot.html$fragment" >/dev/null 2>&1
    mkdir -p "$(dirname "$png")"
    if command -v pngquant >/dev/null 2>&1; then
        pngquant --quality=70-90 --speed 1 --force --output "$png" "$work/shot.png"
    else
        cp "$work/shot.png" "$png"
    fi
    echo "$png: $(wc -c <"$png") bytes"
}
# Only the connection's panel (ladder, graph, legend).
detail='<style>body>h1,body>h1+p,body>h2,.tw-chart-box,.tw-controls,.tw-controls+p,#tw-connections{display:none}</style>'

"$tcpwave" -r Fixtures/pcap/crafted/document-example.pcap --diagram "$work/example.html" >/dev/null 2>&1
shot "$work/example.html" "#flow-1/ladder" 1000,1280 "$out/document-example.png" "$detail"

"$craft" showcase "$work/showcase.pcap" >/dev/null
(cd "$work" && "$tcpwave" -r showcase.pcap --diagram showcase.html >/dev/null 2>&1)
shot "$work/showcase.html" "" 1300,760 "$out/report-states.png"

"$tcpwave" -r Fixtures/pcap/real/loss-reorder.pcap --diagram "$work/loss.html" >/dev/null 2>&1
shot "$work/loss.html" "#flow-1/both" 1600,1000 "$out/report-sequence.png" "$detail"

"$craft" traffic "$work/traffic-200k.pcap" 2125000 2000 >/dev/null
(cd "$work" && "$tcpwave" -r traffic-200k.pcap --diagram traffic.html >/dev/null 2>&1)
echo "200k page: $(wc -c <"$work/traffic.html") bytes"
# The table sorted by anomalies, most first, and a search for port 443 typed in.
sorted='<style>#tw-states,.tw-chart-box{display:none}</style><script>addEventListener("load",function(){var th=document.querySelectorAll("th");th[8].click();th[8].click();document.getElementById("tw-search").value=":443";tcpwave.refresh(true);});</script>'
shot "$work/traffic.html" "" 1500,860 "$out/report-table.png" "$sorted"
