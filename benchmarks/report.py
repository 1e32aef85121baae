#!/usr/bin/python3
"""Turns oauth1_bench's JSON output into the results table and a chart.

Usage: benchmarks/report.py RESULTS.json [--markdown OUT.md] [--chart-dir DIR]
                             [--compile-cost COMPILE_COST.json]

Reads Google Benchmark JSON (--benchmark_out_format=json). With repetitions it uses the median
aggregates, otherwise the single runs. Benchmark names are
    sign/<workload>/<signature method>/<implementation>      (oauth1_production,
                                                              oauth1_production_provider, oauth1,
                                                              oauth1_any, openssl, openssl_keyed,
                                                              liboauth)
    component/<part>/<input>
    verify/<workload>/<signature method>/oauth1              provider-side verification
    sign_mt/<workload>/<signature method>/oauth1/real_time/threads:<n>   n threads signing at once
Prints one row per workload and method: oauth1's signatures/s, the OpenSSL limit's, the ratio
ours/limit (the ratio issue 6 sets targets for), liboauth's and ours/liboauth, and allocations per
signature; then verification next to signing the same request (verify/s, sign/s, verify/sign);
then thread scaling (total signatures/s at 1 and 2 threads, their ratio against a target); then,
with --compile-cost (benchmarks/compile_cost.sh --out), the compile-time ratio of a TU using oauth1
to a TU using its dependencies alone.
Writes chart.svg and chart.png (gnuplot, Debian package gnuplot-nox) to --chart-dir.
Only the Python standard library is used.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

# Issue 16's targets for the production path (fresh nonce and clock per signature) against the
# key-kept HMAC limit (openssl_keyed), median of repetitions, one binary.
PRODUCTION_TARGETS = {
    ("W2", "HMAC-SHA1"): 0.8,
    ("W3", "HMAC-SHA1"): 0.75,
    ("W3-50q", "HMAC-SHA1"): 0.5,
}

# The C++ peers of bench_peers.cpp (rows peers/<workload>/<method>/<impl>): impl, column label.
PEERS = [("poco", "Poco"), ("qt", "Qt 6")]

# Issue 6's targets for ours/limit with a fixed nonce and timestamp, against the one-shot limit.
TARGETS = {
    ("W2", "HMAC-SHA1"): 1.0,
    ("W3", "HMAC-SHA1"): 0.9,
    ("W3-50q", "HMAC-SHA1"): 0.5,
    ("W1-1024", "RSA-SHA1"): 0.97,
    ("W1-2048", "RSA-SHA1"): 0.97,
    ("W1-1024", "RSA-SHA256"): 0.97,
    ("W1-2048", "RSA-SHA256"): 0.97,
}
ROW_ORDER = [
    ("W2", "HMAC-SHA1"),
    ("W3", "HMAC-SHA1"),
    ("W3-50q", "HMAC-SHA1"),
    ("W1-1024", "RSA-SHA1"),
    ("W1-2048", "RSA-SHA1"),
    ("W1-1024", "RSA-SHA256"),
    ("W1-2048", "RSA-SHA256"),
    ("LargeBody-64KiB", "HMAC-SHA1"),
]


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    runs = data.get("benchmarks", [])
    has_aggregates = any(r.get("run_type") == "aggregate" for r in runs)
    results = {}
    for r in runs:
        if has_aggregates:
            if r.get("run_type") != "aggregate" or r.get("aggregate_name") != "median":
                continue
        elif r.get("run_type", "iteration") != "iteration":
            continue
        name = r.get("run_name") or r["name"]
        results[name] = r
    return data.get("context", {}), results, has_aggregates


def fmt_rate(v):
    if v is None:
        return "-"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}"


def fmt_ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.{digits}f}"


def fmt_count(v):
    if v is None:
        return "-"
    return f"{v:.0f}" if abs(v - round(v)) < 0.05 else f"{v:.1f}"


def rate(results, name):
    r = results.get(name)
    if r is None or r.get("error_occurred"):
        return None
    return r.get("items_per_second")


def counter(results, name, key):
    r = results.get(name)
    if r is None or r.get("error_occurred"):
        return None
    return r.get(key)


def sign_rows(results):
    rows = []
    seen = set()
    for name in results:
        parts = name.split("/")
        if len(parts) == 4 and parts[0] == "sign":
            key = (parts[1], parts[2])
            if key not in seen:
                seen.add(key)
                rows.append(key)
    ordered = [k for k in ROW_ORDER if k in seen]
    return ordered + [k for k in rows if k not in ordered]


def production_table(results):
    """The headline table: the production path (default sign_options: a fresh CSPRNG nonce and the
    clock on every call) against the cryptography alone - the key-kept HMAC limit for HMAC, the
    EVP_DigestSign limit for RSA."""
    has_liboauth = any(n.endswith("/liboauth") for n in results)
    peers = [p for p in PEERS if any(n.startswith("peers/") and n.endswith("/" + p[0])
                                     for n in results)]
    head = ["workload", "method", "oauth1 signs/s (production)", "limit signs/s",
            "limit", "production/limit", "target"]
    if has_liboauth:
        head += ["liboauth signs/s", "oauth1/liboauth"]
    for _, label in peers:
        head += [f"{label} signs/s", f"oauth1/{label}"]
    head += ["allocs/op"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * 2 + ["---:"] * 2 + ["---"] + ["---:"] * (len(head) - 5))
             + "|"]
    chart = []
    for workload, method in sign_rows(results):
        base = f"sign/{workload}/{method}/"
        prod = rate(results, base + "oauth1_production")
        if prod is None:
            continue
        keyed = rate(results, base + "openssl_keyed")
        limit, limit_name = (keyed, "HMAC, key kept") if keyed is not None else (
            rate(results, base + "openssl"), "EVP_DigestSign")
        target = PRODUCTION_TARGETS.get((workload, method))
        ratio = fmt_ratio(prod, limit, 3)
        if target is not None and ratio != "-":
            ratio += " ok" if prod / limit >= target else " BELOW"
        lib = rate(results, base + "liboauth")
        cells = [workload, method, fmt_rate(prod), fmt_rate(limit), limit_name, ratio,
                 f">= {target}" if target is not None else "-"]
        if has_liboauth:
            cells += [fmt_rate(lib), fmt_ratio(prod, lib)]
        peer_rates = []
        for impl, _ in peers:
            r = rate(results, f"peers/{workload}/{method}/{impl}")
            peer_rates.append(r)
            if r is None and method.startswith("RSA"):
                cells += ["cannot sign RSA", "-"]
            else:
                cells += [fmt_rate(r), fmt_ratio(prod, r)]
        cells += [fmt_count(counter(results, base + "oauth1_production", "allocs/op"))]
        lines.append("| " + " | ".join(cells) + " |")
        chart.append((f"{workload} {method}", prod, limit, lib, *peer_rates))
    return (lines, chart, [label for _, label in peers]) if chart else ([], [], [])


def table(results):
    has_liboauth = any(n.endswith("/liboauth") for n in results)
    head = ["workload", "method", "oauth1 signs/s", "oauth1::client signs/s",
            "OpenSSL limit signs/s", "ours/limit", "target"]
    if has_liboauth:
        head += ["liboauth signs/s", "ours/liboauth"]
    head += ["allocs/op", "ossl_allocs/op", "limit ossl_allocs/op"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * 2 + ["---:"] * (len(head) - 2)) + "|"]
    chart = []
    for workload, method in sign_rows(results):
        base = f"sign/{workload}/{method}/"
        ours = rate(results, base + "oauth1")
        anyc = rate(results, base + "oauth1_any")
        limit = rate(results, base + "openssl")
        lib = rate(results, base + "liboauth")
        target = TARGETS.get((workload, method))
        ratio = fmt_ratio(ours, limit, 3)
        if target is not None and ratio != "-":
            ratio += " ok" if ours / limit >= target else " BELOW"
        cells = [workload, method, fmt_rate(ours), fmt_rate(anyc), fmt_rate(limit), ratio,
                 f">= {target}" if target is not None else "-"]
        if has_liboauth:
            cells += [fmt_rate(lib), fmt_ratio(ours, lib)]
        cells += [fmt_count(counter(results, base + "oauth1", "allocs/op")),
                  fmt_count(counter(results, base + "oauth1", "ossl_allocs/op")),
                  fmt_count(counter(results, base + "openssl", "ossl_allocs/op"))]
        lines.append("| " + " | ".join(cells) + " |")
        chart.append((f"{workload} {method}", ours, limit, lib))
    errors = [f"{n}: {r.get('error_message', 'error')}" for n, r in results.items()
              if r.get("error_occurred")]
    return lines, chart, errors


# Thread scaling target: total signatures/s of 2 threads / 1 thread, each thread its own client.
SCALING_TARGET = 1.8


def scaling_table(results):
    """sign_mt/<workload>/<method>/<impl> rows (UseRealTime, so items_per_second is the total over
    the wall-clock time) at 1 and 2 threads: the ratio shows how signing scales. impl "oauth1"
    is the library; "cpu_control" pure arithmetic, the machine's own scaling at that moment."""
    by_key = {}
    for name, r in results.items():
        parts = name.split("/")
        if len(parts) < 4 or parts[0] != "sign_mt":
            continue
        threads = r.get("threads")
        if threads is None:
            tail = [p for p in parts if p.startswith("threads:")]
            threads = int(tail[0].split(":")[1]) if tail else 1
        by_key.setdefault((parts[1], parts[2], parts[3]), {})[int(threads)] = name
    keys = sorted(k for k in by_key if k[2] == "oauth1")
    if not keys:
        return []

    def at(key, threads):
        return by_key.get(key, {}).get(threads)

    def busy(name):
        """CPU time / (wall-clock time x threads): the share of the time each thread ran."""
        r = results.get(name) if name else None
        if r is None or r.get("error_occurred") or not r.get("real_time"):
            return "-"
        return f"{r['cpu_time'] / (r['real_time'] * r.get('threads', 1)):.2f}"

    def cpu_ns(name):
        r = results.get(name) if name else None
        if r is None or r.get("error_occurred") or r.get("cpu_time") is None:
            return "-"
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}.get(r.get("time_unit", "ns"), 1)
        return f"{r['cpu_time'] * scale:,.0f}"

    lines = ["| workload | method | 1 thread signs/s | 2 threads signs/s (total) | 2 threads / 1 "
             "| target | CPU ns/sign 1 / 2 threads | CPU busy per thread (2 threads) "
             "| machine control 2 / 1 | allocs/op (2 threads) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key in keys:
        workload, method, _ = key
        one_name, two_name = at(key, 1), at(key, 2)
        one = rate(results, one_name) if one_name else None
        two = rate(results, two_name) if two_name else None
        ratio = fmt_ratio(two, one)
        if ratio != "-":
            ratio += " ok" if two / one >= SCALING_TARGET else " BELOW"
        control = (workload, method, "cpu_control")
        c1 = rate(results, at(control, 1)) if at(control, 1) else None
        c2 = rate(results, at(control, 2)) if at(control, 2) else None
        allocs = counter(results, two_name, "allocs/op") if two_name else None
        lines.append(f"| {workload} | {method} | {fmt_rate(one)} | {fmt_rate(two)} | {ratio} | "
                     f">= {SCALING_TARGET} | {cpu_ns(one_name)} / {cpu_ns(two_name)} | "
                     f"{busy(two_name)} | {fmt_ratio(c2, c1)} | {fmt_count(allocs)} |")
    return lines


def compile_cost_table(path):
    """The JSON of benchmarks/compile_cost.sh --out: median compile times and their ratio."""
    try:
        with open(path, encoding="utf-8") as f:
            c = json.load(f)
    except (OSError, ValueError) as e:
        print(f"report: no compile cost ({path}: {e})", file=sys.stderr)
        return []
    ours, deps = c.get("oauth1_tu_median_s"), c.get("dependencies_tu_median_s")
    sep = c.get("oauth1_separate_tu_median_s")
    if ours is None or not deps:
        return []
    target = c.get("target", 1.5)

    def verdict(ratio):
        return "ok" if ratio <= target else "over the target"

    def runs(key):
        return ", ".join(f"{t:.2f}" for t in c.get(key, []))

    lines = [
        f"Compile cost ({c.get('compiler_version') or c.get('compiler', '?')}, "
        f"`{c.get('flags', '')}`, median of {c.get('runs', '?')} compilations each, "
        f"load average {c.get('load_average', '?')}):",
        "",
        "| TU | median s | / dependencies | target | runs (s) |",
        "|---|---:|---:|---:|---|",
        # The target is for separate compilation (the mode meant for many TUs); header-only is
        # reported for comparison, against no target.
        f"| oauth1 header-only (`<oauth1/oauth1.hpp>`, one HMAC-SHA1 signature) | {ours:.2f} | "
        f"{ours / deps:.2f} | (none: the target is for separate compilation) | "
        f"{runs('oauth1_tu_s')} |",
    ]
    if sep is not None:
        lines.append(
            f"| the same TU with OAUTH1_SEPARATE_COMPILATION (oauth1/src.hpp compiled once "
            f"elsewhere) | {sep:.2f} | {sep / deps:.2f} {verdict(sep / deps)} | <= {target} | "
            f"{runs('oauth1_separate_tu_s')} |")
    lines.append(
        f"| dependencies only (Boost.URL parse + url_view, OpenSSL EVP_MAC) | {deps:.2f} | 1.00 "
        f"| | {runs('dependencies_tu_s')} |")
    return lines


VERIFY_ROWS = [("W2", "HMAC-SHA1"), ("W2-steady", "HMAC-SHA1"), ("W1-1024", "RSA-SHA1"),
               ("W1-2048", "RSA-SHA1")]


def verify_table(results):
    """Provider-side verification (verify/<workload>/<method>/oauth1) next to signing the same
    request (sign/<workload>/<method>/oauth1), from the same run."""
    keys = [k for k in VERIFY_ROWS if f"verify/{k[0]}/{k[1]}/oauth1" in results]
    keys += sorted({tuple(n.split("/")[1:3]) for n in results
                    if n.startswith("verify/") and n.count("/") == 3} - set(keys))
    if not keys:
        return []
    lines = ["| workload | method | verify/s | sign/s | verify/sign | verify allocs/op |",
             "|---|---|---:|---:|---:|---:|"]
    for workload, method in keys:
        v = rate(results, f"verify/{workload}/{method}/oauth1")
        # A "-steady" row verifies the same request as its workload's row, another way.
        s = rate(results, f"sign/{workload.removesuffix('-steady')}/{method}/oauth1")
        lines.append(f"| {workload} | {method} | {fmt_rate(v)} | {fmt_rate(s)} | "
                     f"{fmt_ratio(v, s)} | "
                     f"{fmt_count(counter(results, f'verify/{workload}/{method}/oauth1', 'allocs/op'))} |")
    return lines


def verify_scale_table(results):
    """Verification time against the number of parameters (verify_scale/<n>/<method>/oauth1),
    with the growth per decade of n (linear: 10x; n log n: a little more; quadratic: 100x)."""
    rows = sorted(((int(n.split("/")[1]), n) for n in results
                   if n.startswith("verify_scale/") and n.count("/") == 3), key=lambda x: x[0])
    if not rows:
        return []
    lines = ["| parameters | verify time (us) | x per 10x parameters | allocs/op |",
             "|---:|---:|---:|---:|"]
    prev = None
    for n, name in rows:
        r = results[name]
        if r.get("error_occurred"):
            lines.append(f"| {n:,} | error: {r.get('error_message', '')} | | |")
            prev = None
            continue
        unit = r.get("time_unit", "ns")
        us = r.get("cpu_time", 0) * {"ns": 1e-3, "us": 1, "ms": 1e3, "s": 1e6}.get(unit, 1)
        growth = "-"
        if prev and prev[0] * 10 == n and prev[1] > 0:
            growth = f"{us / prev[1]:.1f}x"
        lines.append(f"| {n:,} | {us:,.0f} | {growth} | {fmt_count(r.get('allocs/op'))} |")
        prev = (n, us)
    return lines


def verify_threads_table(results):
    """verify_mt/W2/HMAC-SHA1/<store>/real_time/threads:<n>: total verifications/s of n threads
    sharing one verifier and one nonce store, and the ratio to one thread."""
    rows = []
    for store in ("memory", "redis"):
        base = f"verify_mt/W2/HMAC-SHA1/{store}/real_time/threads:"
        one = rate(results, base + "1")
        for n in (1, 2, 4, 8):
            r = rate(results, base + str(n))
            if r is None:
                continue
            rows.append(f"| {store} | {n} | {fmt_rate(r)} | {fmt_rate(r / n)} | "
                        f"{fmt_ratio(r, one)} |")
    if not rows:
        return []
    return ["| nonce store | threads | verifies/s (total) | per thread | vs 1 thread |",
            "|---|---:|---:|---:|---:|"] + rows


def policy_table(results):
    """Issue 16 §1b: the production path's HMAC on oauth1's kept low-level SHA key schedule (the
    default) and through OpenSSL's providers (a thread with a library context of its own, as in a
    FIPS-mode process), against the key-kept limit."""
    rows = []
    for workload, method in sign_rows(results):
        base = f"sign/{workload}/{method}/"
        low = rate(results, base + "oauth1_production")
        prov = rate(results, base + "oauth1_production_provider")
        keyed = rate(results, base + "openssl_keyed")
        if low is None or prov is None:
            continue
        rows.append(f"| {workload} | {method} | {fmt_rate(low)} | {fmt_rate(prov)} | "
                    f"{fmt_ratio(prov, low)} | {fmt_rate(keyed)} | {fmt_ratio(prov, keyed)} | "
                    f"{fmt_count(counter(results, base + 'oauth1_production_provider', 'ossl_allocs/op'))} |")
    if not rows:
        return []
    return ["| workload | method | low-level path signs/s | provider path signs/s | provider / low-level "
            "| limit signs/s | provider / limit | provider ossl_allocs/op |",
            "|---|---|---:|---:|---:|---:|---:|---:|"] + rows


def component_table(results):
    names = sorted(n for n in results if n.startswith("component/"))
    if not names:
        return []
    lines = ["| component | ns/op (CPU) | ops/s | bytes/s | allocs/op | ossl_allocs/op |",
             "|---|---:|---:|---:|---:|---:|"]
    for n in names:
        r = results[n]
        if r.get("error_occurred"):
            lines.append(f"| {n} | error: {r.get('error_message', '')} | | | | |")
            continue
        ns = r.get("cpu_time")
        unit = r.get("time_unit", "ns")
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}.get(unit, 1)
        bps = r.get("bytes_per_second")
        lines.append("| {} | {} | {} | {} | {} | {} |".format(
            n[len("component/"):],
            f"{ns * scale:,.0f}" if ns is not None else "-",
            fmt_rate(r.get("items_per_second")),
            f"{bps / 2**20:,.0f} MiB/s" if bps else "-",
            fmt_count(r.get("allocs/op")), fmt_count(r.get("ossl_allocs/op"))))
    return lines


