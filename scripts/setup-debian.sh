#!/usr/bin/env bash
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
# Installs what wsout's build, tests and demo need on Debian 12, and only what
# is missing: when everything is present it changes nothing (and needs no
# root). Runs non-interactively (CI=true, no stdin).
#
#   bash scripts/setup-debian.sh          # as root, or as a user with sudo

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Build: compilers, CMake, Ninja, ccache. Library: Boost (Beast, Asio),
# OpenSSL 3, nlohmann_json. Tests: Catch2, third-party servers and verifiers
# (python3-websockets, -oauthlib, -jwt, -autobahn), tinyproxy, openssl (test
# certificates). Analysis: clang 14 with its sanitizer/fuzzer runtimes,
# clang-tidy, clang-format, valgrind.
packages=(
    build-essential g++ cmake ninja-build ccache
    libboost-dev libboost-system-dev libssl-dev nlohmann-json3-dev
    catch2
    python3 python3-websockets python3-oauthlib python3-jwt python3-autobahn
    tinyproxy-bin openssl ca-certificates
    clang-14 libclang-rt-14-dev clang-tidy-14 clang-format-14 valgrind
)

# Node.js runs the `ws` test server. Machines that already have a node (for
# example from NodeSource) keep it: Debian's nodejs package would conflict.
if ! command -v node >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

# One dpkg-query for all: prints "name status" for the known packages.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
    awk '/ install ok installed$/ { print $1 }' || true)
missing=()
for p in "${packages[@]}"; do
    if ! grep -qx -- "$p" <<<"$installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "setup: all ${#packages[@]} Debian packages are present"
else
    echo "setup: installing ${missing[*]}"
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "setup: missing packages (${missing[*]}) and not root: run this as root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null
fi

# The Node `ws` package for the tests' Node server (tests/node/package.json).
if [[ -f tests/node/package.json ]]; then
    if [[ -d tests/node/node_modules/ws ]]; then
        echo "setup: tests/node/node_modules/ws is present"
    else
        echo "setup: installing the Node test dependencies in tests/node"
        if [[ -f tests/node/package-lock.json ]]; then
            (cd tests/node && npm ci --no-audit --no-fund --loglevel=error </dev/null)
        else
            (cd tests/node && npm install --no-audit --no-fund --loglevel=error </dev/null)
        fi
    fi
fi

echo "setup: done"
