#!/usr/bin/env bash
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Runs clang-tidy 14 with .clang-tidy over wsout's own translation units: the
# tests, examples and benchmarks, and the generated per-header TUs of
# tests/headers (so every public header is analysed). Uses the compile
# database of the `clang` preset (configured here if needed; no build).
#
#   bash scripts/check-tidy.sh                 # everything; exit 1 on any finding
#   bash scripts/check-tidy.sh REGEX           # only sources whose path matches
#   WSOUT_TIDY_JOBS=N                          # parallel clang-tidy processes

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tidy=${CLANG_TIDY:-clang-tidy-14}
command -v "$tidy" >/dev/null 2>&1 || {
    echo "check-tidy: $tidy not found (apt-get install clang-tidy-14)" >&2
    exit 2
}

build=build/clang
if [[ ! -f $build/compile_commands.json ]]; then
    cmake --preset clang >/dev/null
fi

filter=${1:-.}
jobs=${WSOUT_TIDY_JOBS:-$(nproc 2>/dev/null || echo 2)}

# The enabled checks, to show that the config really enables them.
echo "check-tidy: $("$tidy" --config-file=.clang-tidy --list-checks -p "$build" include/wsout/version.hpp |
    grep -c '^ ') checks enabled"

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
if ((${#files[@]} == 0)); then
    echo "check-tidy: no sources match '$filter'" >&2
    exit 2
fi
echo "check-tidy: ${#files[@]} translation units, $jobs at a time"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
printf '%s\0' "${files[@]}" |
    xargs -0 -n1 -P "$jobs" "$tidy" --config-file=.clang-tidy -p "$build" --quiet >"$log" 2>&1 || status=$?
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Use -system-headers' "$log" || true
if ((status != 0)); then
    echo "check-tidy: findings (see above)"
    exit 1
fi
echo "check-tidy: clean"
