//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// wsout-cat: send each line of stdin (or a file) as one WebSocket message.
//
//   wsout-cat [--config FILE] [--url URL] [--input FILE] [--text]
//             [--no-confirm] [--print-config] [--schema] [--verbose]
//
// Exit status: 0 when every message was sent and the close handshake
// completed; 1 on a runtime failure; 2 on a usage or config error.

#include <wsout/config_schema.hpp>
#include <wsout/output.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int exit_ok = 0;
constexpr int exit_runtime = 1;
constexpr int exit_usage = 2;

char const* const usage_text =
    "usage: wsout-cat [--config FILE] [--url URL] [--input FILE] [--text]\n"
    "                 [--no-confirm] [--print-config] [--schema] [--verbose]\n"
    "\n"
    "Sends each line of standard input (or --input FILE), without its newline,\n"
    "as one WebSocket message, then closes the connection cleanly.\n"
    "\n"
    "  --config FILE   JSON config: the websocket object, {\"websocket\": ...} or a\n"
    "                  Benthos output section; ${VAR} / ${VAR:default} interpolated\n"
    "  --url URL       the server url (overrides the config's url)\n"
    "  --input FILE    read lines from FILE instead of standard input\n"
    "  --text          send text messages (default: binary)\n"
    "  --no-confirm    report a message sent once it is handed to the kernel, instead\n"
    "                  of once a ping sent after it came back (delivery.confirm: ping)\n"
    "  --print-config  print the effective config (secrets scrubbed) and exit\n"
    "  --schema        print the config's JSON Schema and exit\n"
    "  --verbose       log connects and reconnects to standard error\n"
    "\n"
    "Exit status: 0 all sent and closed cleanly, 1 runtime failure, 2 usage or config error.\n"
    "After a connection loss wsout-cat reconnects (config: backoff) and resends what the\n"
    "server did not confirm; set backoff.max_elapsed_time to give up after a while.\n";

struct options
{
    std::optional<std::string> config_file;
    std::optional<std::string> url;
    std::optional<std::string> input_file;
    bool text = false;
    bool no_confirm = false;
    bool print_config = false;
    bool schema = false;
    bool verbose = false;
};

struct usage_error
{
    std::string message;
};

options parse_args(int argc, char** argv)
{
    options o;
    auto value = [&](int& i, char const* flag) -> std::string {
        if (i + 1 >= argc)
            throw usage_error{std::string(flag) + " needs a value"};
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        if (a == "--config")
            o.config_file = value(i, "--config");
        else if (a == "--url")
            o.url = value(i, "--url");
        else if (a == "--input")
            o.input_file = value(i, "--input");
        else if (a == "--text")
            o.text = true;
        else if (a == "--no-confirm")
            o.no_confirm = true;
        else if (a == "--print-config")
            o.print_config = true;
        else if (a == "--schema")
            o.schema = true;
        else if (a == "--verbose")
            o.verbose = true;
        else if (a == "--help" || a == "-h")
        {
            std::cout << usage_text;
            std::exit(exit_ok);
        }
        else
            throw usage_error{"unknown argument '" + a + "'"};
    }
    return o;
}

wsout::config effective_config(options const& o)
{
    wsout::config cfg = o.config_file ? wsout::load_config_file(*o.config_file) : wsout::config{};
    if (o.url)
        cfg.url = *o.url;
    if (o.text)
        cfg.message_type = wsout::message_kind::text;
    // A tool that says "sent" should mean the server read it: ping-fenced
    // confirmation unless turned off (the library's own default is none).
    if (o.no_confirm)
        cfg.delivery.confirm = wsout::confirm_mode::none;
    else if (cfg.delivery.confirm == wsout::confirm_mode::none)
        cfg.delivery.confirm = wsout::confirm_mode::ping;
    wsout::validate(cfg);
    return cfg;
}

/// Reads lines in batches; a batch is sent as one write_batch.
class line_reader
{
public:
    explicit line_reader(std::istream& in)
        : in_(in)
    {}

    /// Up to `max_messages` lines or about `max_bytes`; empty at the end.
    std::vector<std::string> next_batch(std::size_t max_messages, std::size_t max_bytes)
    {
        std::vector<std::string> batch;
        std::size_t bytes = 0;
        std::string line;
        while (batch.size() < max_messages && bytes < max_bytes && std::getline(in_, line))
        {
            bytes += line.size();
            batch.push_back(std::move(line));
            line.clear();
        }
        return batch;
    }

private:
    std::istream& in_;
};

