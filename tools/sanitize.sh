#!/usr/bin/env bash
# The sanitizer run (docs/testing.md), what CI runs after the tests: builds build-asan/ with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer (-DDANCU_SANITIZE=ON), runs the CTest suite there
# (sim_seeds and sim_big_world with fewer seeds: tests/sim/CMakeLists.txt), then writes the seed
# corpora (fuzz_seeds) and runs every libFuzzer target of tests/fuzz for FUZZ_SECONDS (default 20)
# each, from a fixed libFuzzer seed (FUZZ_SEED, default 1): a fresh clone replays the same inputs in
# the same order, so CI fails only on a defect an earlier run could also have met. Fails on a failing
# test, any sanitizer report (none recovers) or a fuzzer's crash, whose input is left in
# build-asan/fuzz/artifacts/. Needs the packages of tools/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_SEED=${FUZZ_SEED:-1}

command -v clang++ >/dev/null || { echo "dancu: clang++ is missing: run tools/setup.sh" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDANCU_SANITIZE=ON \
  "${launcher[@]}" >/dev/null
cmake --build build-asan -j "$(nproc)"

# Leaks inside third-party libraries only (tools/lsan.supp); every report aborts the process.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tools/lsan.supp:print_suppressions=0
ctest --test-dir build-asan --output-on-failure -j 2 --timeout 1800

seeds=build-asan/fuzz/seeds
rm -rf "$seeds" && build-asan/tests/fuzz/fuzz_seeds "$seeds"
mkdir -p build-asan/fuzz/artifacts
for fuzzer in build-asan/tests/fuzz/fuzz_*; do
  name=$(basename "$fuzzer")
  [ "$name" = fuzz_seeds ] && continue
  corpus=build-asan/fuzz/corpus/$name
  mkdir -p "$corpus" "$seeds/$name"
  echo "fuzzing $name for ${FUZZ_SECONDS}s"
  "$fuzzer" -max_total_time="$FUZZ_SECONDS" -seed="$FUZZ_SEED" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-asan/fuzz/artifacts/$name-" "$corpus" "$seeds/$name" 2>"build-asan/fuzz/$name.log" ||
    { tail -n 60 "build-asan/fuzz/$name.log"; echo "$name: crashed (input in build-asan/fuzz/artifacts/)" >&2; exit 1; }
  grep -E "^stat::(number_of_executed_units|new_units_added)" "build-asan/fuzz/$name.log" | tr '\n' ' '; echo
done
