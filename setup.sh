#!/usr/bin/env bash
# One script for a fresh Debian 12 machine:
#   ./setup.sh demo   install dependencies, build, create a demo store with sample data, run the main job
#   ./setup.sh test   install dependencies, build (release, ASan+UBSan, libFuzzer), run the whole test suite
#   ./setup.sh deps   only install the Debian packages
#   ./setup.sh build  only build build/credit (release)
set -euo pipefail
cd "$(dirname "$0")"
JOBS=${JOBS:-2}

PACKAGES=(
  g++ cmake ninja-build pkg-config git python3 sqlite3 groff-base
  libcli11-dev libfmt-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
  libcpp-httplib-dev libsodium-dev libcsv-dev doctest-dev openssl
  clang libclang-rt-14-dev
  hyperfine time
  chromium
)

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "==> installing: ${missing[*]}"
  local sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {  # build DIR BUILD_TYPE [extra cmake args] [-- targets]
  local dir=$1 type=$2 targets=()
  shift 2
  local args=()
  while (($#)); do
    if [[ $1 == -- ]]; then shift; targets=("$@"); break; fi
    args+=("$1"); shift
  done
  echo "==> building $dir ($type ${args[*]})"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${args[@]}" >/dev/null
  cmake --build "$dir" -j"$JOBS" ${targets:+--target "${targets[@]}"}
}

run_tests() {
  build build Release
  build build-asan Debug -DCREDIT_SANITIZE=ON
  echo "==> tests (release)"
  (cd build && ctest --output-on-failure -j"$JOBS")
  echo "==> tests (ASan + UBSan)"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j"$JOBS")
  # libFuzzer needs clang: a short run of each parser's fuzz target from its seed corpus.
  CC=clang CXX=clang++ build build-fuzz Debug -DCREDIT_FUZZ=ON -- fuzz_table fuzz_encoding fuzz_validator fuzz_privacy
  echo "==> fuzz (libFuzzer + ASan, 20,000 runs each)"
  (cd build-fuzz && ctest --output-on-failure -R '^fuzz\.')
}

case "${1:-}" in
  deps) install_deps ;;
  build) install_deps && build build Release ;;
  demo) install_deps && build build Release && ./tools/demo.sh ;;
  test) install_deps && run_tests ;;
  *)
    echo "usage: ./setup.sh demo|test|deps|build" >&2
    exit 2
    ;;
esac
