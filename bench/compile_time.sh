#!/bin/sh
# Compile time of one translation unit using a bare Beast TLS WebSocket client
# (bench/compile/beast_tls_client.cpp) against one instantiating
# wsout::websocket_output<wsout::transport::tls, wsout::auth::oauth1>
# (bench/compile/wsout_tls_oauth1.cpp). Median of N runs (default 3), ccache
# off, the flags of a release build: -std=c++17 -O2 (set CXXFLAGS to change).
# Reports the compiler's CPU time (user+sys of the child processes), which a
# busy shared machine disturbs much less than the wall time.
#
# The wsout TU is timed twice: header-only (the default) and with
# -DWSOUT_SEPARATE_COMPILATION, the switch that leaves wsout's non-template
# functions and the common instantiations to one TU including <wsout/src.hpp>
# (the library wsout::compiled), compiled once per build, not per TU.
#
# usage: bench/compile_time.sh [--breakdown] [--lib] [runs]   (CXX=clang++ to use clang)
#   --breakdown  also times TUs that only include a growing set of headers
#                (parsing), the wsout TU with -fsyntax-only (parsing and
#                template instantiation, no code generation), to show where
#                the time goes
#   --lib        also times the one-time TU <wsout/src.hpp> (wsout::compiled)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
breakdown=0
lib=0
while [ $# -gt 0 ]; do
    case "$1" in
        --breakdown) breakdown=1 ;;
        --lib) lib=1 ;;
        *) break ;;
    esac
    shift
done
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

measure() { # file [extra flags...] -> prints the median CPU seconds, or "n/a: reason"
    src=$1
    shift
    times=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        times >"$out/times"
        start=$(cpu_of_times)
        # shellcheck disable=SC2086
        if ! $cxx $flags "$@" -I"$repo/include" -c "$src" -o "$out/probe.o" 2>"$out/err"; then
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
    echo "wsout_tls_oauth1.cpp (websocket_output<tls, oauth1>), header-only: $wsout s CPU"
    case "$beast$wsout" in
        *n/a*) ;;
        *) echo "ratio wsout/beast, header-only: $(awk -v a="$wsout" -v b="$beast" 'BEGIN {printf "%.2f", a / b}')" ;;
    esac
    if [ -f "$repo/include/wsout/src.hpp" ]; then
        sep=$(measure "$here/compile/wsout_tls_oauth1.cpp" -DWSOUT_SEPARATE_COMPILATION)
        echo "wsout_tls_oauth1.cpp, -DWSOUT_SEPARATE_COMPILATION: $sep s CPU"
        case "$beast$sep" in
            *n/a*) ;;
            *) echo "ratio wsout/beast, separate compilation: $(awk -v a="$sep" -v b="$beast" 'BEGIN {printf "%.2f", a / b}')" ;;
        esac
        case "$wsout$sep" in
            *n/a*) ;;
            *) echo "ratio separate/header-only: $(awk -v a="$sep" -v b="$wsout" 'BEGIN {printf "%.2f", a / b}')" ;;
        esac
        if [ "$lib" = 1 ]; then
            echo "#include <wsout/src.hpp>" >"$out/src.cpp"
            echo "  once per build: <wsout/src.hpp> (wsout::compiled): $(measure "$out/src.cpp" -DWSOUT_SEPARATE_COMPILATION) s CPU"
        fi
    fi
else
    echo "wsout_tls_oauth1.cpp: skipped (websocket_output.hpp, transport/tls.hpp or auth/oauth1.hpp missing)"
fi

if [ "$breakdown" = 1 ]; then
    echo "breakdown (each TU only includes, then main() {}):"
    probe() { # label, [-Dflag...] include lines
        label=$1
        shift
        pflags=""
        : >"$out/probe.cpp"
        for h in "$@"; do
            case "$h" in
                -*) pflags="$pflags $h" ;;
                *) echo "#include <$h>" >>"$out/probe.cpp" ;;
            esac
        done
        echo "int main() {}" >>"$out/probe.cpp"
        # shellcheck disable=SC2086
        echo "  $label: $(measure "$out/probe.cpp" $pflags) s CPU"
    }
    probe "boost/beast/websocket.hpp + ssl" boost/beast/websocket.hpp boost/beast/websocket/ssl.hpp boost/asio/ssl.hpp
    probe "nlohmann/json.hpp" nlohmann/json.hpp
    probe "wsout/config.hpp" wsout/config.hpp
    probe "wsout/websocket_output.hpp" wsout/websocket_output.hpp
    probe "+ transport/tls.hpp" wsout/websocket_output.hpp wsout/transport/tls.hpp
    probe "+ auth/oauth1.hpp" wsout/websocket_output.hpp wsout/transport/tls.hpp wsout/auth/oauth1.hpp
    if [ -f "$repo/include/wsout/src.hpp" ]; then
        probe "same, -DWSOUT_SEPARATE_COMPILATION" -DWSOUT_SEPARATE_COMPILATION wsout/websocket_output.hpp \
            wsout/transport/tls.hpp wsout/auth/oauth1.hpp
    fi
    echo "  wsout_tls_oauth1.cpp -fsyntax-only (parse + instantiate, no code generation):"
    echo "    header-only: $(measure "$here/compile/wsout_tls_oauth1.cpp" -fsyntax-only) s CPU"
    if [ -f "$repo/include/wsout/src.hpp" ]; then
        echo "    -DWSOUT_SEPARATE_COMPILATION: $(measure "$here/compile/wsout_tls_oauth1.cpp" -fsyntax-only -DWSOUT_SEPARATE_COMPILATION) s CPU"
    fi
    echo "  beast_tls_client.cpp -fsyntax-only: $(measure "$here/compile/beast_tls_client.cpp" -fsyntax-only) s CPU"
fi
