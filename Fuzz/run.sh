#!/usr/bin/env bash
# Builds tcpwave's libFuzzer harnesses (with AddressSanitizer) and runs each for SECONDS.
#
#   Fuzz/run.sh [SECONDS] [FuzzDecoder|FuzzPipeline|FuzzCapture ...]
#
# Seeds come from Fixtures/ (Fuzz/seeds.py); the growing corpus stays in Fuzz/.corpus (not in
# git). A crash leaves its input in Fuzz/artifacts/ and makes the script fail: copy it to
# Fixtures/regressions/ (the test suite replays every file there) before fixing the bug.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzDecoder FuzzPipeline FuzzCapture)

for t in "${targets[@]}"; do
    if ! swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product "$t" >build.log 2>&1; then
        grep -E "error" build.log | head -20 >&2
        echo "$t: build failed (Fuzz/build.log)" >&2
        exit 1
    fi
done
rm -f build.log
python3 seeds.py .corpus >/dev/null
mkdir -p artifacts
status=0
for t in "${targets[@]}"; do
    mkdir -p ".corpus/$t"
    log="artifacts/$t.log"
    if ! ".build/release/$t" ".corpus/$t" -max_total_time="$seconds" -print_final_stats=1 \
            -artifact_prefix="artifacts/$t-" -rss_limit_mb=2048 >"$log" 2>&1; then
        echo "$t: CRASH, see $log and artifacts/$t-*" >&2
        status=1
    fi
    runs=$(grep -m1 "stat::number_of_executed_units" "$log" | awk '{print $2}')
    echo "$t: ${runs:-?} executions in ${seconds}s"
done
exit $status
