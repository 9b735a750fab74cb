//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// wsout-telemetry-agent: samples a few system metrics periodically and sends
// each sample as one JSON message through wsout::client, the background
// client. The sampling thread never deals with connections: the client
// connects in the background (retrying with the config's backoff while the
// server is away), reconnects after a loss, and send() waits at most a
// bounded time when the server is slow.
//
//   wsout-telemetry-agent [--config FILE] [--url URL] [--seconds N]
//                         [--interval-ms MS] [--verbose]
//
// Prints one summary line on stdout at the end. Exit status: 0 when every
// sample was reported sent, 1 otherwise, 2 on a usage or config error.

#include <wsout/client.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

namespace {

struct options
{
    std::string config_file;
    std::string url;
    double seconds = 10;
    long interval_ms = 1000;
    bool verbose = false;
};

[[noreturn]] void usage(std::string const& problem)
{
    std::cerr << "wsout-telemetry-agent: " << problem << "\n"
              << "usage: wsout-telemetry-agent [--config FILE] [--url URL] [--seconds N] [--interval-ms MS] "
                 "[--verbose]\n";
    std::exit(2);
}

options parse_args(int argc, char** argv)
{
    options o;
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(a + " needs a value");
            return argv[++i];
        };
        try
        {
            if (a == "--config")
                o.config_file = value();
            else if (a == "--url")
                o.url = value();
            else if (a == "--seconds")
                o.seconds = std::stod(value());
            else if (a == "--interval-ms")
                o.interval_ms = std::stol(value());
            else if (a == "--verbose")
                o.verbose = true;
            else
                usage("unknown argument '" + a + "'");
        }
        catch (std::logic_error const&)
        {
            usage("bad number for " + a);
        }
    }
    if (o.seconds < 0 || o.interval_ms <= 0)
        usage("--seconds must be >= 0 and --interval-ms > 0");
    return o;
}

/// The first number after `key` in a /proc file, or -1.
double proc_value(char const* file, std::string const& key)
{
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.compare(0, key.size(), key) == 0)
        {
            std::istringstream rest(line.substr(key.size()));
            double v = -1;
            rest >> v;
            return v;
        }
    return -1;
}

nlohmann::json sample(std::uint64_t seq)
{
    double load1 = -1;
    std::ifstream("/proc/loadavg") >> load1;
    auto const now = std::chrono::system_clock::now().time_since_epoch();
    return {
        {"seq", seq},
        {"ts_ms", std::chrono::duration_cast<std::chrono::milliseconds>(now).count()},
        {"load1", load1},
        {"mem_available_kb", proc_value("/proc/meminfo", "MemAvailable:")},
        {"agent_rss_kb", proc_value("/proc/self/status", "VmRSS:")},
    };
}

} // namespace

int main(int argc, char** argv)
{
    options o = parse_args(argc, argv);
    wsout::config cfg;
    try
    {
        if (!o.config_file.empty())
            cfg = wsout::load_config_file(o.config_file);
        if (!o.url.empty())
            cfg.url = o.url;
        cfg.message_type = wsout::message_kind::text; // JSON
        wsout::validate(cfg);
    }
    catch (wsout::config_error const& e)
    {
        std::cerr << "wsout-telemetry-agent: " << e.what() << "\n";
        return 2;
    }

    wsout::client_options copts;
    copts.send_timeout = std::chrono::milliseconds(200);
    copts.log = [verbose = o.verbose](wsout::log_level level, std::string_view msg) {
        if (verbose || level >= wsout::log_level::warn)
            std::cerr << "wsout-telemetry-agent: " << wsout::to_string(level) << ": " << msg << "\n";
    };
    wsout::client client(cfg, copts);

    // The sampling loop: this thread only measures and hands samples over.
    using clock = std::chrono::steady_clock;
    auto const start = clock::now();
    auto const end =
        start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.seconds));
    auto const interval = std::chrono::milliseconds(o.interval_ms);
    std::uint64_t samples = 0;
    for (auto next = start; next < end; next += interval)
    {
        std::this_thread::sleep_until(next);
        std::string msg = sample(samples).dump();
        ++samples;
        if (auto ec = client.send(std::move(msg)))
            std::cerr << "wsout-telemetry-agent: sample " << samples - 1 << " dropped: " << ec.message()
                      << "\n";
    }

    // Give what is queued a few seconds to go out, then close.
    auto close_ec = client.close(std::chrono::seconds(5));
    auto const st = client.stats();
    double const secs = std::chrono::duration<double>(clock::now() - start).count();
    std::printf(
        "summary: samples=%llu accepted=%llu sent=%llu failed=%llu refused=%llu connects=%llu lost=%llu "
        "state=%s seconds=%.2f\n",
        static_cast<unsigned long long>(samples), static_cast<unsigned long long>(st.accepted),
        static_cast<unsigned long long>(st.sent), static_cast<unsigned long long>(st.failed),
        static_cast<unsigned long long>(st.refused),
        static_cast<unsigned long long>(st.output.output_connection_up),
        static_cast<unsigned long long>(st.output.output_connection_lost), wsout::to_string(st.state), secs);
    std::fflush(stdout);
    if (close_ec)
        std::cerr << "wsout-telemetry-agent: close: " << close_ec.message() << "\n";
    if (st.failed != 0 || st.refused != 0 || st.sent != samples)
    {
        std::cerr << "wsout-telemetry-agent: not every sample was sent; last failure: "
                  << client.last_failure().message << "\n";
        return 1;
    }
    return 0;
}
