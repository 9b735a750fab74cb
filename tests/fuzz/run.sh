#!/usr/bin/env bash
# Build wsout's libFuzzer targets with clang++-14 (ASan + UBSan + libFuzzer)
# and run each one for SECONDS seconds on its committed seed corpus, one
# target at a time (-jobs=1). Fails (exit 1) if any target crashes, leaks,
# times out on an input or violates a property.
#
#   tests/fuzz/run.sh 60                 # CI: 60 s per target
#   tests/fuzz/run.sh 600 fuzz_frame     # one target, 10 minutes
#
# Environment: WSOUT_FUZZ_BUILD_DIR (default build-fuzz in the source tree),
# CXX (default clang++-14), WSOUT_FUZZ_CXXFLAGS (extra flags, e.g.
# -DWSOUT_FUZZ_TOLERATE_KNOWN to explore past an open finding; use a separate
# build dir for that). New interesting inputs go to a scratch corpus in
# the build dir (the committed seeds are not modified); crash inputs are
# written to $WSOUT_FUZZ_BUILD_DIR/artifacts/.
set -euo pipefail

seconds=${1:?usage: tests/fuzz/run.sh SECONDS [target...]}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${WSOUT_FUZZ_BUILD_DIR:-$src/build-fuzz}
cxx=${CXX:-clang++-14}
all_targets=(fuzz_config fuzz_url fuzz_env fuzz_duration fuzz_handshake fuzz_frame fuzz_mask fuzz_utf8 fuzz_inflate)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

cmake -S "$src" -B "$build" "${generator[@]}" "${launcher[@]}" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="${WSOUT_FUZZ_CXXFLAGS:-}" \
  -DWSOUT_BUILD_TESTS=ON -DWSOUT_BUILD_FUZZERS=ON \
  -DWSOUT_BUILD_EXAMPLES=OFF -DWSOUT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}" -j "${WSOUT_FUZZ_BUILD_JOBS:-2}"

mkdir -p "$build/artifacts"
status=0
summary=""
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  seeds="$here/corpus/$t"
  log="$build/$t.log"
  echo "== $t: ${seconds}s"
  set +e
  # Leaks are checked (ASan's LeakSanitizer); -timeout: one input > 10 s is a hang.
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
    "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" | grep -Eo "[0-9]+$" | tail -1 || true)
  cov=$(grep -Eo "cov: [0-9]+" "$log" | tail -1 | grep -Eo "[0-9]+" || true)
  if [ $rc -ne 0 ]; then
    status=1
    echo "!! $t FAILED (exit $rc); log: $log"
    grep -E 'ERROR|property violated|SUMMARY|Test unit written' "$log" | head -20 || true
  fi
  line="$t: exit $rc, ${execs:-?} execs, coverage ${cov:-?} edges in ${seconds}s"
  echo "$line"
  summary+="$line"$'\n'
done
echo "== fuzz summary"
printf '%s' "$summary"
exit $status