def write_chart(chart, out_dir, peer_labels=()):
    """Clustered bars (log scale) of ours, limit, liboauth and the C++ peers per workload, with
    gnuplot."""
    if not chart:
        return []
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        print("report: gnuplot not found (apt-get install gnuplot-nox): no chart", file=sys.stderr)
        return []
    os.makedirs(out_dir, exist_ok=True)
    data = os.path.join(out_dir, "chart.dat")
    with open(data, "w", encoding="utf-8") as f:
        f.write("# label oauth1 openssl_limit liboauth peers... (signatures/s; NaN: not "
                "measured)\n")
        for label, *values in chart:
            values = (list(values) + [None] * (3 + len(peer_labels)))[:3 + len(peer_labels)]
            vals = ["NaN" if v is None else f"{v:.1f}" for v in values]
            f.write('"{}" {}\n'.format(label.replace(" ", "\\n"), " ".join(vals)))
    written = []
    colours = ["#2ca02c", "#9467bd", "#ff7f0e"]
    peer_plot = "".join(f", \\\n     '' using {5 + i} title '{label}' lc rgb '{colours[i % 3]}'"
                        for i, label in enumerate(peer_labels))
    for term, ext in (("svg size 1000,520 dynamic font 'sans,11'", "svg"),
                      ("pngcairo size 1000,520 font 'sans,10'", "png")):
        out = os.path.join(out_dir, f"chart.{ext}")
        script = f"""
set terminal {term}
set output '{out}'
set title 'oauth1 signing (fresh nonce and clock per call) vs the crypto alone, liboauth, Poco and Qt (1 thread, higher is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [100:5e6]
set bmargin 4
set format y '%.0s%c'
set ylabel 'signatures per second (log scale)'
set grid ytics
set key top right
set xtics noenhanced font ',9'
plot '{data}' using 2:xtic(1) title 'oauth1' lc rgb '#1f77b4', \\
     '' using 3 title 'OpenSSL primitive (limit)' lc rgb '#7f7f7f', \\
     '' using 4 title 'liboauth 1.0.3' lc rgb '#d62728'{peer_plot}
"""
        r = subprocess.run([gnuplot], input=script, text=True, capture_output=True, check=False)
        if r.returncode == 0 and os.path.exists(out):
            written.append(out)
        else:
            print(f"report: gnuplot failed for {ext}: {r.stderr.strip()}", file=sys.stderr)
    return written


