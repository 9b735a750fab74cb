//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// wsout-pipeline: a C++20 coroutine pipeline. Source: lines of standard
// input. Transform: each line wrapped into a JSON object. Sink: a wsout
// output, written in batches with
//
//   co_await out.async_write_batch(std::move(batch), boost::asio::use_awaitable);
//
// Reading standard input blocks, so the source runs as a coroutine on a
// small thread pool (co_spawn'ed and awaited), and the pipeline coroutine
// on the io_context that runs the output never blocks.
//
//   wsout-pipeline [--config FILE] [--url URL] [--batch N]
//
// Exit status: 0 when every line was sent and the close completed, 1 on a
// runtime failure, 2 on a usage or config error. A summary on stderr.

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <wsout/output.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace net = boost::asio;

namespace {

struct options
{
    std::string config_file;
    std::string url;
    std::size_t batch = 64;
};

[[noreturn]] void usage(std::string const& problem)
{
    std::cerr << "wsout-pipeline: " << problem << "\n"
              << "usage: wsout-pipeline [--config FILE] [--url URL] [--batch N] < lines\n";
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
        if (a == "--config")
            o.config_file = value();
        else if (a == "--url")
            o.url = value();
        else if (a == "--batch")
        {
            try
            {
                long n = std::stol(value());
                if (n <= 0)
                    usage("--batch must be > 0");
                o.batch = static_cast<std::size_t>(n);
            }
            catch (std::logic_error const&)
            {
                usage("bad number for --batch");
            }
        }
        else
            usage("unknown argument '" + a + "'");
    }
    return o;
}

struct counters
{
    std::uint64_t lines = 0;
    std::uint64_t batches = 0;
};

/// Source: up to `n` lines of standard input (blocking; runs on the pool).
net::awaitable<std::vector<std::string>> read_lines(std::size_t n)
{
    std::vector<std::string> lines;
    std::string line;
    while (lines.size() < n && std::getline(std::cin, line))
        lines.push_back(std::move(line));
    co_return lines;
}

/// Transform: one JSON object per line, numbered.
std::string to_json_message(std::uint64_t number, std::string const& line)
{
    nlohmann::json j;
    j["n"] = number;
    j["line"] = line;
    // Binary input is kept readable rather than rejected.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The pipeline: source -> transform -> sink, one batch at a time.
net::awaitable<void>
pipeline(wsout::output& out, net::thread_pool& pool, std::size_t batch_size, counters& count)
{
    // Named variables around every co_await: g++ 12 miscompiles braced
    // temporaries inside co_await expressions.
    auto connecting = out.async_connect(net::use_awaitable);
    co_await std::move(connecting);
    for (;;)
    {
        auto reader = read_lines(batch_size);
        auto read_on_pool = net::co_spawn(pool, std::move(reader), net::use_awaitable);
        std::vector<std::string> lines = co_await std::move(read_on_pool);
        if (lines.empty())
            break;
        std::vector<std::string> batch;
        batch.reserve(lines.size());
        for (auto const& line : lines)
            batch.push_back(to_json_message(count.lines++, line));
        co_await out.async_write_batch(std::move(batch), net::use_awaitable);
        ++count.batches;
    }
    co_await out.async_close(net::use_awaitable);
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
        cfg.message_type = wsout::message_kind::text;
        wsout::validate(cfg);
    }
    catch (wsout::config_error const& e)
    {
        std::cerr << "wsout-pipeline: " << e.what() << "\n";
        return 2;
    }

    net::io_context ioc;
    net::thread_pool pool(1);
    auto out = wsout::make_output(ioc, cfg);
    out.set_log_hook([](wsout::log_level level, std::string_view msg) {
        if (level >= wsout::log_level::warn)
            std::cerr << "wsout-pipeline: " << wsout::to_string(level) << ": " << msg << "\n";
    });

    counters count;
    std::exception_ptr failure;
    auto const start = std::chrono::steady_clock::now();
    net::co_spawn(ioc, pipeline(out, pool, o.batch, count), [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    pool.join();
    double const secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    auto const st = out.stats();
    std::fprintf(stderr, "wsout-pipeline: %llu lines in %llu batches, sent %llu, failed %llu, %.3f s\n",
                 static_cast<unsigned long long>(count.lines), static_cast<unsigned long long>(count.batches),
                 static_cast<unsigned long long>(st.output_sent),
                 static_cast<unsigned long long>(st.output_error), secs);
    if (failure)
    {
        try
        {
            std::rethrow_exception(failure);
        }
        catch (std::exception const& e)
        {
            auto f = out.last_failure();
            std::cerr << "wsout-pipeline: error: " << (f.message.empty() ? e.what() : f.message) << "\n";
        }
        return 1;
    }
    return 0;
}
