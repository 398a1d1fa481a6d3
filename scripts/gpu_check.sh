#!/usr/bin/env bash
# The one command that checks lowp against a real NVIDIA GPU, and writes what it saw to
# <build dir>/gpu_check_report.md:
#   (a) the device tests of tests/cuda/ (device results bit for bit against the host);
#   (b) lowp's conversions against CUDA's own (__float2half_rn/rz/rd/ru, __float2bfloat16_*, __nv_cvt_float_to_fp8
#       with and without saturation, the fp6/fp4 conversions of cuda_fp6.h/cuda_fp4.h) over all 2^32 floats;
#   (c) the tensor cores (mma.sync f16, bf16, tf32, and e4m3/e5m2 from sm_89) on random tiles and on every
#       vector of MMA.md §11 against lowp::mma on the host, a mismatch count per instruction and type.
#   scripts/gpu_check.sh [--quick] [build dir]   default: build-gpu/ (Release, CMAKE_CUDA_ARCHITECTURES=native)
#   --quick: the device tests' all-2^32 sweeps take every 16th chunk (LOWP_TEST_QUICK=1; about a minute
#   instead of about ten); parts (b) and (c) are always complete.
# Stops at once, before building anything, where no GPU is present. Exit status: 0 all agreed, 1 a part
# found a mismatch or failed, 2 no GPU / no CUDA compiler.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

case ${1:-} in
  -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --quick) export LOWP_TEST_QUICK=1; shift ;;
esac

# --- A GPU? (before anything is built) ---------------------------------------------------------------------
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu_check.sh: no GPU here: nvidia-smi is not installed (no NVIDIA driver). Nothing was built or run;" >&2
  echo "run this on a machine with an NVIDIA GPU and its driver." >&2
  exit 2
fi
if ! gpus=$(nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader 2>&1) || [[ -z $gpus ]]; then
  echo "gpu_check.sh: no GPU here: nvidia-smi finds none ($gpus). Nothing was built or run." >&2
  exit 2
fi
nvcc=${CUDACXX:-$(command -v nvcc || true)}
[[ -n $nvcc ]] || nvcc=/usr/local/cuda/bin/nvcc
if [[ ! -x $nvcc ]]; then
  echo "gpu_check.sh: a GPU is here ($gpus) but no CUDA compiler: put nvcc on PATH or set CUDACXX." >&2
  exit 2
fi

dir=$(realpath -m "${1:-$LOWP_ROOT/build-gpu}")
report=$dir/gpu_check_report.md
lowp_configure "$dir" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CUDA_COMPILER=$nvcc" -DCMAKE_CUDA_ARCHITECTURES=native \
  -DLOWP_BUILD_BENCHMARKS=OFF -DLOWP_BUILD_EXAMPLES=OFF
targets=(device_compile_test conversion_device_test posit_device_test mma_device_test gpu_check_cuda_conversions
  gpu_check_tensor_cores)
lowp_build "$dir" --target "${targets[@]}"

status=0
{
  echo "# lowp against a real GPU: gpu_check_report.md"
  echo
  echo "Written by scripts/gpu_check.sh on $(date -u '+%Y-%m-%d %H:%M UTC'), lowp commit $(git -C "$LOWP_ROOT" rev-parse --short HEAD)$(git -C "$LOWP_ROOT" diff --quiet HEAD -- include tests || echo ' (with uncommitted changes)')."
  echo
  echo "- GPU (name, driver, compute capability): $gpus"
  echo "- CUDA compiler: $("$nvcc" --version | tail -1)"
  echo "- CUDA runtime/driver as nvidia-smi reports: $(nvidia-smi | grep -o 'CUDA Version: [0-9.]*' | head -1)"
  echo "- Host: $(uname -srm), $(nproc) CPUs"
  if [[ -n ${LOWP_TEST_QUICK:-} ]]; then
    echo "- Device-test sweeps: every 16th chunk (--quick)"
  else
    echo "- Device-test sweeps: all 2^32 inputs / pairs"
  fi
} >"$report"

step "(a) device tests: ctest -L cuda"
{
  echo
  echo "## (a) Device tests (ctest -L cuda)"
  echo
  echo '```'
} >>"$report"
if ctest --test-dir "$dir" -L cuda --output-on-failure -j 1 >"$dir/gpu_check_ctest.log" 2>&1; then
  tail -n 25 "$dir/gpu_check_ctest.log" >>"$report"
else
  status=1
  grep -E 'Failed|\*\*\*|tests passed|FAILED|Expected|Which is|device|host' "$dir/gpu_check_ctest.log" | head -n 200 >>"$report"
fi
echo '```' >>"$report"

step "(b) lowp against CUDA's conversions: gpu_check_cuda_conversions"
echo >>"$report"
"$dir/tests/cuda/gpu_check_cuda_conversions" >>"$report" 2>&1 || status=1

step "(c) tensor cores against lowp::mma: gpu_check_tensor_cores"
echo >>"$report"
"$dir/tests/cuda/gpu_check_tensor_cores" >>"$report" 2>&1 || status=1

echo >>"$report"
echo "Exit status of gpu_check.sh: $status (0: every part agreed; 1: a part found a mismatch or failed)." >>"$report"
step "report: $report"
cat "$report"
exit "$status"