def headline(results):
    """One line: the signing rate of the JIRA workloads against the OpenSSL limit, and W2
    verification (steady state when measured)."""
    parts = []
    for workload, method in (("W2", "HMAC-SHA1"), ("W1-2048", "RSA-SHA1")):
        base = f"sign/{workload}/{method}/"
        prod = rate(results, base + "oauth1_production")
        keyed = rate(results, base + "openssl_keyed")
        ours, limit = rate(results, base + "oauth1"), rate(results, base + "openssl")
        if prod is not None:
            lim = keyed if keyed is not None else limit
            parts.append(f"sign {workload} {method} {fmt_rate(prod)}/s with fresh nonces"
                         + (f" ({prod / lim:.2f}x the crypto alone)" if lim else ""))
        elif ours is not None:
            parts.append(f"sign {workload} {method} {fmt_rate(ours)}/s"
                         + (f" ({ours / limit:.2f}x OpenSSL alone)" if limit else ""))
    for workload in ("W2-steady", "W2"):
        v = rate(results, f"verify/{workload}/HMAC-SHA1/oauth1")
        if v is not None:
            parts.append(f"verify {workload} HMAC-SHA1 {fmt_rate(v)}/s")
            break
    return "headline: " + "; ".join(parts) if parts else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--markdown", help="also write the tables to this file")
    ap.add_argument("--chart-dir", help="write chart.svg / chart.png here")
    ap.add_argument("--compile-cost", help="JSON written by benchmarks/compile_cost.sh --out")
    args = ap.parse_args()

    context, results, aggregated = load(args.results)
    lines, chart, errors = table(results)
    load_avg = " ".join(f"{x:.2f}" for x in context.get("load_avg", [])) or "?"
    when = context.get("date", "")[:10]
    out = []
    out.append(f"{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz"
               + f", load average {load_avg}, {context.get('openssl_version', '')}, {when}; "
               + ("median of repetitions" if aggregated else "one run each") + ".")
    out.append("")
    prod, prod_chart, peer_labels = production_table(results)
    if prod_chart:
        chart = prod_chart
        out.append("Signing as a program signs (production path: default sign_options, a fresh "
                   "128-bit CSPRNG nonce and the clock on every call), single thread, "
                   "signatures/s, against the cryptography alone:")
        out.append("")
        out += prod
        out.append("")
    out.append("Components: the signing pipeline with a fixed nonce and timestamp, single thread, "
               "signatures/s, against OpenSSL's one-shot call (key set per call):")
    out.append("")
    out += lines
    policy = policy_table(results)
    if policy:
        out += ["", "HMAC inside the crypto policy: the production path on oauth1's kept SHA key "
                "schedule (default) and through OpenSSL's providers (a library context of its own, "
                "as in FIPS mode; EVP_Q_mac per signature), signatures/s:", ""] + policy
    verifs = verify_table(results)
    if verifs:
        out += ["", "Verification (oauth1::verifier, in-memory nonce store) vs signing the same "
                "request, per second:", ""] + verifs
    vscale = verify_scale_table(results)
    if vscale:
        out += ["", "Verification against request size (form POST, n parameters named "
                "oauth_zz0000000.., limits raised; target: at most 12x per 10x):", ""] + vscale
    vthreads = verify_threads_table(results)
    if vthreads:
        out += ["", "Verification by threads sharing one verifier and one nonce store (W2, "
                "HMAC-SHA1; Redis on 127.0.0.1, started by the benchmark; wall-clock time):",
                ""] + vthreads
    scaling = scaling_table(results)
    if scaling:
        out += ["", "Thread scaling (each thread its own basic_client<hmac_sha1> and signed_request;"
                " wall-clock time, signatures/s summed over the threads):", ""] + scaling
    if args.compile_cost:
        cost = compile_cost_table(args.compile_cost)
        if cost:
            out += [""] + cost
    comps = component_table(results)
    if comps:
        out += ["", "Components (one pipeline stage each, reused buffers):", ""] + comps
    if errors:
        out += ["", "Errors:"] + [f"- {e}" for e in errors]
    text = "\n".join(out)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if args.chart_dir:
        for path in write_chart(chart, args.chart_dir, peer_labels):
            print(f"chart: {path}")
    line = headline(results)
    if line:
        print()
        print(line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
