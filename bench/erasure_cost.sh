#!/usr/bin/env bash
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# The cost of the type erasure in instructions, which a busy machine does not
# disturb: runs wsout-bench-client under callgrind with and without
# --erased (wsout::make_output against websocket_output<plain, none>), each
# at N and 2N messages, and prints the client's instructions per message
# ((Ir(2N) - Ir(N)) / N: the connect and close cancel out) and the ratio.
#
#   bench/erasure_cost.sh [BIN_DIR] [SIZE]      # default: newest build*/bench, 64
#
# Environment: MODES (default "async batch sync"), N_async, N_batch, N_sync.
# Needs valgrind. Loopback, to a wsout-bench-sink started here.

set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:-$(ls -dt "$here"/../build*/bench 2>/dev/null | head -1)}
size=${2:-64}
modes=${MODES:-async batch sync}
command -v valgrind >/dev/null || { echo "erasure_cost.sh: valgrind is needed" >&2; exit 1; }
[[ -x $bin/wsout-bench-client && -x $bin/wsout-bench-sink ]] ||
    { echo "erasure_cost.sh: build wsout-bench-client and wsout-bench-sink in $bin" >&2; exit 1; }

tmp=$(mktemp -d)
"$bin/wsout-bench-sink" --host 127.0.0.1 --port 0 >"$tmp/sink.out" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true; wait $sink 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do
    grep -q '^listening on' "$tmp/sink.out" && break
    sleep 0.1
done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$tmp/sink.out")
[[ -n $port ]] || { echo "erasure_cost.sh: the sink did not start" >&2; exit 1; }

# instructions of one client run
ir() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/wsout-bench-client" \
        --port "$port" --size "$size" --count "$1" --mode "$2" ${3:+"$3"} 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

printf '| mode | size | N | template Ir/msg | erased Ir/msg | erased / template |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for mode in $modes; do
    var=N_$mode
    case $mode in sync) def=5000 ;; *) def=20000 ;; esac
    n=${!var:-$def}
    t1=$(ir "$n" "$mode") t2=$(ir $((2 * n)) "$mode")
    e1=$(ir "$n" "$mode" --erased) e2=$(ir $((2 * n)) "$mode" --erased)
    awk -v m="$mode" -v s="$size" -v n="$n" -v t1="$t1" -v t2="$t2" -v e1="$e1" -v e2="$e2" 'BEGIN {
        t = (t2 - t1) / n; e = (e2 - e1) / n
        printf "| %s | %d B | %d | %.1f | %.1f | %.4f |\n", m, s, n, t, e, e / t }'
done
