//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_BLOCKING_HPP
#define WSOUT_DETAIL_BLOCKING_HPP

// The synchronous overloads run the asynchronous operation and wait for it.
// With an io_context that nobody else runs (the common "sync client" case)
// the waiting thread runs the io_context itself, as a Beast sync call would
// just block in the kernel; with any other executor, its own threads do the
// work and the caller waits.

#include <wsout/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <typeinfo>

namespace wsout {
inline namespace v1 {
namespace detail {

/// The executor `ex` holds, if it is a `T`; null otherwise. Boost 1.74's
/// `any_executor::target` casts to whatever is asked without checking the
/// type (later versions check it), so the type is compared here.
template<class T>
T const* target_of(boost::asio::any_io_executor const& ex) noexcept
{
#if !defined(BOOST_ASIO_NO_TYPEID)
    if (!ex || ex.target_type() != typeid(T))
        return nullptr;
    return ex.target<T>();
#else
    (void)ex;
    return nullptr; // without RTTI: treated as an executor of unknown kind
#endif
}

inline boost::asio::io_context* find_io_context(boost::asio::any_io_executor const& ex) noexcept
{
    using ioc_ex = boost::asio::io_context::executor_type;
    if (auto const* e = target_of<ioc_ex>(ex))
        return &e->context();
    if (auto const* s = target_of<boost::asio::strand<ioc_ex>>(ex))
        return &s->get_inner_executor().context();
    return nullptr;
}

inline bool running_in_this_thread(boost::asio::any_io_executor const& ex) noexcept
{
    using ioc_ex = boost::asio::io_context::executor_type;
    if (auto const* e = target_of<ioc_ex>(ex))
        return e->running_in_this_thread();
    if (auto const* s = target_of<boost::asio::strand<ioc_ex>>(ex))
        return s->running_in_this_thread() || s->get_inner_executor().running_in_this_thread();
    if (auto const* s = target_of<boost::asio::strand<boost::asio::any_io_executor>>(ex))
        return s->running_in_this_thread();
    if (auto const* p = target_of<boost::asio::thread_pool::executor_type>(ex))
        return p->running_in_this_thread();
    return false;
}

struct blocking_state
{
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    error_code ec;
};

/// The handler the blocking wait hands to the async operation.
struct blocking_handler
{
    std::shared_ptr<blocking_state> state;

    void operator()(error_code ec) const
    {
        std::lock_guard<std::mutex> lock(state->mutex);
        state->ec = ec;
        state->done = true;
        state->cv.notify_all();
    }
};

/** Start `initiate(blocking_handler)` and wait for its completion.

    @return The operation's error, or `resource_deadlock_would_occur` when
    called from a thread that runs the output's own executor (waiting there
    could never end).
*/
template<class Initiate>
error_code run_blocking(boost::asio::any_io_executor const& ex, Initiate&& initiate)
{
    if (running_in_this_thread(ex))
        return make_error_code(boost::system::errc::resource_deadlock_would_occur);
    auto state = std::make_shared<blocking_state>();
    initiate(blocking_handler{state});
    auto is_done = [&] {
        std::lock_guard<std::mutex> lock(state->mutex);
        return state->done;
    };
    if (auto* ioc = find_io_context(ex))
    {
        // Drive the io_context from here. Another thread may run it too
        // and take our completion, so run in short slices and re-check.
        while (!is_done())
        {
            if (ioc->stopped())
                ioc->restart();
            ioc->run_one_for(std::chrono::milliseconds(20));
        }
    }
    else
    {
        std::unique_lock<std::mutex> lock(state->mutex);
        state->cv.wait(lock, [&] { return state->done; });
    }
    std::lock_guard<std::mutex> lock(state->mutex);
    return state->ec;
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
