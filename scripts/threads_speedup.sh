#!/usr/bin/env bash
# The lowp::threads{2} speedups: builds block_bench, arith_bench and mma_bench (Release, build tree build/,
# or $LOWP_BUILD_DIR) and runs exactly their threads/ cases (n = 1024, threads 1 and 2 in the same run,
# 5 repetitions randomly interleaved), then prints per case
#   wall 1 / wall 2   the wall-clock medians and speedup = time(1) / time(2) (meaningful on idle cores only)
#   cpu bound         one thread's CPU time / the larger per-thread CPU share of the two-thread call
#                     (caller_cpu_ms, and process CPU minus it): the speedup two idle cores would allow.
# Extra arguments go to every benchmark binary, e.g. --benchmark_repetitions=9. Run it on an idle machine
# (check `uptime`): on shared cores the wall-clock figure measures the neighbours.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

build=${LOWP_BUILD_DIR:-$LOWP_ROOT/build}
if [[ ! -f $build/CMakeCache.txt ]]; then
  lowp_configure "$build" -DCMAKE_BUILD_TYPE=Release -DLOWP_BUILD_BENCHMARKS=ON
fi
lowp_build "$build" --target block_bench arith_bench mma_bench

step "uptime: $(uptime)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for bench in block_bench arith_bench mma_bench; do
  step "run $build/benchmarks/$bench --benchmark_filter='^threads/'"
  "$build/benchmarks/$bench" --benchmark_filter='^threads/' --benchmark_repetitions=5 \
    --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/$bench.json" --benchmark_out_format=json "$@" >/dev/null
done
step "uptime: $(uptime)"

python3 - "$out"/*.json <<'EOF'
import json, re, sys

runs = {}  # case -> threads -> median run
for path in sys.argv[1:]:
    for b in json.load(open(path))["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        m = re.match(r"(threads/.*)/n:(\d+)/threads:(\d+)", b["run_name"])
        if m:
            runs.setdefault(f"{m.group(1)}/n:{m.group(2)}", {})[int(m.group(3))] = b

def ms(b, key):
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
    return b[key] * scale

print(f"{'case':<52} {'wall 1':>9} {'wall 2':>9} {'speedup':>8} {'cpu 1':>9} {'cpu 2':>9}"
      f" {'caller/worker 2':>17} {'cpu bound':>9}")
for case, by in sorted(runs.items()):
    if 1 not in by or 2 not in by:
        continue
    one, two = by[1], by[2]
    wall1, wall2 = ms(one, "real_time"), ms(two, "real_time")
    cpu1, cpu2 = ms(one, "cpu_time"), ms(two, "cpu_time")
    caller = two.get("caller_cpu_ms", float("nan"))
    worker = cpu2 - caller
    bound = cpu1 / max(caller, worker)
    print(f"{case:<52} {wall1:8.3f}ms {wall2:8.3f}ms {wall1 / wall2:7.2f}x {cpu1:8.3f}ms {cpu2:8.3f}ms"
          f" {caller:7.3f} / {worker:7.3f} {bound:8.2f}x")
EOF
