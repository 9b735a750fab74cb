#!/bin/sh
# Compile time of one translation unit using a bare Beast TLS WebSocket client
# (bench/compile/beast_tls_client.cpp) against one instantiating
# wsout::websocket_output<wsout::transport::tls, wsout::auth::oauth1>
# (bench/compile/wsout_tls_oauth1.cpp). Median of N runs (default 3), ccache
# off, the flags of a release build: -std=c++17 -O2 (set CXXFLAGS to change).
# Reports the compiler's CPU time (user+sys of the child processes), which a
# busy shared machine disturbs much less than the wall time.
#
# usage: bench/compile_time.sh [--breakdown] [runs]      (CXX=clang++ to use clang)
#   --breakdown  also times TUs that only include a growing set of headers,
#                to show where the time goes (parsing vs instantiation)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
breakdown=0
if [ "${1:-}" = "--breakdown" ]; then
    breakdown=1
    shift
fi
runs=${1:-3}
cxx=${CXX:-g++}
flags=${CXXFLAGS:--std=c++17 -O2}
export CCACHE_DISABLE=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

# `times` must run in the process that waited for the compiler (never inside
# a $(...) of its own, whose children counters start at zero).
cpu_of_times() { # the output of `times` in $out/times -> children's user+sys
    tail -n 1 "$out/times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] } printf "%.3f", t }'
}

measure() { # file -> prints the median CPU seconds, or "n/a: reason"
    src=$1
    times=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        times >"$out/times"
        start=$(cpu_of_times)
        # shellcheck disable=SC2086
        if ! $cxx $flags -I"$repo/include" -c "$src" -o "$out/probe.o" 2>"$out/err"; then
            echo "n/a: does not compile: $(head -c 300 "$out/err" | tr '\n' ' ')"
            return
        fi
        times >"$out/times"
        end=$(cpu_of_times)
        times="$times $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')"
        i=$((i + 1))
    done
    echo "$times" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "%.2f\n", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

echo "compiler: $($cxx --version | head -1); flags: $flags; median of $runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
beast=$(measure "$here/compile/beast_tls_client.cpp")
echo "beast_tls_client.cpp (bare Beast TLS client): $beast s CPU"
if [ -f "$repo/include/wsout/websocket_output.hpp" ] && [ -f "$repo/include/wsout/auth/oauth1.hpp" ] \
   && [ -f "$repo/include/wsout/transport/tls.hpp" ]; then
    wsout=$(measure "$here/compile/wsout_tls_oauth1.cpp")
    echo "wsout_tls_oauth1.cpp (websocket_output<tls, oauth1>): $wsout s CPU"
    case "$beast$wsout" in
        *n/a*) ;;
        *) echo "ratio wsout/beast: $(awk -v a="$wsout" -v b="$beast" 'BEGIN {printf "%.2f", a / b}')" ;;
    esac
else
    echo "wsout_tls_oauth1.cpp: skipped (websocket_output.hpp, transport/tls.hpp or auth/oauth1.hpp missing)"
fi

if [ "$breakdown" = 1 ]; then
    echo "breakdown (each TU only includes, then main() {}):"
    probe() { # label, include lines
        label=$1
        shift
        : >"$out/probe.cpp"
        for h in "$@"; do echo "#include <$h>" >>"$out/probe.cpp"; done
        echo "int main() {}" >>"$out/probe.cpp"
        echo "  $label: $(measure "$out/probe.cpp") s CPU"
    }
    probe "boost/beast/websocket.hpp + ssl" boost/beast/websocket.hpp boost/beast/websocket/ssl.hpp boost/asio/ssl.hpp
    probe "nlohmann/json.hpp" nlohmann/json.hpp
    probe "wsout/config.hpp" wsout/config.hpp
    probe "wsout/websocket_output.hpp" wsout/websocket_output.hpp
    probe "+ transport/tls.hpp" wsout/websocket_output.hpp wsout/transport/tls.hpp
    probe "+ auth/oauth1.hpp" wsout/websocket_output.hpp wsout/transport/tls.hpp wsout/auth/oauth1.hpp
fi
