#!/usr/bin/env python3
#
# Copyright (c) 2026 The wsout authors
#
# Distributed under the Boost Software License, Version 1.0. (See accompanying
# file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
#
"""Run wsout's benchmark: every client against wsout-bench-sink, interleaved.

Each round runs, for each transport (plain, TLS) and each message size, every
client once, in an order rotated from round to round, so slow drifts of a
shared machine hit every client alike. The sink confirms each run's message
and byte counts; a mismatch is an error (exit status 1, marked in the table).

Writes a markdown report (medians over rounds, ratios to the Beast sync loop
taken per round then medianed) and the raw JSON lines next to it.

Standard library only. Usage:
    bench/run_bench.py [--bin-dir BUILD/bench] [--rounds 5] [--quick]
                       [--sizes 64,1024,65536,1048576] [--transports plain,tls]
                       [--scale 1.0] [--out bench/results/latest.md]
"""

import argparse
import datetime
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# (key, label, binary, mode, extra args)
CLIENTS = [
    ("raw", "pre-framed bytes, 256 KiB writes (wire limit)", "raw-bench-client", "sync", []),
    ("beast-sync", "Beast sync write loop, defaults", "beast-bench-client", "sync", []),
    ("beast-tuned", "Beast sync, auto_fragment off, 1 MiB write buffer", "beast-bench-client", "tuned", []),
    ("beast-async", "Beast async, one write in flight", "beast-bench-client", "async", []),
    ("beast-sync-nodelay", "Beast sync write loop, TCP_NODELAY set (as wsout does by default)",
     "beast-bench-client", "sync", ["--nodelay"]),
    ("wsout-sync", "wsout `write` loop (blocking, one at a time)", "wsout-bench-client", "sync", []),
    ("wsout-sync-nagle", "wsout `write` loop, `tcp.no_delay: false` (Nagle on, as Beast's default)",
     "wsout-bench-client", "sync", ["--nagle"]),
    ("wsout-async", "wsout `async_write`, window 1024", "wsout-bench-client", "async", ["--window", "1024"]),
    ("wsout-batch", "wsout `write_batch`", "wsout-bench-client", "batch", []),
    # the same three through the type-erased wsout::output (wsout::make_output)
    ("wsout-sync-erased", "wsout::output `write` loop (type-erased)", "wsout-bench-client", "sync",
     ["--erased"]),
    ("wsout-async-erased", "wsout::output `async_write`, window 1024 (type-erased)", "wsout-bench-client",
     "async", ["--window", "1024", "--erased"]),
    ("wsout-batch-erased", "wsout::output `write_batch` (type-erased)", "wsout-bench-client", "batch",
     ["--erased"]),
]
# type-erased client -> the template client it is compared with
ERASED = {"wsout-sync-erased": "wsout-sync", "wsout-async-erased": "wsout-async",
          "wsout-batch-erased": "wsout-batch"}
BASELINE = "beast-sync"

LATENCY_CLIENTS = [
    ("raw", "raw frames", "raw-bench-client"),
    ("beast", "Beast sync", "beast-bench-client"),
    ("wsout", "wsout `write`", "wsout-bench-client"),
]

# messages per run, by size; TLS runs are slower, so fewer
COUNTS = {
    "plain": {64: 500_000, 1024: 200_000, 65536: 10_000, 1048576: 600},
    "tls": {64: 100_000, 1024: 50_000, 65536: 3_000, 1048576: 200},
}
QUICK_COUNTS = {64: 2000, 1024: 1000, 65536: 50, 1048576: 5}
# clients far faster (or slower) than the Beast loop at small sizes get more
# (or fewer) messages, so that every run lasts long enough to time and the
# fixed cost of connection close (tens of ms with Nagle and delayed ACKs)
# stays small; rates are per second, so the tables compare fairly
SMALL_COUNT_FACTOR = {"raw": 10, "wsout-async": 4, "wsout-batch": 4, "wsout-async-erased": 4,
                      "wsout-batch-erased": 4}


def size_label(n):
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return "%d MiB" % (n >> 20)
    if n >= 1 << 10 and n % (1 << 10) == 0:
        return "%d KiB" % (n >> 10)
    return "%d B" % n


def find_bin_dir(explicit):
    if explicit:
        return os.path.abspath(explicit)
    best = None
    for name in sorted(os.listdir(REPO)):
        cand = os.path.join(REPO, name, "bench")
        sink = os.path.join(cand, "wsout-bench-sink")
        if name.startswith("build") and os.path.isfile(sink):
            mtime = os.path.getmtime(sink)
            if best is None or mtime > best[0]:
                best = (mtime, cand)
    if best is None:
        sys.exit("run_bench.py: no build*/bench/wsout-bench-sink under %s; build the "
                 "wsout-bench target or pass --bin-dir" % REPO)
    return best[1]