int run(options const& o, wsout::config cfg)
{
    std::ifstream file;
    if (o.input_file)
    {
        file.open(*o.input_file, std::ios::binary);
        if (!file)
        {
            std::cerr << "wsout-cat: cannot read --input " << *o.input_file << "\n";
            return exit_usage;
        }
    }
    std::istream& in = o.input_file ? static_cast<std::istream&>(file) : std::cin;

    boost::asio::io_context ioc;
    auto out = wsout::make_output(ioc, std::move(cfg));
    out.set_log_hook([verbose = o.verbose](wsout::log_level level, std::string_view msg) {
        if (verbose || level >= wsout::log_level::warn)
            std::cerr << "wsout-cat: " << wsout::to_string(level) << ": " << msg << "\n";
    });

    // The output runs on its own I/O thread; this thread reads input and
    // keeps a few batches in flight so reading and sending overlap.
    auto work = boost::asio::make_work_guard(ioc);
    std::thread io_thread([&] { ioc.run(); });
    auto stop_io = [&] {
        work.reset();
        ioc.stop();
        io_thread.join();
    };

    auto const start = std::chrono::steady_clock::now();
    std::uint64_t messages = 0, bytes = 0;
    wsout::error_code first_error;
    std::string first_error_text;

    try
    {
        out.async_connect(boost::asio::use_future).get();
    }
    catch (wsout::system_error const& e)
    {
        std::cerr << "wsout-cat: error: cannot connect: " << out.last_failure().message << "\n";
        stop_io();
        return exit_runtime;
    }

    line_reader reader(in);
    std::deque<std::future<void>> in_flight;
    auto settle_one = [&] {
        try
        {
            in_flight.front().get();
        }
        catch (wsout::system_error const& e)
        {
            if (!first_error)
            {
                first_error = e.code();
                first_error_text = out.last_failure().message;
                if (first_error_text.empty())
                    first_error_text = e.code().message();
            }
        }
        in_flight.pop_front();
    };
    for (;;)
    {
        auto batch = reader.next_batch(4096, 1 << 20);
        if (batch.empty())
            break;
        messages += batch.size();
        for (auto const& m : batch)
            bytes += m.size();
        in_flight.push_back(out.async_write_batch(std::move(batch), boost::asio::use_future));
        while (in_flight.size() > 4)
            settle_one();
    }
    while (!in_flight.empty())
        settle_one();

    wsout::error_code close_ec;
    out.close(close_ec);
    auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto const stats = out.stats();
    stop_io();

    std::fprintf(
        stderr, "wsout-cat: %llu messages, %llu bytes, %.3f s; sent %llu, failed %llu, reconnects %llu\n",
        static_cast<unsigned long long>(messages), static_cast<unsigned long long>(bytes), seconds,
        static_cast<unsigned long long>(stats.output_sent),
        static_cast<unsigned long long>(stats.output_error),
        static_cast<unsigned long long>(stats.output_connection_up > 0 ? stats.output_connection_up - 1 : 0));
    if (first_error)
    {
        std::cerr << "wsout-cat: error: " << stats.output_error
                  << " message(s) not sent: " << first_error_text << "\n";
        return exit_runtime;
    }
    if (close_ec)
    {
        std::cerr << "wsout-cat: error: closing failed: " << close_ec.message() << "\n";
        return exit_runtime;
    }
    return exit_ok;
}

} // namespace

int main(int argc, char** argv)
{
    // Nothing escapes main: every failure is a message and an exit code.
    try
    {
        options o;
        try
        {
            o = parse_args(argc, argv);
        }
        catch (usage_error const& e)
        {
            std::cerr << "wsout-cat: " << e.message << "\n" << usage_text;
            return exit_usage;
        }
        if (o.schema)
        {
            std::cout << wsout::config_schema().dump(2) << "\n";
            return exit_ok;
        }
        wsout::config cfg = effective_config(o);
        if (o.print_config)
        {
            std::cout << wsout::to_json(cfg, wsout::secrets::scrub).dump(2) << "\n";
            return exit_ok;
        }
        return run(o, std::move(cfg));
    }
    catch (wsout::config_error const& e)
    {
        std::cerr << "wsout-cat: config error: " << e.what() << "\n";
        return exit_usage;
    }
    catch (std::exception const& e)
    {
        std::cerr << "wsout-cat: error: " << e.what() << "\n";
        return exit_runtime;
    }
}
