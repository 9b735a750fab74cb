#!/usr/bin/env bash
# Build wsout's libFuzzer targets with clang++-14 (ASan + UBSan + libFuzzer)
# and run each one for SECONDS seconds on its committed seed corpus
# (WSOUT_FUZZ_JOBS targets at a time, default 1). Fails (exit 1) if any target
# crashes, leaks, times out on an input or violates a property. The targets
# are the tests/fuzz/fuzz_*.cpp files.
#
#   tests/fuzz/run.sh 60                 # CI: 60 s per target
#   tests/fuzz/run.sh 600 fuzz_frame     # one target, 10 minutes
#
# Environment: WSOUT_FUZZ_BUILD_DIR (default build-fuzz in the source tree),
# CXX (default clang++-14), WSOUT_FUZZ_CXXFLAGS (extra flags, e.g.
# -DWSOUT_FUZZ_TOLERATE_KNOWN to explore past an open finding; use a separate
# build dir for that). New interesting inputs go to a scratch corpus in
# the build dir (the committed seeds are not modified); crash inputs are
# written to $WSOUT_FUZZ_BUILD_DIR/artifacts/ and, when a target fails, also
# printed (base64, with the end of libFuzzer's log and the command that
# reproduces it) so that a CI log alone is enough to reproduce the crash.
# WSOUT_FUZZ_ARTIFACTS_DIR: also copy the crash inputs there (.ci/run sets
# build/ci-logs/fuzz-artifacts).
set -euo pipefail

seconds=${1:?usage: tests/fuzz/run.sh SECONDS [target...]}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${WSOUT_FUZZ_BUILD_DIR:-$src/build-fuzz}
cxx=${CXX:-clang++-14}
all_targets=()
for f in "$here"/fuzz_*.cpp; do
  f=${f##*/}
  all_targets+=("${f%.cpp}")
done
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
t0=$SECONDS
cmake --build "$build" --target "${targets[@]}" -j "${WSOUT_FUZZ_BUILD_JOBS:-2}"
echo "== fuzz build: $((SECONDS - t0)) s"

# clang 14's sanitizer runtime can fail on kernels with more ASLR entropy
# (vm.mmap_rnd_bits > 28): run without ASLR then, as scripts/test.sh does.
runner=()
bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)
if ((bits > 28)) && setarch "$(uname -m)" -R true 2>/dev/null; then
  runner=(setarch "$(uname -m)" -R)
  echo "fuzz: vm.mmap_rnd_bits=$bits: running the fuzzers with ASLR off (setarch -R)"
fi

mkdir -p "$build/artifacts"

# run_one TARGET: one libFuzzer run; its report goes to $build/TARGET.report
# (printed in target order at the end, so parallel runs do not interleave).
run_one() {
  local t=$1 corpus="$build/corpus/$1" seeds="$here/corpus/$1" log="$build/$1.log"
  local report="$build/$1.report" rc execs cov ft corp a
  mkdir -p "$corpus"
  rm -f "$build/artifacts/$t-"*
  set +e
  # Leaks are checked (ASan's LeakSanitizer); -timeout: one input > 25 s is a
  # hang (generous: a starved process once tripped 10 s inside ASan's madvise).
  "${runner[@]}" "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
    "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -Eo "stat::number_of_executed_units: *[0-9]+" "$log" | grep -Eo "[0-9]+$" | tail -1 || true)
  cov=$(grep -Eo "cov: [0-9]+" "$log" | tail -1 | grep -Eo "[0-9]+" || true)
  ft=$(grep -Eo "ft: [0-9]+" "$log" | tail -1 | grep -Eo "[0-9]+" || true)
  corp=$(grep -Eo "corp: [0-9]+/[0-9]+[a-zA-Z]*" "$log" | tail -1 | cut -d' ' -f2 || true)
  {
    if [ $rc -ne 0 ]; then
      echo "!! $t FAILED (exit $rc); log: $log"
      echo "-- end of $log:"
      tail -n 60 "$log"
      for a in "$build/artifacts/$t-"*; do
        [ -f "$a" ] || continue
        echo "-- crash input $a ($(wc -c <"$a") bytes), base64:"
        head -c 65536 "$a" | base64 -w 76
        echo "-- reproduce: $build/tests/fuzz/$t $a   (from the base64 above: base64 -d >input)"
        if [ -n "${WSOUT_FUZZ_ARTIFACTS_DIR:-}" ]; then
          mkdir -p "$WSOUT_FUZZ_ARTIFACTS_DIR"
          cp "$a" "$WSOUT_FUZZ_ARTIFACTS_DIR/"
        fi
      done
    fi
    echo "$t: exit $rc, ${execs:-?} execs, ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?} in ${seconds}s"
  } >"$report"
  return $rc
}

# WSOUT_FUZZ_JOBS targets at a time (default 1; each run is one process on
# one core, so 2 on 2 idle cores halves the wall time at the same exec count).
jobs=${WSOUT_FUZZ_JOBS:-1}
status=0
running=0
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s"
  run_one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || status=1
  running=$((running - 1))
done
echo "== fuzz summary"
for t in "${targets[@]}"; do
  cat "$build/$t.report"
done
exit $status
