#!/usr/bin/env bash
# Run integration test executables under valgrind memcheck (issue 8).
#
#   tests/valgrind/run.sh [BUILD_DIR] [TEST...]
#
# BUILD_DIR: a Debug build without sanitizers (default: build-valgrind in the
# source tree, configured and built here with g++). TESTs default to the
# integration tests output_test, hostile_test and tls_test (tls_test's runs of
# wsout-cat are child processes, not under valgrind).
#
# Fails on any memcheck error: invalid access, uninitialised use, mismatched
# free, and definite / indirect / possible leaks (--errors-for-leak-kinds, so
# they count in the ERROR SUMMARY; --error-exitcode=1). Also fails when test
# cases fail, unless WSOUT_VALGRIND_TESTS_MUST_PASS=0: under valgrind the code
# runs 20-50x slower and tests with fixed timeouts may exceed them; the output
# then says "memcheck clean" and lists the failed cases.
#
# WSOUT_TEST_TIME_SCALE (default 10 here) stretches the generous timeouts of
# tests that read it (output_test, hostile_test); tests tagged [timing]
# (bounds on real time) or [heavy] (tens of thousands of messages: too slow
# under memcheck) are skipped ("~[timing]~[heavy]"; WSOUT_VALGRIND_FILTER
# overrides the Catch2 filter).
# No suppressions are used: none was needed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build-valgrind}
shift || true
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=(output_test hostile_test tls_test)

if [ ! -f "$build/CMakeCache.txt" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$src" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=Debug \
    -DWSOUT_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" --target "${tests[@]}" -j "${WSOUT_VALGRIND_BUILD_JOBS:-2}"

filter=${WSOUT_VALGRIND_FILTER:-"~[timing]~[heavy]"}
status=0
for t in "${tests[@]}"; do
  log="$build/valgrind-$t.log"
  echo "== valgrind memcheck: $t $filter"
  start=$(date +%s)
  set +e
  WSOUT_TEST_TIME_SCALE="${WSOUT_TEST_TIME_SCALE:-10}" valgrind --tool=memcheck --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible \
    --track-origins=yes --num-callers=30 --log-file="$log" \
    "$build/tests/$t" "$filter" >"$build/valgrind-$t.out" 2>&1
  rc=$?
  set -e
  took=$(( $(date +%s) - start ))
  errors=$(grep -Eo "ERROR SUMMARY: [0-9]+" "$log" | tail -1 | grep -Eo "[0-9]+$" || true)
  inuse=$(grep -Eo "in use at exit: [0-9,]+ bytes" "$log" | tail -1 || true)
  echo "$t: exit $rc in ${took}s; memcheck errors (incl. leaks): ${errors:-?}; ${inuse:-no heap summary}"
  tail -3 "$build/valgrind-$t.out" | grep -E "test cases|All tests passed|assertions" || true
  if [ "${errors:-x}" != 0 ]; then
    status=1
    grep -E "definitely|indirectly|possibly|Invalid|uninitialised|Mismatched" "$log" | head -20 || true
    echo "!! memcheck errors; full log: $log"
  elif [ $rc -ne 0 ]; then
    # Memcheck is clean, so the exit status is the test's own: failed test
    # cases (under valgrind, usually a fixed timeout in a test not written
    # for a 20-50x slowdown).
    echo "!! $t: test cases failed under valgrind (memcheck clean); see $build/valgrind-$t.out"
    grep -E "FAILED|with expansion" -A1 "$build/valgrind-$t.out" | head -20 || true
    [ "${WSOUT_VALGRIND_TESTS_MUST_PASS:-1}" = 1 ] && status=1
  fi
done
exit $status
