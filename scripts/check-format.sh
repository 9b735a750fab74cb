#!/usr/bin/env bash
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Checks the C++ sources against .clang-format (clang-format 14).
#
#   bash scripts/check-format.sh          # list files that differ; exit 1 if any
#   bash scripts/check-format.sh --diff   # ... and show the changes
#   bash scripts/check-format.sh --fix    # reformat them in place
#   bash scripts/check-format.sh [--fix] FILE...   # only these files
#
# Files: tracked and untracked-but-not-ignored *.hpp/*.cpp/*.ipp under
# include/ tests/ examples/ bench/ (build trees and node_modules excluded).

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=check
if [[ ${1:-} == --fix || ${1:-} == --diff ]]; then
    mode=${1#--}
    shift
fi

clang_format=${CLANG_FORMAT:-}
if [[ -z $clang_format ]]; then
    for c in clang-format-14 clang-format; do
        if command -v "$c" >/dev/null 2>&1; then
            clang_format=$c
            break
        fi
    done
fi
if [[ -z $clang_format ]]; then
    echo "check-format: clang-format-14 not found (apt-get install clang-format-14)" >&2
    exit 2
fi

files=()
if (($#)); then
    files=("$@")
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    while IFS= read -r f; do
        [[ -f $f ]] && files+=("$f")
    done < <(git ls-files --cached --others --exclude-standard -- \
        'include/*.hpp' 'include/*.ipp' 'tests/*.hpp' 'tests/*.cpp' \
        'examples/*.hpp' 'examples/*.cpp' 'bench/*.hpp' 'bench/*.cpp' | sort -u)
else
    while IFS= read -r f; do files+=("$f"); done < <(
        find include tests examples bench -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.ipp' \) \
            -not -path '*/node_modules/*' 2>/dev/null | sort)
fi

bad=()
for f in "${files[@]}"; do
    if [[ $mode == fix ]]; then
        "$clang_format" -i --style=file "$f"
    elif ! "$clang_format" --style=file "$f" | cmp -s - "$f"; then
        bad+=("$f")
        if [[ $mode == diff ]]; then
            "$clang_format" --style=file "$f" | diff -u --label "$f" --label "$f (formatted)" "$f" - || true
        fi
    fi
done

if [[ $mode == fix ]]; then
    echo "check-format: formatted ${#files[@]} files with $clang_format"
    exit 0
fi
if ((${#bad[@]})); then
    printf 'needs formatting: %s\n' "${bad[@]}"
    echo "check-format: ${#bad[@]} of ${#files[@]} files differ from .clang-format (fix: bash scripts/check-format.sh --fix)"
    exit 1
fi
echo "check-format: ${#files[@]} files match .clang-format"
