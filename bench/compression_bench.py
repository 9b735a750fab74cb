#!/usr/bin/env python3
"""Client CPU per message with and without permessage-deflate.

Runs wsout-bench-client --mode async --json (varied, compressible JSON-like
messages) against one wsout-bench-sink started with --deflate (and one with
--deflate-no-context), in interleaved rounds, and prints a Markdown table of
medians: client CPU µs per message, the sink's wire bytes per message, and
the compression ratio. The sink counts the compressed bytes without
inflating them (it measures the client, not a decompressor).

    bench/compression_bench.py [--bin-dir build/bench] [--rounds 3] [--out FILE]

Python 3 standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys


def start_sink(bin_dir, flag):
    p = subprocess.Popen([os.path.join(bin_dir, "wsout-bench-sink"), flag], stdout=subprocess.PIPE,
                         text=True)
    line = p.stdout.readline()
    port = line.strip().rsplit(":", 1)[1]
    return p, port


def run_client(bin_dir, port, size, count, extra):
    out = subprocess.run([os.path.join(bin_dir, "wsout-bench-client"), "--host", "127.0.0.1", "--port", port,
                          "--size", str(size), "--count", str(count), "--mode", "async", "--json"] + extra,
                         capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", default="build/bench")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out")
    args = ap.parse_args()
    sizes = {64: 100000, 1024: 30000, 65536: 1000}
    variants = [
        ("off", [], "--deflate"),
        ("level 1", ["--compress", "--level", "1"], "--deflate"),
        ("level 6 (default)", ["--compress", "--level", "6"], "--deflate"),
        ("level 9", ["--compress", "--level", "9"], "--deflate"),
        ("level 6, client_no_context_takeover", ["--compress", "--level", "6"], "--deflate-no-context"),
    ]
    sinks = {}
    for flag in ("--deflate", "--deflate-no-context"):
        sinks[flag] = start_sink(args.bin_dir, flag)
    results = {}
    try:
        for r in range(args.rounds):
            for size, count in sizes.items():
                order = variants[r % len(variants):] + variants[:r % len(variants)]
                for name, extra, flag in order:
                    proc, port = sinks[flag]
                    j = run_client(args.bin_dir, port, size, count, extra)
                    sink = json.loads(proc.stdout.readline())
                    if sink.get("messages") != count or sink.get("error"):
                        sys.exit("sink disagrees: %s" % sink)
                    results.setdefault((size, name), []).append(
                        (j["cpu_us_per_msg"], sink["bytes"] / count, j["msgs_per_s"]))
                    print(size, name, round(j["cpu_us_per_msg"], 2), round(sink["bytes"] / count, 1),
                          file=sys.stderr)
    finally:
        for proc, _ in sinks.values():
            proc.terminate()
            proc.wait()
    load = os.getloadavg()
    lines = ["| message | compression | client CPU µs/msg | payload bytes sent/msg | ratio | msgs/s |",
             "|---|---|---:|---:|---:|---:|"]
    for size in sizes:
        for name, _, _ in variants:
            v = results[(size, name)]
            cpu = statistics.median(x[0] for x in v)
            wire = statistics.median(x[1] for x in v)
            rate = statistics.median(x[2] for x in v)
            label = "%d B" % size if size < 1024 else "%d KiB" % (size // 1024)
            lines.append("| %s JSON | %s | %.2f | %.0f | %.2f | %.0f |" % (label, name, cpu, wire, size / wire, rate))
    text = "\n".join(lines) + "\n\n%d rounds, medians; load average %.1f %.1f %.1f at the end.\n" % (
        args.rounds, *load)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
