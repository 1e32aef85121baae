#!/usr/bin/env bash
# The fuzz campaign run by hand (issue 11): every libFuzzer target for RUNS executions (default
# 10,000,000) or MAX_SECONDS (default 7200) under ASan+UBSan, whichever ends first; then what the
# run found is merged (-merge=1: only inputs that add coverage) into tests/fuzz/corpus/<target>/.
# CI only replays that corpus and fuzzes a little (OAUTH1_FUZZ_RUNS).
#
# Usage: tests/fuzz/campaign.sh [target ...]      (default: every tests/fuzz/*.cpp target)
# Environment: BUILD (default build/fuzz-campaign), RUNS, MAX_SECONDS, JOBS (targets at once, 1).
# Prints one line per target: executions, seconds, edges covered (cov), features (ft), corpus
# files before -> after minimisation; the full libFuzzer logs stay in $BUILD/campaign/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD:-$root/build/fuzz-campaign}
runs=${RUNS:-10000000}
max_seconds=${MAX_SECONDS:-7200}
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOAUTH1_BUILD_TESTS=ON -DOAUTH1_BUILD_FUZZERS=ON \
        -DOAUTH1_BUILD_EXAMPLES=OFF -DOAUTH1_BUILD_BENCHMARKS=OFF -DOAUTH1_CONSUMER_TESTS=OFF \
        -DOAUTH1_PYTHON=/usr/bin/python3 >/dev/null
fi
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    for src in "$root"/tests/fuzz/*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
cmake --build "$build" --target "${targets[@]/#/fuzz_}" >/dev/null
mkdir -p "$build/campaign"
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz_$t
    seeds=$root/tests/fuzz/corpus/$t
    work=$build/campaign/$t.work
    log=$build/campaign/$t.log
    mkdir -p "$seeds" "$work"
    before=$(find "$seeds" -type f | wc -l)
    start=$(date +%s)
    status=ok
    "$bin" -runs="$runs" -max_total_time="$max_seconds" -max_len=4096 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$build/campaign/$t-" "$work" "$seeds" \
        >"$log" 2>&1 || status="FAILED (see $log)"
    seconds=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    "$bin" -merge=1 -max_len=4096 "$seeds" "$work" >>"$log" 2>&1
    after=$(find "$seeds" -type f | wc -l)
    printf '%-16s %12s execs %6ss  cov %5s  ft %6s  corpus %4s -> %4s  %s\n' \
        "$t" "$execs" "$seconds" "$cov" "$ft" "$before" "$after" "$status"
done
