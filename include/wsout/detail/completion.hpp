//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_COMPLETION_HPP
#define WSOUT_DETAIL_COMPLETION_HPP

#include <wsout/error.hpp>

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace detail {

/** A type-erased, move-only completion handler `void(error_code)`.

    Owns the handler and a work guard on its associated executor, so the
    handler's execution context stays alive while the operation is pending.
    `complete` posts the handler to its associated executor (never runs it
    inline: the output completes from its own strand, and callers expect
    Asio's "as if by post" guarantee).
*/
class completion
{
public:
    completion() = default;

    template<class Handler, class IoExecutor>
    completion(Handler&& h, IoExecutor const& io_ex)
        : p_(new model<std::decay_t<Handler>, IoExecutor>(std::forward<Handler>(h), io_ex))
    {}

    completion(completion&& other) noexcept
        : p_(std::exchange(other.p_, nullptr))
    {}

    completion& operator=(completion&& other) noexcept
    {
        if (this != &other)
        {
            reset();
            p_ = std::exchange(other.p_, nullptr);
        }
        return *this;
    }

    completion(completion const&) = delete;
    completion& operator=(completion const&) = delete;

    ~completion() { reset(); }

    explicit operator bool() const noexcept { return p_ != nullptr; }

    /// Schedule the handler with `ec`; the completion becomes empty.
    void complete(error_code ec)
    {
        if (auto* p = std::exchange(p_, nullptr))
            p->complete(ec);
    }

private:
    struct base
    {
        virtual void complete(error_code ec) = 0; // deletes this
        virtual void destroy() noexcept = 0;

    protected:
        ~base() = default;
    };

    // Deleted only as itself (`delete this`); final, so its public
    // non-virtual destructor is right. clang-tidy 14 flags final classes too.
    template<class Handler, class IoExecutor>
    struct model final : base // NOLINT(cppcoreguidelines-virtual-class-destructor)
    {
        using executor_type = boost::asio::associated_executor_t<Handler, IoExecutor>;

        model(Handler&& h, IoExecutor const& io_ex)
            : handler(std::move(h))
            , work(boost::asio::get_associated_executor(handler, io_ex))
        {}
        model(Handler const& h, IoExecutor const& io_ex)
            : handler(h)
            , work(boost::asio::get_associated_executor(handler, io_ex))
        {}

        void complete(error_code ec) override
        {
            // Move everything out before freeing, then post.
            Handler h(std::move(handler));
            auto ex = work.get_executor();
            work.reset();
            delete this;
            boost::asio::post(ex, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
        }

        void destroy() noexcept override { delete this; }

        Handler handler;
        boost::asio::executor_work_guard<executor_type> work;
    };

    void reset() noexcept
    {
        if (auto* p = std::exchange(p_, nullptr))
            p->destroy();
    }

    base* p_ = nullptr;
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
