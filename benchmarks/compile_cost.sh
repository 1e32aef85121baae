#!/usr/bin/env bash
# Compile cost of oauth1 against its dependencies alone (target: the oauth1 TU compiles in no more
# than 1.5 times the dependency-only TU's time), header-only and with separate compilation.
#
# Usage: benchmarks/compile_cost.sh [--short] [--runs N] [--out FILE]
#   --short     3 compilations of each TU (default 5)
#   --runs N    N compilations of each TU
#   --out FILE  also write the numbers as JSON to FILE (benchmarks/run: <build>/compile_cost.json,
#               which report.py turns into the "Compile cost" table)
# Environment: CXX (compiler, default g++), CXXFLAGS_EXTRA (added to both compilations).
#
# Compiles benchmarks/compile_cost/oauth1_tu.cpp (<oauth1/oauth1.hpp>, one HMAC-SHA1 signature)
# twice, header-only and with -DOAUTH1_SEPARATE_COMPILATION (oauth1/config.hpp: the non-template
# code compiled once elsewhere, oauth1/src.hpp, not timed here), and
# benchmarks/compile_cost/dependencies_tu.cpp (boost/url/parse.hpp + url_view.hpp and
# openssl/evp.h: a URL parsed and an EVP_MAC HMAC-SHA1), in turn, N times each, with the same
# command `$CXX -std=c++17 -O2 -I include -c TU -o /dev/null` (no linking), and prints the median
# wall-clock time of each and the ratios to the dependency-only TU.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
include=$(cd "$here/../include" && pwd)
cxx=${CXX:-g++}
runs=5
out=
while [ $# -gt 0 ]; do
    case "$1" in
        --short) runs=3 ;;
        --runs) runs=$2; shift ;;
        --out) out=$2; shift ;;
        -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "compile_cost.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$runs" in ''|*[!0-9]*|0) echo "compile_cost.sh: --runs wants a positive number" >&2; exit 2 ;; esac

read -r -a extra <<<"${CXXFLAGS_EXTRA:-}"
flags=(-std=c++17 -O2 "${extra[@]}" -I "$include" -c)
tus=("$here/compile_cost/oauth1_tu.cpp" "$here/compile_cost/dependencies_tu.cpp")

# Wall-clock seconds of one compilation of $1, with the extra flags $2.. (fails the script when
# the compilation fails).
compile_once() {
    local start end tu=$1
    shift
    start=$(date +%s.%N)
    "$cxx" "${flags[@]}" "$@" "$tu" -o /dev/null
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.4f}')" "$start" "$end"
}

# One untimed compilation of each first (headers into the page cache, compiler binaries loaded),
# then the timed ones, alternating so that a change of machine load hits both alike.
for tu in "${tus[@]}"; do compile_once "$tu" >/dev/null; done
compile_once "${tus[0]}" -DOAUTH1_SEPARATE_COMPILATION >/dev/null
oauth1_times=()
separate_times=()
deps_times=()
for ((i = 0; i < runs; ++i)); do
    oauth1_times+=("$(compile_once "${tus[0]}")")
    separate_times+=("$(compile_once "${tus[0]}" -DOAUTH1_SEPARATE_COMPILATION)")
    deps_times+=("$(compile_once "${tus[1]}")")
done

python3 - "$cxx" "$out" "${#oauth1_times[@]}" "${oauth1_times[@]}" "${separate_times[@]}" \
    "${deps_times[@]}" \
    "${flags[*]}" "$(uptime)" "$("$cxx" --version | head -n1)" <<'PY'
import json, statistics, sys
cxx, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = [float(x) for x in sys.argv[4:4 + 3 * n]]
flags, uptime, version = sys.argv[4 + 3 * n:]
ours, separate, deps = times[:n], times[n:2 * n], times[2 * n:]
m_ours, m_sep, m_deps = (statistics.median(ours), statistics.median(separate),
                         statistics.median(deps))
ratio, ratio_sep = m_ours / m_deps, m_sep / m_deps
print(f"compile cost: oauth1 TU {m_ours:.2f} s header-only, {m_sep:.2f} s with "
      f"OAUTH1_SEPARATE_COMPILATION; dependency-only TU {m_deps:.2f} s; "
      f"ratios {ratio:.2f} and {ratio_sep:.2f} (target <= 1.5)")
if out:
    load = uptime.rsplit("load average:", 1)[-1].strip()
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"compiler": cxx, "compiler_version": version, "flags": flags, "runs": n,
                   "oauth1_tu_s": ours, "oauth1_separate_tu_s": separate,
                   "dependencies_tu_s": deps, "oauth1_tu_median_s": m_ours,
                   "oauth1_separate_tu_median_s": m_sep, "dependencies_tu_median_s": m_deps,
                   "ratio": ratio, "ratio_separate": ratio_sep, "target": 1.5,
                   "load_average": load}, f, indent=2)
        f.write("\n")
PY
