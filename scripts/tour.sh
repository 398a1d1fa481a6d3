#!/usr/bin/env bash
# Builds and runs examples/tour.cpp, a short walk through lowp's formats (build tree: build/, Release).
# Arguments are passed to the tour program.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

step "check dependencies: scripts/deps.sh"
"$LOWP_ROOT/scripts/deps.sh"
lowp_configure "$LOWP_ROOT/build" -DCMAKE_BUILD_TYPE=Release -DLOWP_BUILD_EXAMPLES=ON
lowp_build "$LOWP_ROOT/build" --target tour
step "run build/examples/tour $*"
"$LOWP_ROOT/build/examples/tour" "$@"
