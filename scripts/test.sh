#!/usr/bin/env bash
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Installs what is missing, builds and runs wsout's whole test suite.
#
#   bash scripts/test.sh            # dev preset: Debug, -Werror, all tests
#   bash scripts/test.sh asan       # ASan+UBSan build, test executables only
#   bash scripts/test.sh tsan       # TSan build, test executables only
#   bash scripts/test.sh release    # (also: clang)
#
# Extra arguments after the preset go to ctest, e.g. `-R config`.
# WSOUT_TEST_JOBS sets ctest's parallelism (default: number of CPUs).

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

preset=${1:-dev}
shift || true
case "$preset" in
    dev | release | asan | tsan | clang) ;;
    *)
        echo "usage: bash scripts/test.sh [dev|asan|tsan|release|clang] [ctest args...]" >&2
        exit 2
        ;;
esac

bash scripts/setup-debian.sh

jobs=${WSOUT_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}

echo "== configure (preset $preset)"
cmake --preset "$preset"
echo "== build (preset $preset)"
cmake --build --preset "$preset"
# Sanitizer runtimes of gcc 12 / clang 14 can fail on kernels with more ASLR
# entropy (vm.mmap_rnd_bits > 28: "unexpected memory mapping"). Run the tests
# with ASLR off for this process tree when that is allowed.
runner=()
if [[ $preset == asan || $preset == tsan ]]; then
    bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)
    if ((bits > 28)); then
        if setarch "$(uname -m)" -R true 2>/dev/null; then
            runner=(setarch "$(uname -m)" -R)
            echo "test: vm.mmap_rnd_bits=$bits: running the $preset tests with ASLR off (setarch -R)"
        else
            echo "test: warning: vm.mmap_rnd_bits=$bits may break the $preset runtime; as root: sysctl vm.mmap_rnd_bits=28" >&2
        fi
    fi
fi

echo "== test (preset $preset)"
"${runner[@]}" ctest --preset "$preset" -j "$jobs" "$@"
