# shellcheck shell=bash
# Sourced by the other scripts in scripts/ (not run on its own): shared settings and helpers.

LOWP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Parallel jobs for building and for ctest; LOWP_JOBS overrides (e.g. on a machine shared with others).
LOWP_JOBS=${LOWP_JOBS:-$(nproc 2>/dev/null || echo 2)}

# step <text>: announce what the script does next.
step() { printf '\n==> %s\n' "$*"; }

# lowp_configure <build dir> [cmake arguments...]: configure a build tree of lowp, choosing Ninja when it
# is available and the tree is new (an existing tree keeps its generator).
lowp_configure() {
  local dir=$1
  shift
  local generator=()
  if [[ ! -f $dir/CMakeCache.txt ]] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
  fi
  step "configure $dir/: cmake ${generator[*]}${generator[*]:+ }$*"
  cmake -S "$LOWP_ROOT" -B "$dir" "${generator[@]}" "$@"
}

# lowp_build <build dir> [cmake --build arguments...]
lowp_build() {
  local dir=$1
  shift
  step "build $dir/: cmake --build -j $LOWP_JOBS${*:+ }$*"
  cmake --build "$dir" -j "$LOWP_JOBS" "$@"
}