class Sink:
    """A wsout-bench-sink process serving many connections; one JSON line each."""

    def __init__(self, path, tls=None, echo=False):
        args = [path, "--host", "127.0.0.1", "--port", "0"]
        if echo:
            args.append("--echo")
        if tls:
            args += ["--tls", "--cert", tls[0], "--key", tls[1]]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.lines = queue.Queue()
        first = self.proc.stdout.readline()
        if not first.startswith("listening on "):
            err = self.proc.stderr.read()
            raise RuntimeError("sink did not start: %r %s" % (first, err))
        self.port = first.strip().rsplit(":", 1)[1]
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line)

    def next_report(self, timeout=15):
        try:
            return json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def make_cert(tmp):
    cert = os.path.join(tmp, "cert.pem")
    key = os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


def run_client(path, args, timeout):
    """Run one client; returns (json dict or None, error text or None)."""
    try:
        p = subprocess.run([path] + args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out after %ds" % timeout
    out = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or len(out) != 1:
        return None, "exit %d: %s" % (p.returncode, (p.stderr.strip() or p.stdout.strip())[:300])
    return json.loads(out[0]), None


def sink_mismatch(rep, count, size):
    """What is wrong with the sink's report of a run of `count` messages of
    `size` bytes (None: it confirms every message and byte, and the close)."""
    if rep is None:
        return "sink reported nothing"
    if rep.get("error"):
        return "sink: " + rep["error"]
    if rep["messages"] != count or rep["bytes"] != count * size:
        return "sink counted %d messages / %d bytes, expected %d / %d" % (
            rep["messages"], rep["bytes"], count, count * size)
    if not rep.get("closed"):
        return "close handshake not completed"
    return None


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_rate(x):
    if x is None:
        return "–"
    if x >= 10e6:
        return "%.1f M" % (x / 1e6)
    if x >= 1e6:
        return "%.2f M" % (x / 1e6)
    if x >= 1e3:
        return "%.0f k" % (x / 1e3)
    return "%.0f" % x


def fmt_num(x, digits=0):
    if x is None:
        return "–"
    return ("{:,.%df}" % digits).format(x).replace(",", " ")


def fmt_ratio(x):
    return "–" if x is None else "%.2fx" % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin-dir", help="directory holding the bench executables (default: newest build*/bench)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="CI: 1 round, tiny counts, writes results/quick.md")
    ap.add_argument("--sizes", default="64,1024,65536,1048576")
    ap.add_argument("--transports", default="plain,tls")
    ap.add_argument("--clients", default=",".join(c[0] for c in CLIENTS),
                    help="comma-separated subset of: " + ",".join(c[0] for c in CLIENTS))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every message count")
    ap.add_argument("--latency-count", type=int, default=5000)
    ap.add_argument("--no-latency", action="store_true")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per client run")
    ap.add_argument("--out", help="markdown report (default bench/results/latest.md, quick.md with --quick)")
    a = ap.parse_args()

    if a.quick:
        a.rounds = 1
        a.latency_count = min(a.latency_count, 100)
    out_md = a.out or os.path.join(HERE, "results", "quick.md" if a.quick else "latest.md")
    out_json = os.path.splitext(out_md)[0] + ".json"
    bin_dir = find_bin_dir(a.bin_dir)
    sizes = [int(s) for s in a.sizes.split(",") if s]
    transports = [t for t in a.transports.split(",") if t]
    wanted = set(a.clients.split(","))

    def binary(name):
        p = os.path.join(bin_dir, name)
        return p if os.access(p, os.X_OK) else None

    sink_bin = binary("wsout-bench-sink")
    if not sink_bin:
        sys.exit("run_bench.py: %s/wsout-bench-sink missing" % bin_dir)
    clients = []
    skipped = []
    for c in CLIENTS:
        if c[0] not in wanted:
            continue
        if binary(c[2]):
            clients.append(c)
        else:
            skipped.append(c)
    for c in skipped:
        print("skipping %s: %s not built" % (c[0], c[2]), file=sys.stderr)
    skipped_bins = sorted(set(c[2] for c in skipped))
    if "tls" in transports and not shutil.which("openssl"):
        sys.exit("run_bench.py: the openssl CLI is needed for the TLS runs")

    def count_for(transport, size, key):
        if a.quick:
            n = QUICK_COUNTS.get(size, 10)
        else:
            n = COUNTS[transport].get(size) or max(10, int(64e6 / size))
            if size <= 1024:
                n *= SMALL_COUNT_FACTOR.get(key, 1)
        return max(1, int(n * a.scale))

    records = []      # every client JSON line, with round and sink report
    errors = []
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    tmp = tempfile.mkdtemp(prefix="wsout-bench-")
    try:
        tls_files = make_cert(tmp) if "tls" in transports or not a.no_latency else None
        ca = tls_files[0] if tls_files else None
        total = a.rounds * len(transports) * len(sizes) * len(clients)
        done = 0
        for rnd in range(a.rounds):
            for transport in transports:
                sink = Sink(sink_bin, tls=tls_files if transport == "tls" else None)
                try:
                    for size in sizes:
                        k = rnd % len(clients) if clients else 0
                        order = clients[k:] + clients[:k]
                        for key, label, exe, mode, extra in order:
                            count = count_for(transport, size, key)
                            args = ["--host", "127.0.0.1", "--port", sink.port, "--size", str(size),
                                    "--count", str(count), "--mode", mode] + extra
                            if transport == "tls":
                                args += ["--tls", "--ca", ca]
                            res, err = run_client(binary(exe), args, a.timeout)
                            rep = sink.next_report(timeout=15 if res else 3)
                            done += 1
                            tag = "round %d %s %s %s" % (rnd + 1, transport, size_label(size), key)
                            if res is not None:
                                err = sink_mismatch(rep, count, size)
                            if err:
                                errors.append("%s: %s" % (tag, err))
                                print("[%d/%d] %s: ERROR %s" % (done, total, tag, err), file=sys.stderr)
                            else:
                                print("[%d/%d] %s: %s msgs/s, %s MB/s" % (
                                    done, total, tag, fmt_rate(res["msgs_per_s"]), fmt_num(res["MB_per_s"])),
                                    file=sys.stderr)
                            records.append({"round": rnd + 1, "key": key, "transport": transport,
                                            "size": size, "count": count, "client": res,
                                            "sink": rep, "error": err})
                finally:
                    sink.stop()

        latency = []
        if not a.no_latency:
            lat_transports = transports
            for rnd in range(a.rounds):
                for transport in lat_transports:
                    sink = Sink(sink_bin, tls=tls_files if transport == "tls" else None, echo=True)
                    try:
                        for key, label, exe in LATENCY_CLIENTS:
                            if not binary(exe):
                                continue
                            args = ["--host", "127.0.0.1", "--port", sink.port, "--size", "64",
                                    "--count", str(a.latency_count), "--mode", "latency"]
                            if transport == "tls":
                                args += ["--tls", "--ca", ca]
                            res, err = run_client(binary(exe), args, a.timeout)
                            rep = sink.next_report(timeout=15 if res else 3)
                            if res is not None and (rep is None or rep.get("error")
                                                    or rep["messages"] != a.latency_count):
                                err = "sink: %s" % (rep and rep.get("error") or "count mismatch %r" % rep)
                            tag = "latency round %d %s %s" % (rnd + 1, transport, key)
                            if err:
                                errors.append("%s: %s" % (tag, err))
                                print("%s: ERROR %s" % (tag, err), file=sys.stderr)
                            else:
                                print("%s: rtt p50 %s us, one-way p50 %s us" % (
                                    tag, res.get("p50_us", "-"), rep.get("oneway_p50_us")), file=sys.stderr)
                            latency.append({"round": rnd + 1, "key": key, "label": label,
                                            "transport": transport, "client": res, "sink": rep,
                                            "error": err})
                    finally:
                        sink.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    finished = datetime.datetime.now(datetime.timezone.utc)
    write_report(out_md, out_json, a, bin_dir, clients, skipped_bins, sizes, transports, records,
                 latency, errors, started, finished, load_before, count_for)
    print("wrote %s and %s" % (out_md, out_json), file=sys.stderr)
    if errors:
        print("%d error(s):" % len(errors), file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    return 0


def git_revision():
    try:
        return subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], capture_output=True,
                              text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def write_report(out_md, out_json, a, bin_dir, clients, skipped, sizes, transports, records,
                 latency, errors, started, finished, load_before, count_for):
    ok = [r for r in records if not r["error"]]

    def cell(key, transport, size):
        rs = [r for r in ok if r["key"] == key and r["transport"] == transport and r["size"] == size]
        if not rs:
            return None
        c = [r["client"] for r in rs]
        s = [r["sink"] for r in rs]
        # per-round ratio to the baseline of the same round
        ratios = []
        for r in rs:
            base = [b for b in ok if b["key"] == BASELINE and b["transport"] == transport
                    and b["size"] == size and b["round"] == r["round"]]
            if base:
                ratios.append(r["client"]["msgs_per_s"] / base[0]["client"]["msgs_per_s"])
        wire = []
        for r in rs:
            base = [b for b in ok if b["key"] == "raw" and b["transport"] == transport
                    and b["size"] == size and b["round"] == r["round"]]
            if base:
                wire.append(r["client"]["msgs_per_s"] / base[0]["client"]["msgs_per_s"])
        return {
            "n": len(rs),
            "msgs_per_s": median([x["msgs_per_s"] for x in c]),
            "MB_per_s": median([x["MB_per_s"] for x in c]),
            "ratio": median(ratios),
            "wire": median(wire),
            "cpu_us_per_msg": median([x["cpu_seconds"] / x["count"] * 1e6 for x in c]),
            "cpu_share": median([x["cpu_seconds"] / x["seconds"] for x in c if x["seconds"] > 0]),
            "rss_mb": max(x["peak_rss_kb"] for x in c) / 1024.0,
            "sink_share": median([x["cpu_share"] for x in s]),
            "frames_per_msg": median([x["data_frames"] / max(1, x["messages"]) for x in s]),
            "syscalls_note": None,
        }

    L = []
    L.append("# wsout benchmark results")
    L.append("")
    L.append("Generated by `bench/run_bench.py%s` on %s UTC (%.0f s), source tree %s." % (
        " --quick" if a.quick else "", started.strftime("%Y-%m-%d %H:%M"),
        (finished - started).total_seconds(), git_revision()))
    L.append("")
    L.append("- Machine: %s, %d cores, Linux %s; load average before the run: %.2f %.2f %.2f "
             "(a shared machine: read the ratios, not the absolute numbers)." % (
                 cpu_model(), os.cpu_count() or 0, platform.release(), *load_before))
    L.append("- %d round(s), clients interleaved (order rotated each round); each cell is the median "
             "over rounds. Ratios are taken per round against the Beast sync loop (or the wire limit) "
             "of the same round, then medianed." % a.rounds)
    L.append("- Loopback 127.0.0.1, binary messages, timed from the first send to the completed close "
             "handshake. The sink (`wsout-bench-sink`) parses frame headers only and confirmed every "
             "message and byte count%s." % ("" if not errors else " **except the runs listed under Errors**"))
    L.append("- Client CPU = user+sys of the client process over the timed part; "
             "sink CPU = the sink thread's share of one core during the connection.")
    if skipped:
        L.append("- Not built, skipped: %s." % ", ".join("`%s`" % b for b in skipped))
    L.append("")

    for transport in transports:
        title = "ws:// (plain TCP)" if transport == "plain" else "wss:// (TLS, OpenSSL default cipher on loopback)"
        L.append("## %s" % title)
        L.append("")
        hdr = "| client |"
        sep = "|---|"
        for size in sizes:
            unit = "msgs/s" if size <= 1024 else "MB/s"
            hdr += " %s %s | vs Beast |" % (size_label(size), unit)
            sep += "---:|---:|"
        L.append(hdr)
        L.append(sep)
        for key, label, exe, mode, extra in clients:
            row = "| %s |" % label
            for size in sizes:
                c = cell(key, transport, size)
                if c is None:
                    row += " – | – |"
                elif size <= 1024:
                    row += " %s | %s |" % (fmt_rate(c["msgs_per_s"]), fmt_ratio(c["ratio"]))
                else:
                    row += " %s | %s |" % (fmt_num(c["MB_per_s"]), fmt_ratio(c["ratio"]))
            L.append(row)
        L.append("")
        L.append("<details><summary>Details: %s</summary>" % transport)
        L.append("")
        L.append("| size | count | client | msgs/s | MB/s | vs Beast sync | vs wire limit | client CPU µs/msg "
                 "| client CPU share | peak RSS MB | frames/msg | sink CPU share |")
        L.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            for key, label, exe, mode, extra in clients:
                c = cell(key, transport, size)
                if c is None:
                    continue
                L.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %.1f | %.2f | %s |" % (
                    size_label(size), count_for(transport, size, key), key, fmt_rate(c["msgs_per_s"]),
                    fmt_num(c["MB_per_s"]), fmt_ratio(c["ratio"]), fmt_ratio(c["wire"]),
                    fmt_num(c["cpu_us_per_msg"], 3 if c["cpu_us_per_msg"] < 10 else 1),
                    "%.0f%%" % (100 * c["cpu_share"]), c["rss_mb"], c["frames_per_msg"],
                    "%.0f%%" % (100 * c["sink_share"])))
        L.append("")
        L.append("</details>")
        L.append("")

        # the cost of the type erasure: wsout::output (make_output) against
        # websocket_output<T, A>, per round, then medianed
        pairs = [(e, t) for e, t in ERASED.items()
                 if any(c[0] == e for c in clients) and any(c[0] == t for c in clients)]
        if pairs:
            L.append("Type-erasure cost (%s): `wsout::output` from `wsout::make_output` against "
                     "`websocket_output<T, A>` in the same round, median over rounds of the per-round "
                     "ratio. Throughput: erased / template (1.00 = no cost; the target is within a few "
                     "percent at 64 B pipelined, i.e. `async_write`). Client CPU per message: erased / "
                     "template (1.00 = no cost; less sensitive to the machine's other load)." % transport)
            L.append("")
            hdr = "| mode |"
            sep = "|---|"
            for size in sizes:
                hdr += " %s msgs/s | %s CPU/msg |" % (size_label(size), size_label(size))
                sep += "---:|---:|"
            L.append(hdr + " rounds |")
            L.append(sep + "---:|")

            def cpu_per_msg(r):
                return r["client"]["cpu_seconds"] / max(1, r["client"]["count"])

            for e, t in pairs:
                row = "| %s |" % t.split("-", 1)[1]
                n = 0
                for size in sizes:
                    rates, cpus = [], []
                    for r in ok:
                        if r["key"] != e or r["transport"] != transport or r["size"] != size:
                            continue
                        base = [b for b in ok if b["key"] == t and b["transport"] == transport
                                and b["size"] == size and b["round"] == r["round"]]
                        if base:
                            rates.append(r["client"]["msgs_per_s"] / base[0]["client"]["msgs_per_s"])
                            if cpu_per_msg(base[0]) > 0:
                                cpus.append(cpu_per_msg(r) / cpu_per_msg(base[0]))
                    n = max(n, len(rates))
                    row += " %s | %s |" % ("–" if not rates else "%.3f" % median(rates),
                                           "–" if not cpus else "%.3f" % median(cpus))
                L.append(row + " %d |" % n)
            L.append("")

    if latency:
        L.append("## Latency of one 64 B message on an idle connection")
        L.append("")
        L.append("Each client sends a message, waits for its echo where it can read one, then leaves the "
                 "connection idle for 100 µs, and repeats. Round trip: the client sends, the sink (`--echo`) "
                 "echoes, the client reads the echo (wsout discards inbound frames, so it has no round trip). One-way: the sink reads the "
                 "sender's CLOCK_MONOTONIC stamp from the first 8 payload bytes on arrival (every client). "
                 "Medians over rounds of each run's percentile, in µs.")
        L.append("")
        L.append("| transport | client | round trip p50 | round trip p99 | one-way p50 | one-way p99 |")
        L.append("|---|---|---:|---:|---:|---:|")
        for transport in transports:
            for key, label, exe in LATENCY_CLIENTS:
                rs = [r for r in latency if r["key"] == key and r["transport"] == transport and not r["error"]]
                if not rs:
                    continue
                L.append("| %s | %s | %s | %s | %s | %s |" % (
                    transport, label,
                    fmt_num(median([r["client"].get("p50_us") for r in rs]), 1),
                    fmt_num(median([r["client"].get("p99_us") for r in rs]), 1),
                    fmt_num(median([r["sink"].get("oneway_p50_us") for r in rs]), 1),
                    fmt_num(median([r["sink"].get("oneway_p99_us") for r in rs]), 1)))
        L.append("")

    if errors:
        L.append("## Errors")
        L.append("")
        for e in errors:
            L.append("- %s" % e)
        L.append("")

    L.append("Raw data: `%s`. Reproduce: build the `wsout-bench` target "
             "(`cmake --build BUILD --target wsout-bench`), then `bench/run_bench.py%s`." % (
                 os.path.relpath(out_json, REPO), " --quick" if a.quick else ""))
    L.append("")
    os.makedirs(os.path.dirname(out_md), exist_ok=True)
    with open(out_md, "w") as f:
        f.write("\n".join(L))
    with open(out_json, "w") as f:
        json.dump({"revision": git_revision(), "started": started.isoformat(), "finished": finished.isoformat(),
                   "rounds": a.rounds, "quick": a.quick, "bin_dir": bin_dir,
                   "load_before": load_before, "runs": records, "latency": latency,
                   "errors": errors}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
