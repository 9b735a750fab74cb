#!/usr/bin/env bash
# Run integration test executables under valgrind memcheck (issue 8).
#
#   tests/valgrind/run.sh [BUILD_DIR] [TEST...]
#
# BUILD_DIR: a Debug build without sanitizers (default: build-valgrind in the
# source tree, configured and built here with g++). TESTs default to
# output_test and hostile_test. Fails on any memcheck error or definite /
# indirect / possible leak (--errors-for-leak-kinds=definite,indirect,possible
# with --error-exitcode=1), and on any failing test case.
#
# Under valgrind the code runs 20-50x slower; the tests' own timing checks
# would then fail for the wrong reason, so tests tagged [timing] are skipped
# ("~[timing]"), as are cases that need precise scheduling
# (WSOUT_VALGRIND_FILTER overrides the Catch2 filter).
# WSOUT_TEST_TIME_SCALE (default 10 here) stretches the generous timeouts of
# tests that read it (hostile_test). No suppressions are used: none was needed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build-valgrind}
shift || true
tests=("$@")
[ ${#tests[@]} -eq 0 ] && tests=(output_test hostile_test)

if [ ! -f "$build/CMakeCache.txt" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$src" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=Debug \
    -DWSOUT_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" --target "${tests[@]}" -j "${WSOUT_VALGRIND_BUILD_JOBS:-2}"

filter=${WSOUT_VALGRIND_FILTER:-"~[timing]"}
status=0
for t in "${tests[@]}"; do
  log="$build/valgrind-$t.log"
  echo "== valgrind memcheck: $t $filter"
  start=$(date +%s)
  set +e
  WSOUT_TEST_TIME_SCALE="${WSOUT_TEST_TIME_SCALE:-10}" valgrind --tool=memcheck --error-exitcode=1 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible \
    --track-origins=yes --num-callers=30 --log-file="$log" \
    "$build/tests/$t" "$filter"
  rc=$?
  set -e
  took=$(( $(date +%s) - start ))
  summary=$(grep -E "ERROR SUMMARY" "$log" | tail -1 || true)
  echo "$t: exit $rc in ${took}s; ${summary#==*== }"
  if [ $rc -ne 0 ]; then
    status=1
    grep -E "definitely|indirectly|possibly|Invalid|uninitialised|Mismatched" "$log" | head -20 || true
    echo "full log: $log"
  fi
done
exit $status
