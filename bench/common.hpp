//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// Shared by the benchmark programs: argument parsing, clocks, CPU and RSS
// accounting, percentiles, the JSON result line, WebSocket frame helpers.
// Benchmark code, not part of the library.

#ifndef WSOUT_BENCH_COMMON_HPP
#define WSOUT_BENCH_COMMON_HPP

#include <boost/asio/ssl/context.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace bench {

// ---------------------------------------------------------------- clocks

/// CLOCK_MONOTONIC in nanoseconds: comparable between processes on one
/// machine, so a client can stamp a message and the sink can measure the
/// one-way latency.
inline std::uint64_t mono_ns()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1000000000u + std::uint64_t(ts.tv_nsec);
}

inline double tv_seconds(timeval const& tv)
{
    return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
}

/// User + system CPU seconds of the process (who == RUSAGE_SELF) or of the
/// calling thread (RUSAGE_THREAD).
inline double cpu_seconds(int who = RUSAGE_SELF)
{
    rusage ru{};
    ::getrusage(who, &ru);
    return tv_seconds(ru.ru_utime) + tv_seconds(ru.ru_stime);
}

/// Peak resident set size of this process image in KiB: VmHWM from
/// /proc/self/status. (getrusage's ru_maxrss would carry over the RSS of
/// the parent that forked us, e.g. the Python driver.)
inline long peak_rss_kb()
{
    if (std::FILE* f = std::fopen("/proc/self/status", "r"))
    {
        char line[256];
        long kb = -1;
        while (std::fgets(line, sizeof line, f))
            if (std::strncmp(line, "VmHWM:", 6) == 0)
            {
                kb = std::strtol(line + 6, nullptr, 10);
                break;
            }
        std::fclose(f);
        if (kb >= 0)
            return kb;
    }
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/// Percentile (0..100) of a sample, nearest-rank; sorts in place.
inline double percentile(std::vector<double>& v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    std::size_t rank = std::size_t(p / 100.0 * double(v.size()) + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > v.size())
        rank = v.size();
    return v[rank - 1];
}

// ---------------------------------------------------------------- options

/// The command line shared by every client:
/// `--host H --port P --size N --count N [--mode M] [--tls --ca FILE]`
/// plus a few extras (`--window`, `--batch`, `--path`).
struct options
{
    std::string host = "127.0.0.1";
    std::string port;
    std::string path = "/post/ws";
    std::size_t size = 64;
    std::size_t count = 100000;
    std::string mode = "sync";
    bool tls = false;
    std::string ca;
    std::size_t window = 1024;                       // async: writes kept outstanding
    std::size_t batch = 0;                           // batch: messages per write_batch (0 = auto)
    std::size_t write_buffer = 0;                    // Beast tuned: 1 MiB; wsout: its default
    long gap_us = 100;                               // latency modes: idle gap between messages
    bool nodelay = false;                            // set TCP_NODELAY (Beast and raw clients)
    bool nagle = false;                              // wsout: tcp.no_delay false
    std::size_t write_size = std::size_t(256) << 10; // raw: bytes per write
    bool erased = false;                             // wsout: through wsout::make_output
    bool json = false;                               // wsout: varied JSON-like payloads (make_json_pool)
    bool compress = false;                           // wsout: offer permessage-deflate
    std::size_t level = 6;                           // wsout: compression_level
};

inline std::size_t parse_size(std::string const& s, char const* what)
{
    // accepts plain numbers and k/K, m/M suffixes (powers of two)
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (end == s.c_str())
        throw std::invalid_argument(std::string(what) + ": not a number: " + s);
    std::string suf(end);
    if (suf == "k" || suf == "K" || suf == "KiB")
        v <<= 10;
    else if (suf == "m" || suf == "M" || suf == "MiB")
        v <<= 20;
    else if (!suf.empty())
        throw std::invalid_argument(std::string(what) + ": bad suffix: " + s);
    return std::size_t(v);
}

inline options parse_options(int argc, char** argv, char const* usage)
{
    options o;
    auto need = [&](int& i) -> std::string {
        if (i + 1 >= argc)
            throw std::invalid_argument(std::string(argv[i]) + " needs a value");
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        if (a == "--host")
            o.host = need(i);
        else if (a == "--port")
            o.port = need(i);
        else if (a == "--path")
            o.path = need(i);
        else if (a == "--size")
            o.size = parse_size(need(i), "--size");
        else if (a == "--count")
            o.count = parse_size(need(i), "--count");
        else if (a == "--mode")
            o.mode = need(i);
        else if (a == "--tls")
            o.tls = true;
        else if (a == "--ca")
            o.ca = need(i);
        else if (a == "--window")
            o.window = parse_size(need(i), "--window");
        else if (a == "--batch")
            o.batch = parse_size(need(i), "--batch");
        else if (a == "--write-buffer")
            o.write_buffer = parse_size(need(i), "--write-buffer");
        else if (a == "--gap-us")
            o.gap_us = long(parse_size(need(i), "--gap-us"));
        else if (a == "--nodelay")
            o.nodelay = true;
        else if (a == "--nagle")
            o.nagle = true;
        else if (a == "--write-size")
            o.write_size = parse_size(need(i), "--write-size");
        else if (a == "--erased")
            o.erased = true;
        else if (a == "--json")
            o.json = true;
        else if (a == "--compress")
            o.compress = true;
        else if (a == "--level")
            o.level = parse_size(need(i), "--level");
        else if (a == "--help" || a == "-h")
        {
            std::cout << usage << "\n";
            std::exit(0);
        }
        else
            throw std::invalid_argument("unknown argument: " + a + "\n" + usage);
    }
    if (o.port.empty())
        throw std::invalid_argument(std::string("--port is required\n") + usage);
    if (o.count == 0)
        throw std::invalid_argument("--count must be > 0");
    if (o.window == 0)
        o.window = 1;
    return o;
}

// ---------------------------------------------------------------- results

/// A flat JSON object built in insertion order (numbers and strings only).
class json_line
{
    std::ostringstream os_;
    bool first_ = true;

    void key(char const* k)
    {
        os_ << (first_ ? "{" : ", ") << '"' << k << "\": ";
        first_ = false;
    }

public:
    json_line() { os_.precision(9); }

    json_line& str(char const* k, std::string const& v)
    {
        key(k);
        os_ << '"';
        for (char c : v)
        {
            if (c == '"' || c == '\\')
                os_ << '\\' << c;
            else if (static_cast<unsigned char>(c) < 0x20)
                os_ << ' ';
            else
                os_ << c;
        }
        os_ << '"';
        return *this;
    }

    template<class T>
    json_line& num(char const* k, T v)
    {
        key(k);
        os_ << v;
        return *this;
    }

    std::string done() const { return os_.str() + (first_ ? "{}" : "}"); }
};

/// Timing and accounting of one client run: from just before the first send
/// to the completed close handshake.
struct run_timer
{
    std::uint64_t t0 = 0;
    double cpu0 = 0;
    double seconds = 0;
    double cpu = 0;

    void start()
    {
        cpu0 = cpu_seconds();
        t0 = mono_ns();
    }

    void stop()
    {
        seconds = double(mono_ns() - t0) / 1e9;
        cpu = cpu_seconds() - cpu0;
    }
};

inline json_line result_line(char const* client, options const& o, run_timer const& t)
{
    json_line j;
    double secs = t.seconds > 0 ? t.seconds : 1e-9;
    j.str("client", client)
        .str("mode", o.mode)
        .str("transport", o.tls ? "tls" : "plain")
        .num("size", o.size)
        .num("count", o.count)
        .num("seconds", t.seconds)
        .num("msgs_per_s", double(o.count) / secs)
        .num("MB_per_s", double(o.count) * double(o.size) / secs / 1e6)
        .num("cpu_seconds", t.cpu)
        .num("peak_rss_kb", peak_rss_kb());
    return j;
}

inline void add_latency(json_line& j, std::vector<double>& rtt_us)
{
    j.num("p50_us", percentile(rtt_us, 50)).num("p99_us", percentile(rtt_us, 99));
}

/// Latency modes: leave the connection idle between two messages, the same
/// gap for every client (--gap-us, default 100).
inline void idle(long gap_us)
{
    if (gap_us > 0)
        std::this_thread::sleep_for(std::chrono::microseconds(gap_us));
}

// ---------------------------------------------------------------- payloads

/// A payload of `size` bytes; in latency mode its first 8 bytes carry
/// `mono_ns()` little-endian (see stamp()).
inline std::string make_payload(std::size_t size)
{
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        s[i] = char('a' + i % 26);
    return s;
}

/** Compressible JSON-like messages of `size` bytes, all different: enough
    of them (4 MiB in all, at least 16) that a compressor's 32 KiB window
    cannot simply find a whole earlier copy of the message.
*/
inline std::vector<std::string> make_json_pool(std::size_t size)
{
    std::size_t n = std::max<std::size_t>(16, (std::size_t(4) << 20) / std::max<std::size_t>(1, size));
    std::vector<std::string> pool;
    pool.reserve(n);
    std::uint64_t x = 88172645463325252ull;
    auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (std::size_t k = 0; k < n; ++k)
    {
        std::string s;
        s.reserve(size + 128);
        while (s.size() < size)
            s += "{\"id\":" + std::to_string(next() % 1000000) + ",\"sensor\":\"temp-" +
                 std::to_string(next() % 64) + "\",\"value\":" + std::to_string(next() % 1000) + "." +
                 std::to_string(next() % 10) + ",\"ok\":true},";
        s.resize(size);
        pool.push_back(std::move(s));
    }
    return pool;
}

inline void stamp(std::string& payload)
{
    if (payload.size() < 8)
        return;
    std::uint64_t t = mono_ns();
    for (int i = 0; i < 8; ++i)
        payload[std::size_t(i)] = char((t >> (8 * i)) & 0xff);
}

// ---------------------------------------------------------------- WebSocket

/// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2).
inline std::string websocket_accept(std::string const& key)
{
    std::string s = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    ::SHA1(reinterpret_cast<unsigned char const*>(s.data()), s.size(), digest);
    unsigned char out[64];
    int n = ::EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<char*>(out), std::size_t(n));
}

