//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_LOCKED_EXECUTOR_HPP
#define WSOUT_DETAIL_LOCKED_EXECUTOR_HPP

// An executor that runs every function it is given while holding a mutex.
//
// The output's strand runs on it, so everything the strand runs (its own
// handlers, and the intermediate steps of Asio's composed operations,
// among them the TLS engine's reads and writes) holds the output's engine
// lock. A thread outside the strand that takes the same lock may then use
// the TLS engine itself: that is how a blocking write on a wss:// output
// encrypts and sends in the calling thread, as a Beast sync write does,
// without a trip through the strand. A strand runs its queued handlers in
// one call on its inner executor, so the lock is taken once per batch.
//
// The mutex is shared, not borrowed: the last handler a strand runs may
// destroy the object that owns the executor, and the lock must still be
// released after it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace detail {

class locked_executor
{
public:
    using inner_type = boost::asio::any_io_executor;

    /// With a null `mutex` nothing is locked: the inner executor's behaviour.
    locked_executor(inner_type inner, std::shared_ptr<std::recursive_mutex> mutex) noexcept
        : inner_(std::move(inner))
        , mutex_(std::move(mutex))
    {}

    inner_type const& get_inner_executor() const noexcept { return inner_; }

    template<class Function>
    void execute(Function&& f) const
    {
        if (!mutex_)
            return boost::asio::execution::execute(inner_, std::forward<Function>(f));
        boost::asio::execution::execute(
            inner_, locked_call<std::decay_t<Function>>{mutex_, std::forward<Function>(f)});
    }

    template<class Property>
    auto query(Property const& p) const
        noexcept(noexcept(boost::asio::query(std::declval<inner_type const&>(), p)))
            -> decltype(boost::asio::query(std::declval<inner_type const&>(), p))
    {
        return boost::asio::query(inner_, p);
    }

    template<class Property,
             class = decltype(boost::asio::require(std::declval<inner_type const&>(),
                                                   std::declval<Property const&>()))>
    locked_executor require(Property const& p) const
    {
        return locked_executor(boost::asio::require(inner_, p), mutex_);
    }

    template<class Property,
             class = decltype(boost::asio::prefer(std::declval<inner_type const&>(),
                                                  std::declval<Property const&>()))>
    locked_executor prefer(Property const& p) const
    {
        return locked_executor(boost::asio::prefer(inner_, p), mutex_);
    }

    friend bool operator==(locked_executor const& a, locked_executor const& b) noexcept
    {
        return a.mutex_.get() == b.mutex_.get() && a.inner_ == b.inner_;
    }
    friend bool operator!=(locked_executor const& a, locked_executor const& b) noexcept { return !(a == b); }

private:
    template<class Function>
    struct locked_call
    {
        std::shared_ptr<std::recursive_mutex> mutex; // outlives f(), which may free its owner
        Function f;

        void operator()()
        {
            std::lock_guard<std::recursive_mutex> lock(*mutex);
            f();
        }
    };

    inner_type inner_;
    std::shared_ptr<std::recursive_mutex> mutex_;
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
