#!/usr/bin/env bash
# Builds every benchmark (benchmarks/*_bench.cpp, Release, build tree build/) and runs them one after
# another. Arguments go to every benchmark binary, e.g.
#   scripts/bench.sh --benchmark_filter=gemm --benchmark_min_time=0.2
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

step "check dependencies: scripts/deps.sh"
"$LOWP_ROOT/scripts/deps.sh"
lowp_configure "$LOWP_ROOT/build" -DCMAKE_BUILD_TYPE=Release -DLOWP_BUILD_BENCHMARKS=ON
lowp_build "$LOWP_ROOT/build" --target lowp_benchmarks

shopt -s nullglob
sources=("$LOWP_ROOT"/benchmarks/*_bench.cpp)
if ((${#sources[@]} == 0)); then
  echo "bench: there are no benchmarks/*_bench.cpp yet"
  exit 0
fi
# The binaries are named after the sources, so a benchmark whose source is gone is not run.
for source in "${sources[@]}"; do
  name=$(basename "$source" .cpp)
  step "run build/benchmarks/$name $*"
  "$LOWP_ROOT/build/benchmarks/$name" "$@"
done
