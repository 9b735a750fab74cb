#!/usr/bin/env bash
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Runs clang-tidy 14 with .clang-tidy over wsout's own translation units,
# using the compile database of the `clang` preset (configured here: a
# configure step only, nothing is built).
#
#   bash scripts/check-tidy.sh            # the CI set (below); exit 1 on any finding
#   bash scripts/check-tidy.sh --all      # every TU: tests, examples, bench and the
#                                         # per-header TUs of tests/headers
#   bash scripts/check-tidy.sh REGEX      # the TUs (of --all) whose path matches
#   WSOUT_TIDY_JOBS=N                     # parallel clang-tidy processes (default 2)
#
# The CI set: findings in a header are reported from any TU that includes it
# (HeaderFilterRegex), so a few TUs cover the library:
#   - tests/headers/check_wsout_wsout_hpp.cpp: the umbrella header, i.e. every
#     public header and all non-template code (config, url, auth, client, ...);
#   - examples/wsout-cat/main.cpp: make_output, so the engine instantiated with
#     both transports and auth::any, and the blocking forms;
#   - examples/custom_transport and custom_auth: user-written policies;
#   - tests/output_test.cpp: the async forms with every completion token.
# About 5 minutes of CPU in all (output_test alone about 2.5).

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tidy=${CLANG_TIDY:-clang-tidy-14}
command -v "$tidy" >/dev/null 2>&1 || {
    echo "check-tidy: $tidy not found (apt-get install clang-tidy-14)" >&2
    exit 2
}

# (Re)configured every time, so that the database matches the tree (a stale
# one once hid a finding that CI then reported). Header-only examples: in
# separate compilation, wsout-cat would no longer instantiate the engine.
build=build/clang
echo "check-tidy: configuring the clang preset for its compile database"
cmake --preset clang -DWSOUT_EXAMPLES_SEPARATE_COMPILATION=OFF >/dev/null

ci_set=(
    "$build/tests/headers/check_wsout_wsout_hpp.cpp"
    examples/wsout-cat/main.cpp
    examples/custom_transport/main.cpp
    examples/custom_auth/main.cpp
    tests/output_test.cpp
)

mode=ci
filter=.
case ${1:-} in
    "") ;;
    --all) mode=all ;;
    -*)
        echo "usage: bash scripts/check-tidy.sh [--all | REGEX]" >&2
        exit 2
        ;;
    *)
        mode=all
        filter=$1
        ;;
esac
jobs=${WSOUT_TIDY_JOBS:-2}

# The enabled checks, to show that the config really enables them (a missing
# comma in .clang-tidy silently disables two globs): every group must be there.
checks=$("$tidy" --config-file=.clang-tidy --list-checks -p "$build" include/wsout/version.hpp | grep '^ ' || true)
for group in bugprone- clang-analyzer- cert- cppcoreguidelines- misc- modernize- performance- readability-; do
    if ! grep -q "^ *$group" <<<"$checks"; then
        echo "check-tidy: no $group* check is enabled: is a comma missing in .clang-tidy?" >&2
        exit 2
    fi
done
echo "check-tidy: $(grep -c . <<<"$checks") checks enabled"

if [[ $mode == ci ]]; then
    files=()
    for f in "${ci_set[@]}"; do
        [[ -f $f ]] || {
            echo "check-tidy: $f is missing (renamed? update ci_set in $0)" >&2
            exit 2
        }
        files+=("$PWD/${f#./}")
    done
else
    mapfile -t files < <(/usr/bin/python3 - "$build/compile_commands.json" "$PWD" "$filter" <<'PY'
import json, re, sys
db, root, pattern = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
seen = set()
for e in json.load(open(db)):
    f = e["file"]
    own = f.startswith(root + "/tests/") or f.startswith(root + "/examples/") or \
          f.startswith(root + "/bench/") or "/tests/headers/check_" in f
    if own and pattern.search(f) and f not in seen:
        seen.add(f)
        print(f)
PY
    )
fi
if ((${#files[@]} == 0)); then
    echo "check-tidy: no sources match '$filter'" >&2
    exit 2
fi
echo "check-tidy: ${#files[@]} translation units ($mode), $jobs at a time"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
t0=$SECONDS
printf '%s\0' "${files[@]}" |
    xargs -0 -n1 -P "$jobs" "$tidy" --config-file=.clang-tidy -p "$build" --quiet >"$log" 2>&1 || status=$?
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Use -system-headers' "$log" || true
if ((status != 0)); then
    echo "check-tidy: findings (see above), $((SECONDS - t0)) s"
    exit 1
fi
echo "check-tidy: clean, $((SECONDS - t0)) s"
