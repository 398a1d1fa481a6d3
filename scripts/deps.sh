#!/usr/bin/env bash
# Installs the Debian packages lowp needs to build, test and benchmark:
#   scripts/deps.sh                 the toolchain and libraries (GCC, CMake, Ninja, Eigen, fmt,
#                                   GoogleTest/GoogleMock, Google Benchmark, MPFR/GMP)
#   scripts/deps.sh --with-clang    the same and clang (for scripts/test.sh --clang)
# Does nothing when everything is installed. As root it runs apt-get; otherwise it prints the apt-get
# command to run and exits 1 if anything is missing.
set -euo pipefail

packages=(build-essential cmake ninja-build libeigen3-dev libfmt-dev libgtest-dev libgmock-dev
          libbenchmark-dev libmpfr-dev libgmp-dev)
for arg in "$@"; do
  case $arg in
    --with-clang) packages+=(clang libclang-rt-14-dev) ;;  # the runtime: clang sanitizers
    -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "deps.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v dpkg >/dev/null 2>&1; then
  echo "deps: no dpkg here, so not checking packages; lowp needs the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg -s "$package" 2>/dev/null || true)
  [[ $status == *"Status: install ok installed"* ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#packages[@]} Debian packages are installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "deps: missing Debian packages: ${missing[*]}. Install them with:" >&2
  echo "sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