/// A random Sec-WebSocket-Key.
inline std::string websocket_key()
{
    unsigned char raw[16];
    if (::RAND_bytes(raw, sizeof raw) != 1)
        throw std::runtime_error("RAND_bytes failed");
    unsigned char out[32];
    int n = ::EVP_EncodeBlock(out, raw, sizeof raw);
    return std::string(reinterpret_cast<char*>(out), std::size_t(n));
}

/// Append the header of one frame to `out`; returns the header length.
/// `mask` is null for an unmasked (server) frame.
inline std::size_t
put_frame_header(std::string& out, bool fin, unsigned opcode, std::uint64_t len, unsigned char const* mask)
{
    std::size_t before = out.size();
    out.push_back(char((fin ? 0x80 : 0) | (opcode & 0x0f)));
    unsigned char m = mask ? 0x80 : 0;
    if (len < 126)
        out.push_back(char(m | unsigned(len)));
    else if (len <= 0xffff)
    {
        out.push_back(char(m | 126));
        out.push_back(char((len >> 8) & 0xff));
        out.push_back(char(len & 0xff));
    }
    else
    {
        out.push_back(char(m | 127));
        for (int i = 7; i >= 0; --i)
            out.push_back(char((len >> (8 * i)) & 0xff));
    }
    if (mask)
        out.append(reinterpret_cast<char const*>(mask), 4);
    return out.size() - before;
}

/// Append one complete frame; when `mask` is set the payload is masked.
inline void put_frame(
    std::string& out, bool fin, unsigned opcode, char const* data, std::size_t len, unsigned char const* mask)
{
    put_frame_header(out, fin, opcode, len, mask);
    std::size_t at = out.size();
    out.append(data, len);
    if (mask)
        for (std::size_t i = 0; i < len; ++i)
            out[at + i] = char(static_cast<unsigned char>(out[at + i]) ^ mask[i & 3]);
}

/// A fresh random masking key.
inline void random_mask(unsigned char* key)
{
    if (::RAND_bytes(key, 4) != 1)
        throw std::runtime_error("RAND_bytes failed");
}

// ---------------------------------------------------------------- TLS

/// A client TLS context that verifies the server against `ca` (or the system
/// store when empty).
inline boost::asio::ssl::context client_tls_context(std::string const& ca)
{
    namespace ssl = boost::asio::ssl;
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    if (ca.empty())
        ctx.set_default_verify_paths();
    else
        ctx.load_verify_file(ca);
    ctx.set_verify_mode(ssl::verify_peer);
    return ctx;
}

} // namespace bench

#endif
