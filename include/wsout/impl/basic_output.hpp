//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_BASIC_OUTPUT_HPP
#define WSOUT_IMPL_BASIC_OUTPUT_HPP

#include <wsout/detail/blocking.hpp>

#include <type_traits>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace detail {

inline message_ref as_message(std::string_view s) noexcept
{
    return {reinterpret_cast<unsigned char const*>(s.data()), s.size()};
}

inline message_ref as_message(boost::asio::const_buffer b) noexcept
{
    return {static_cast<unsigned char const*>(b.data()), b.size()};
}

// What the member templates (instantiated in the user's code) call. Header-only:
// the engine's own type (final, so calls are direct and may be inlined).
// Separate compilation: its output_core base, so the user's code calls
// virtual functions and does not instantiate the engine, which
// <wsout/src.hpp> compiled once for the common outputs.
template<class Core>
using engine_t = std::conditional_t<WSOUT_HEADER_ONLY, Core, output_core>;

template<class Impl>
struct initiate_write
{
    std::shared_ptr<Impl> impl;

    // The entry travels by value: with deferred tokens (use_awaitable) the
    // initiation runs after the initiating function has returned.
    template<class Handler>
    void operator()(Handler&& handler, write_entry entry) const
    {
        entry.done = completion(std::forward<Handler>(handler), impl->get_executor());
        impl->start_write(std::move(entry), false);
    }
};

} // namespace detail

template<class Core>
basic_output<Core>::basic_output(std::shared_ptr<Core> core) noexcept
    : impl_(std::move(core))
{}

template<class Core>
basic_output<Core>::~basic_output()
{
    if (impl_)
        impl_->abandon();
}

template<class Core>
basic_output<Core>& basic_output<Core>::operator=(basic_output&& other) noexcept
{
    if (this != &other)
    {
        if (impl_)
            impl_->abandon();
        impl_ = std::move(other.impl_);
    }
    return *this;
}

template<class Core>
auto basic_output<Core>::get_executor() const noexcept -> executor_type
{
    return impl_->get_executor();
}

template<class Core>
config const& basic_output<Core>::get_config() const noexcept
{
    return impl_->get_config();
}

template<class Core>
void basic_output<Core>::set_log_hook(log_hook hook)
{
    impl_->set_log_hook(std::move(hook));
}

template<class Core>
void basic_output<Core>::throw_failure(error_code ec, char const* what) const
{
    auto f = impl_->last_failure();
    std::string msg = std::string("wsout: ") + what;
    if (f.code == ec && !f.message.empty())
        msg += ": " + f.message;
    else
        msg += " failed";
    // system_error appends ": " + ec.message() itself.
    throw system_error(ec, msg);
}

//----------------------------------------------------------------------

template<class Core>
template<class CompletionToken>
auto basic_output<Core>::async_connect(CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [impl = std::shared_ptr<detail::engine_t<Core>>(impl_)](auto&& handler) {
            impl->start_connect(
                detail::completion(std::forward<decltype(handler)>(handler), impl->get_executor()));
        },
        token);
}

template<class Core>
void basic_output<Core>::connect(error_code& ec)
{
    ec = detail::run_blocking(impl_->get_executor(),
                              [&](detail::blocking_handler h) { async_connect(std::move(h)); });
}

template<class Core>
void basic_output<Core>::connect()
{
    error_code ec;
    connect(ec);
    if (ec)
        throw_failure(ec, "connect");
}

//----------------------------------------------------------------------

template<class Core>
template<class CompletionToken>
auto basic_output<Core>::async_write(boost::asio::const_buffer message, CompletionToken&& token)
{
    detail::write_entry entry;
    entry.single = detail::as_message(message);
    entry.bytes = message.size();
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_write<detail::engine_t<Core>>{impl_}, token, std::move(entry));
}

template<class Core>
template<class CompletionToken>
auto basic_output<Core>::async_write(std::string message, CompletionToken&& token)
{
    detail::write_entry entry;
    entry.owned = std::move(message);
    entry.single_is_owned = true;
    entry.bytes = entry.owned.size();
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_write<detail::engine_t<Core>>{impl_}, token, std::move(entry));
}

template<class Core>
void basic_output<Core>::write(std::string_view message, error_code& ec)
{
    if (detail::running_in_this_thread(impl_->get_executor()))
    {
        ec = make_error_code(boost::system::errc::resource_deadlock_would_occur);
        return;
    }
    // An idle output writes from this thread: one syscall, like Beast's
    // sync write; otherwise the message queues behind the others.
    if (impl_->write_direct(detail::as_message(message), ec) == detail::output_core::direct_outcome::done)
        return;
    ec = detail::run_blocking(impl_->get_executor(), [&](detail::blocking_handler h) {
        async_write(boost::asio::const_buffer(message.data(), message.size()), std::move(h));
    });
}

