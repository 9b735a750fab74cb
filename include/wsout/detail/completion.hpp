//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_COMPLETION_HPP
#define WSOUT_DETAIL_COMPLETION_HPP

#include <wsout/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace detail {

/** A type-erased, move-only completion handler `void(error_code)`.

    Small handlers whose associated executor is the output's own live
    inside the object (no allocation per message; the output keeps the
    executor's work count while it has messages in flight). Other handlers
    are allocated with their associated allocator and keep a work guard on
    their executor themselves.

    `complete` posts the handler to its associated executor (never inline:
    the output completes from its own strand and callers expect Asio's "as
    if by post" guarantee). `invoke_or_post` runs a handler whose executor
    is the output's at once: only for code already running in a function
    posted to that executor (see completion_batch).
*/
class completion
{
public:
    /// Handlers up to this size (with the executor) are stored inline: a
    /// lambda with a few captures, use_awaitable's handler.
    static constexpr std::size_t inline_size = 128;

    completion() = default;

    template<class Handler>
    completion(Handler&& h, boost::asio::any_io_executor const& io_ex)
    {
        using handler_type = std::decay_t<Handler>;
        auto ex = boost::asio::get_associated_executor(h, io_ex);
        if constexpr (std::is_same_v<decltype(ex), boost::asio::any_io_executor> &&
                      fits_inline<handler_type>())
        {
            if (ex == io_ex)
            {
                p_ = ::new (static_cast<void*>(&storage_))
                    same_model<handler_type>(std::forward<Handler>(h), io_ex);
                return;
            }
        }
        p_ = other_model<handler_type, decltype(ex)>::make(std::forward<Handler>(h), std::move(ex));
    }

    completion(completion&& other) noexcept { take(other); }

    completion& operator=(completion&& other) noexcept
    {
        if (this != &other)
        {
            reset();
            take(other);
        }
        return *this;
    }

    completion(completion const&) = delete;
    completion& operator=(completion const&) = delete;

    ~completion() { reset(); }

    explicit operator bool() const noexcept { return p_ != nullptr; }

    /// Schedule the handler with `ec` on its executor; the completion
    /// becomes empty.
    void complete(error_code ec)
    {
        if (auto* p = std::exchange(p_, nullptr))
            p->post(ec);
    }

    /// Run the handler now when it runs on the output's executor (the
    /// caller is a function posted there), post it otherwise. Empty after.
    void invoke_or_post(error_code ec)
    {
        if (auto* p = std::exchange(p_, nullptr))
            p->invoke_or_post(ec);
    }

private:
    struct base
    {
        // Each of these destroys the model (and frees it if allocated).
        virtual void post(error_code ec) = 0;
        virtual void invoke_or_post(error_code ec) = 0;
        virtual void destroy() noexcept = 0;
        // Inline models only: move into `dst` and destroy the source.
        virtual base* relocate(void* dst) noexcept = 0;
        virtual bool is_inline() const noexcept = 0;

    protected:
        ~base() = default;
    };

    // Destroyed only as itself; final, so its public non-virtual
    // destructor is right. clang-tidy 14 flags final classes too.
    template<class Handler>
    struct same_model final : base // NOLINT(cppcoreguidelines-virtual-class-destructor)
    {
        template<class H>
        same_model(H&& h, boost::asio::any_io_executor const& ex)
            : handler(std::forward<H>(h))
            , executor(ex)
        {}

        void post(error_code ec) override
        {
            Handler h(std::move(handler));
            auto ex = std::move(executor);
            this->~same_model();
            boost::asio::post(ex, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
        }

        void invoke_or_post(error_code ec) override
        {
            Handler h(std::move(handler));
            this->~same_model();
            std::move(h)(ec);
        }

        void destroy() noexcept override { this->~same_model(); }

        base* relocate(void* dst) noexcept override
        {
            auto* moved = ::new (dst) same_model(std::move(handler), std::move(executor));
            this->~same_model();
            return moved;
        }

        bool is_inline() const noexcept override { return true; }

        Handler handler;
        boost::asio::any_io_executor executor;
    };

    template<class Handler, class Executor>
    struct other_model final : base // NOLINT(cppcoreguidelines-virtual-class-destructor)
    {
        using allocator_type = typename std::allocator_traits<
            boost::asio::associated_allocator_t<Handler>>::template rebind_alloc<other_model>;

        template<class H>
        static other_model* make(H&& h, Executor ex)
        {
            allocator_type alloc(boost::asio::get_associated_allocator(h));
            auto* mem = std::allocator_traits<allocator_type>::allocate(alloc, 1);
            try
            {
                return ::new (static_cast<void*>(mem)) other_model(std::forward<H>(h), std::move(ex));
            }
            catch (...)
            {
                std::allocator_traits<allocator_type>::deallocate(alloc, mem, 1);
                throw;
            }
        }

        template<class H>
        other_model(H&& h, Executor ex)
            : handler(std::forward<H>(h))
            , work(std::move(ex))
        {}

        void free_self() noexcept
        {
            allocator_type alloc(boost::asio::get_associated_allocator(handler));
            this->~other_model();
            std::allocator_traits<allocator_type>::deallocate(alloc, this, 1);
        }

        void post(error_code ec) override
        {
            // Move everything out before freeing, then post.
            Handler h(std::move(handler));
            auto ex = work.get_executor();
            work.reset();
            free_self();
            boost::asio::post(ex, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
        }

        void invoke_or_post(error_code ec) override { post(ec); }

        void destroy() noexcept override { free_self(); }

        base* relocate(void*) noexcept override { return this; }

        bool is_inline() const noexcept override { return false; }

        Handler handler;
        boost::asio::executor_work_guard<Executor> work;
    };

    template<class Handler>
    static constexpr bool fits_inline() noexcept
    {
        return sizeof(same_model<Handler>) <= inline_size &&
               alignof(same_model<Handler>) <= alignof(std::max_align_t) &&
               std::is_nothrow_move_constructible_v<Handler>;
    }

    void take(completion& other) noexcept
    {
        base* p = std::exchange(other.p_, nullptr);
        if (p && p->is_inline())
            p = p->relocate(static_cast<void*>(&storage_));
        p_ = p;
    }

    void reset() noexcept
    {
        if (auto* p = std::exchange(p_, nullptr))
            p->destroy();
    }

    base* p_ = nullptr;
    std::aligned_storage_t<inline_size, alignof(std::max_align_t)> storage_;
};

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
