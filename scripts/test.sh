#!/usr/bin/env bash
# Builds lowp and runs all its tests (unit tests, compile-fail tests, package tests, examples).
#   scripts/test.sh                 Release, default compiler ($CXX or c++), in build/
#   scripts/test.sh --sanitize      AddressSanitizer + UndefinedBehaviorSanitizer at -O1 with assertions,
#                                   in build-asan/; sets LOWP_TEST_QUICK=1 so exhaustive sweeps stride
#   scripts/test.sh --clang         clang++ with warnings as errors, Release, in build-clang/
#   scripts/test.sh ... -- ARGS     passes ARGS to ctest, e.g. `scripts/test.sh -- -R minifloat`
# Both flags together build in build-clang-asan/. LOWP_JOBS sets the parallelism (default: nproc).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

sanitize=0
clang=0
ctest_args=()
while (($#)); do
  case $1 in
    --sanitize) sanitize=1 ;;
    --clang) clang=1 ;;
    --) shift; ctest_args=("$@"); break ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

dir=build
deps_args=()
build_type=Release
cmake_args=()
if ((clang)); then
  dir+=-clang
  deps_args+=(--with-clang)
  cmake_args+=(-DCMAKE_CXX_COMPILER=clang++ -DLOWP_WERROR=ON)
fi
if ((sanitize)); then
  dir+=-asan
  # Debug keeps assert() and Eigen's checks on; -O1 keeps the exhaustive tests affordable (only the
  # long-running unit tests keep it: tests/CMakeLists.txt compiles the others at -O0, which compiles several
  # times faster under the sanitizers); -g1 (line tables only) still gives file:line in sanitizer reports
  # and compiles ~20% faster than -g. Benchmarks are skipped: instrumented timings mean nothing.
  build_type=Debug
  cmake_args+=("-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DLOWP_SANITIZE=ON -DLOWP_BUILD_BENCHMARKS=OFF)
  export LOWP_TEST_QUICK=1
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
fi

step "check dependencies: scripts/deps.sh ${deps_args[*]}"
"$LOWP_ROOT/scripts/deps.sh" "${deps_args[@]}"
phase_start=$SECONDS
lowp_configure "$LOWP_ROOT/$dir" "-DCMAKE_BUILD_TYPE=$build_type" "${cmake_args[@]}"
lowp_build "$LOWP_ROOT/$dir"
build_seconds=$((SECONDS - phase_start))
step "run the tests in $dir/: ctest -j$LOWP_JOBS ${ctest_args[*]}${LOWP_TEST_QUICK:+ (LOWP_TEST_QUICK=$LOWP_TEST_QUICK)}"
phase_start=$SECONDS
ctest --test-dir "$LOWP_ROOT/$dir" --output-on-failure -j "$LOWP_JOBS" "${ctest_args[@]}"
# The phases' times, for CI's log (the whole must fit 30 minutes on 2 cores), and the load they ran under.
step "$dir/: configure + build $build_seconds s, tests $((SECONDS - phase_start)) s; load average$(uptime | sed 's/.*load average//')"
