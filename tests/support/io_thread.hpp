//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TEST_SUPPORT_IO_THREAD_HPP
#define WSOUT_TEST_SUPPORT_IO_THREAD_HPP

// Small helpers shared by the integration tests.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace wsout_test {

/// Runs an io_context on a thread for the lifetime of the object.
struct io_thread
{
    boost::asio::io_context ioc;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{ioc.get_executor()};
    std::thread thread{[this] { ioc.run(); }};

    io_thread() = default;
    io_thread(io_thread const&) = delete;
    io_thread& operator=(io_thread const&) = delete;
    io_thread(io_thread&&) = delete;
    io_thread& operator=(io_thread&&) = delete;

    ~io_thread()
    {
        work.reset();
        ioc.stop();
        thread.join();
    }
};

/// Polls `pred` every 5 ms until it holds or `timeout` passes; false on timeout.
template<class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout)
{
    auto const deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred())
    {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

inline bool contains(std::string const& s, std::string const& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace wsout_test

#endif