template<class Core>
void basic_output<Core>::write(std::string_view message)
{
    error_code ec;
    write(message, ec);
    if (ec)
        throw_failure(ec, "write");
}

template<class Core>
bool basic_output<Core>::try_write(std::string message, error_code& ec)
{
    // The outcome of an accepted message is reported through stats() and
    // the log hook; nobody waits for it.
    return try_write(std::move(message), ec, [](error_code) {});
}

template<class Core>
template<class Handler>
bool basic_output<Core>::try_write(std::string message, error_code& ec, Handler&& handler)
{
    static_assert(std::is_invocable<std::decay_t<Handler>&&, error_code>::value,
                  "wsout: try_write's handler must be callable as void(wsout::error_code)");
    detail::write_entry entry;
    entry.owned = std::move(message);
    entry.single_is_owned = true;
    entry.bytes = entry.owned.size();
    entry.done = detail::completion(std::forward<Handler>(handler), impl_->get_executor());
    ec = {};
    // A refused entry comes back untouched: its completion is destroyed
    // without running, and the refusal is this call's result.
    return impl_->start_write(std::move(entry), true, &ec);
}

//----------------------------------------------------------------------

template<class Core>
template<class Range>
detail::write_entry basic_output<Core>::make_batch_entry(Range const& messages)
{
    detail::write_entry entry;
    entry.is_batch = true;
    for (auto const& m : messages)
    {
        std::string_view sv(m);
        entry.batch.push_back(detail::as_message(sv));
        entry.bytes += sv.size();
    }
    return entry;
}

template<class Core>
template<class Range>
void basic_output<Core>::write_batch(Range const& messages, error_code& ec)
{
    ec = detail::run_blocking(impl_->get_executor(), [&](detail::blocking_handler h) {
        auto entry = make_batch_entry(messages);
        entry.done = detail::completion(std::move(h), impl_->get_executor());
        static_cast<detail::engine_t<Core>&>(*impl_).start_write(std::move(entry), false);
    });
}

template<class Core>
template<class Range>
void basic_output<Core>::write_batch(Range const& messages)
{
    error_code ec;
    write_batch(messages, ec);
    if (ec)
        throw_failure(ec, "write_batch");
}

template<class Core>
template<class CompletionToken>
auto basic_output<Core>::async_write_batch(std::vector<std::string> messages, CompletionToken&& token)
{
    detail::write_entry entry;
    entry.is_batch = true;
    entry.owned_batch = std::move(messages);
    // Views into the strings stay valid when the vector moves: its
    // elements do not move with it.
    entry.batch.reserve(entry.owned_batch.size());
    for (auto const& s : entry.owned_batch)
    {
        entry.batch.push_back(detail::as_message(s));
        entry.bytes += s.size();
    }
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_write<detail::engine_t<Core>>{impl_}, token, std::move(entry));
}

template<class Core>
template<class CompletionToken>
auto basic_output<Core>::async_write_batch(std::vector<boost::asio::const_buffer> const& messages,
                                           CompletionToken&& token)
{
    detail::write_entry entry;
    entry.is_batch = true;
    entry.batch.reserve(messages.size());
    for (auto const& b : messages)
    {
        entry.batch.push_back(detail::as_message(b));
        entry.bytes += b.size();
    }
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_write<detail::engine_t<Core>>{impl_}, token, std::move(entry));
}

//----------------------------------------------------------------------

template<class Core>
template<class CompletionToken>
auto basic_output<Core>::async_close(CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [impl = std::shared_ptr<detail::engine_t<Core>>(impl_)](auto&& handler) {
            impl->start_close(
                detail::completion(std::forward<decltype(handler)>(handler), impl->get_executor()));
        },
        token);
}

template<class Core>
void basic_output<Core>::close(error_code& ec)
{
    ec = detail::run_blocking(impl_->get_executor(),
                              [&](detail::blocking_handler h) { async_close(std::move(h)); });
}

template<class Core>
void basic_output<Core>::close()
{
    error_code ec;
    close(ec);
    if (ec)
        throw_failure(ec, "close");
}

template<class Core>
output_stats basic_output<Core>::stats() const
{
    return impl_->stats();
}

template<class Core>
failure_info basic_output<Core>::last_failure() const
{
    return impl_->last_failure();
}

} // namespace v1
} // namespace wsout

#endif
