#!/usr/bin/env bash
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# The demo: installs what is missing, builds wsout-cat and wsout-sink (release
# preset), starts wsout-sink on 127.0.0.1:4195 (the url a default config points
# at), streams sample telemetry (JSON lines) through
#   wsout-cat --url ws://127.0.0.1:4195/post/ws --text
# stops the sink and shows what arrived.
#
#   bash scripts/demo.sh                         # as root on a fresh Debian 12
#   WSOUT_DEMO_PORT=4196 bash scripts/demo.sh    # when 4195 is taken
#   WSOUT_DEMO_MESSAGES=100000 bash scripts/demo.sh

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

port=${WSOUT_DEMO_PORT:-4195}
count=${WSOUT_DEMO_MESSAGES:-1000}

bash scripts/setup-debian.sh

echo "== build wsout-cat and wsout-sink (preset release)"
cmake --preset release >/dev/null
cmake --build --preset release --target wsout-cat wsout-sink

bin=build/release/examples
work=build/release/demo
mkdir -p "$work"
rm -f "$work"/sink.out "$work"/sink.err "$work"/received.txt

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if listening "$port"; then
    cat >&2 <<MSG
demo: port $port on 127.0.0.1 is already in use by another program, so
wsout-sink cannot listen there. Stop that program (see: ss -ltnp 'sport = :$port')
or run the demo on another port:  WSOUT_DEMO_PORT=4196 bash scripts/demo.sh
MSG
    exit 1
fi

echo "== start wsout-sink on 127.0.0.1:$port"
# --expect: the sink exits by itself once every message arrived and the
# client closed.
"$bin/wsout-sink" --host 127.0.0.1 --port "$port" --print --expect "$count" \
    >"$work/sink.out" 2>"$work/sink.err" &
sink=$!
cleanup() { kill "$sink" 2>/dev/null || true; }
trap cleanup EXIT

# Ready when it printed "listening on" (its first line).
for _ in $(seq 100); do
    grep -q '^listening on' "$work/sink.out" 2>/dev/null && break
    if ! kill -0 "$sink" 2>/dev/null; then
        echo "demo: wsout-sink could not start on 127.0.0.1:$port:" >&2
        cat "$work/sink.err" "$work/sink.out" >&2
        echo "(if the port is taken: WSOUT_DEMO_PORT=4196 bash scripts/demo.sh)" >&2
        exit 1
    fi
    sleep 0.1
done
grep -q '^listening on' "$work/sink.out" || {
    echo "demo: wsout-sink did not report listening on 127.0.0.1:$port within 10 s" >&2
    exit 1
}

echo "== generate $count telemetry lines"
awk -v n="$count" 'BEGIN {
    srand(4195)
    split("cpu_percent mem_mb disk_io_kbps net_rx_kbps", metric, " ")
    for (i = 1; i <= n; i++)
        printf "{\"seq\":%d,\"ts\":%d,\"host\":\"edge-%02d\",\"metric\":\"%s\",\"value\":%.2f}\n",
               i, 1767225600 + i, i % 8, metric[i % 4 + 1], rand() * 100
}' >"$work/telemetry.jsonl"
head -n 2 "$work/telemetry.jsonl"

echo "== wsout-cat --url ws://127.0.0.1:$port/post/ws --text < telemetry.jsonl"
rc=0
"$bin/wsout-cat" --url "ws://127.0.0.1:$port/post/ws" --text <"$work/telemetry.jsonl" || rc=$?

echo "== wait for wsout-sink (it stops once $count messages arrived)"
for _ in $(seq 100); do kill -0 "$sink" 2>/dev/null || break; sleep 0.1; done
kill -INT "$sink" 2>/dev/null || true
wait "$sink" 2>/dev/null || true
trap - EXIT

echo "== what arrived (wsout-sink's report)"
grep -v '^\[[0-9]*\] ' "$work/sink.out" | sed 's/^/  /' || true
if [[ -s $work/sink.err ]]; then sed "s/^/  sink stderr: /" "$work/sink.err"; fi
# With --print each message is a line "[N] text SIZE B: PAYLOAD".
sed -n 's/^\[[0-9]*\] text [0-9]* B: //p' "$work/sink.out" >"$work/received.txt"
received=$(wc -l <"$work/received.txt")
echo "messages sent: $count, received: $received; the first three and the last:"
awk '/^\[[0-9]+\] / { if (++n <= 3) print "  " $0; last = $0 }
     END { if (n > 3) print "  ...\n  " last }' "$work/sink.out"
if cmp -s "$work/telemetry.jsonl" "$work/received.txt"; then
    echo "received == sent: every message arrived, byte-exact and in order"
else
    echo "received differs from sent: diff $work/telemetry.jsonl $work/received.txt"
    ((rc != 0)) || rc=1
fi
exit "$rc"
