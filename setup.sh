#!/usr/bin/env bash
# One script for a fresh Debian 12 machine:
#   ./setup.sh demo   install dependencies, build, create a demo store with sample data, run the main job
#   ./setup.sh test   install dependencies, build (release, ASan+UBSan, libFuzzer), run the whole test suite
#   ./setup.sh package  build the Debian package build/credit_VERSION_ARCH.deb
#   ./setup.sh deps   only install the Debian packages (all of them: build, test, package, bench)
#   ./setup.sh build  only build build/credit (release)
set -euo pipefail
cd "$(dirname "$0")"
JOBS=${JOBS:-2}

# What building and the demo need …
BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config git python3
  libcli11-dev libfmt-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
  libcpp-httplib-dev libsodium-dev libcsv-dev libminizip-dev zlib1g-dev libexpat1-dev libfreexl-dev
)
# … what the test suite adds (doctest, the sqlite3 and openssl tools, man and the shells for the
# docs checks, Chromium for the report's DOM check, clang for libFuzzer) …
TEST_PACKAGES=(doctest-dev python3-openpyxl python3-xlwt sqlite3 openssl groff-base zsh fish chromium clang libclang-rt-14-dev)
# … what building and checking the Debian package needs …
PACKAGE_PACKAGES=(dpkg-dev file lintian systemd)
# … and the benchmarks (bench/).
BENCH_PACKAGES=(hyperfine time sqlite3)

install_deps() {  # install_deps [test] [package] [bench]
  local wanted=("${BUILD_PACKAGES[@]}") missing=() extra
  for extra in "$@"; do
    case $extra in
      test) wanted+=("${TEST_PACKAGES[@]}") ;;
      package) wanted+=("${PACKAGE_PACKAGES[@]}") ;;
      bench) wanted+=("${BENCH_PACKAGES[@]}") ;;
    esac
  done
  for p in "${wanted[@]}"; do
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

# The release build is configured for a system install (/usr), so the package is cut from it.
RELEASE_ARGS=(-DCMAKE_INSTALL_PREFIX=/usr)

package() {  # the Debian package from the release build in build/ (no second build)
  (cd build && rm -f credit_*.deb && cpack -G DEB >/dev/null)
  ls build/credit_*.deb
}

run_tests() {
  build build Release "${RELEASE_ARGS[@]}" -DCREDIT_TESTS=ON
  echo "==> package"
  package
  build build-asan Debug -DCREDIT_SANITIZE=ON
  echo "==> tests (release)"
  (cd build && ctest --output-on-failure -j"$JOBS")
  echo "==> package check (install, workflow as the credit user, systemd-analyze, lintian)"
  tests/package/check_package.sh build/credit_*.deb
  echo "==> tests (ASan + UBSan)"
  # The kill -9 suite repeats under the sanitizers on smaller batches (still several chunks each).
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ATOMIC_ROWS=12000 ctest --output-on-failure -j"$JOBS")
  # libFuzzer needs clang: a short run of each parser's fuzz target from its seed corpus.
  CC=clang CXX=clang++ build build-fuzz Debug -DCREDIT_FUZZ=ON -- fuzz_table fuzz_encoding fuzz_validator fuzz_privacy fuzz_workbook
  echo "==> fuzz (libFuzzer + ASan, 20,000 runs each)"
  (cd build-fuzz && ctest --output-on-failure -R '^fuzz\.')
}

case "${1:-}" in
  deps) install_deps test package bench ;;
  build) install_deps && build build Release "${RELEASE_ARGS[@]}" -DCREDIT_TESTS=OFF ;;
  demo) install_deps && build build Release "${RELEASE_ARGS[@]}" -DCREDIT_TESTS=OFF && ./tools/demo.sh ;;
  package) install_deps package && build build Release "${RELEASE_ARGS[@]}" -DCREDIT_TESTS=OFF && package ;;
  test) install_deps test package && run_tests ;;
  *)
    echo "usage: ./setup.sh demo|test|package|deps|build" >&2
    exit 2
    ;;
esac
