//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_WEBSOCKET_OUTPUT_HPP
#define WSOUT_IMPL_WEBSOCKET_OUTPUT_HPP

#include <wsout/detail/blocking.hpp>
#include <wsout/detail/output_impl.hpp>
#include <wsout/url.hpp>

#include <cstring>

namespace wsout {
inline namespace v1 {
namespace detail {

/// Parse the url and check it against the transport's scheme.
template<class Transport>
url checked_server_url(config const& cfg)
{
    url server = [&] {
        try
        {
            return parse_url(cfg.url, "ws,wss");
        }
        catch (config_error const& e)
        {
            throw config_error("/url", e.problem());
        }
    }();
    char const* scheme = Transport::scheme;
    if (scheme != nullptr && server.scheme != scheme)
    {
        throw config_error("/url",
                           std::string("this output's transport serves ") + scheme + ":// urls, but the url is " +
                               server.scheme + "://" +
                               (server.scheme == "wss" ? " (use wsout::tls_output, or wsout::make_output to choose "
                                                         "from the url at run time)"
                                                       : " (use wsout::plain_output, or wsout::make_output to choose "
                                                         "from the url at run time)"));
    }
    return server;
}

inline std::optional<url> configured_proxy(config const& cfg)
{
    if (cfg.proxy_url.empty())
        return std::nullopt;
    try
    {
        return parse_url(cfg.proxy_url, "http");
    }
    catch (config_error const& e)
    {
        throw config_error("/proxy_url", e.problem());
    }
}

inline message_ref as_message(std::string_view s) noexcept
{
    return {reinterpret_cast<unsigned char const*>(s.data()), s.size()};
}

inline message_ref as_message(boost::asio::const_buffer b) noexcept
{
    return {static_cast<unsigned char const*>(b.data()), b.size()};
}

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
        impl->start_write(std::move(entry));
    }
};

} // namespace detail

template<class Transport, class Auth>
websocket_output<Transport, Auth>::websocket_output(executor_type ex, config cfg)
    : websocket_output(ex, cfg, Transport(cfg), Auth(cfg))
{
}

template<class Transport, class Auth>
websocket_output<Transport, Auth>::websocket_output(boost::asio::io_context& ioc, config cfg)
    : websocket_output(executor_type(ioc.get_executor()), std::move(cfg))
{
}

template<class Transport, class Auth>
websocket_output<Transport, Auth>::websocket_output(executor_type ex, config cfg, Transport transport, Auth auth)
{
    validate(cfg);
    url server = detail::checked_server_url<Transport>(cfg);
    auto proxy = detail::configured_proxy(cfg);
    impl_ = std::make_shared<impl_type>(std::move(ex), std::move(cfg), std::move(server), std::move(proxy),
                                        std::move(transport), std::move(auth));
}

template<class Transport, class Auth>
websocket_output<Transport, Auth>::~websocket_output()
{
    if (impl_)
        impl_->abandon();
}

template<class Transport, class Auth>
auto websocket_output<Transport, Auth>::get_executor() const noexcept -> executor_type
{
    return impl_->get_executor();
}

template<class Transport, class Auth>
config const& websocket_output<Transport, Auth>::get_config() const noexcept
{
    return impl_->get_config();
}

template<class Transport, class Auth>
Transport& websocket_output<Transport, Auth>::transport() noexcept
{
    return impl_->transport();
}

template<class Transport, class Auth>
Auth& websocket_output<Transport, Auth>::auth() noexcept
{
    return impl_->auth();
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::set_log_hook(log_hook hook)
{
    impl_->set_log_hook(std::move(hook));
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::throw_failure(error_code ec, char const* what) const
{
    auto f = impl_->last_failure();
    std::string msg = std::string("wsout: ") + what;
    if (f.code == ec && !f.message.empty())
        msg += ": " + f.message;
    else
        msg += " failed";
    // system_error appends ": " + ec.message() itself.
    if (f.code == ec && !f.message.empty())
        throw system_error(ec, msg.substr(0, msg.size()));
    throw system_error(ec, msg);
}

//----------------------------------------------------------------------

template<class Transport, class Auth>
template<class CompletionToken>
auto websocket_output<Transport, Auth>::async_connect(CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [impl = impl_](auto&& handler) {
            impl->start_connect(detail::completion(std::forward<decltype(handler)>(handler), impl->get_executor()));
        },
        token);
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::connect(error_code& ec)
{
    ec = detail::run_blocking(impl_->get_executor(), [&](detail::blocking_handler h) { async_connect(std::move(h)); });
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::connect()
{
    error_code ec;
    connect(ec);
    if (ec)
        throw_failure(ec, "connect");
}

//----------------------------------------------------------------------

template<class Transport, class Auth>
template<class CompletionToken>
auto websocket_output<Transport, Auth>::async_write(boost::asio::const_buffer message, CompletionToken&& token)
{
    detail::write_entry entry;
    entry.single = detail::as_message(message);
    entry.bytes = message.size();
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_write<impl_type>{impl_}, token, std::move(entry));
}

template<class Transport, class Auth>
template<class CompletionToken>
auto websocket_output<Transport, Auth>::async_write(std::string message, CompletionToken&& token)
{
    detail::write_entry entry;
    entry.owned = std::move(message);
    entry.single_is_owned = true;
    entry.bytes = entry.owned.size();
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        detail::initiate_write<impl_type>{impl_}, token, std::move(entry));
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::write(std::string_view message, error_code& ec)
{
    ec = detail::run_blocking(impl_->get_executor(), [&](detail::blocking_handler h) {
        async_write(boost::asio::const_buffer(message.data(), message.size()), std::move(h));
    });
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::write(std::string_view message)
{
    error_code ec;
    write(message, ec);
    if (ec)
        throw_failure(ec, "write");
}

template<class Transport, class Auth>
bool websocket_output<Transport, Auth>::try_write(std::string message, error_code& ec)
{
    detail::write_entry entry;
    entry.owned = std::move(message);
    entry.single_is_owned = true;
    entry.bytes = entry.owned.size();
    // The outcome of an accepted try_write is reported through stats()
    // and the log hook; nobody waits for it.
    entry.done = detail::completion([](error_code) {}, impl_->get_executor());
    ec = {};
    if (!impl_->start_write(std::move(entry), true))
    {
        ec = error::would_block;
        return false;
    }
    return true;
}

//----------------------------------------------------------------------

template<class Transport, class Auth>
template<class Range>
detail::write_entry websocket_output<Transport, Auth>::make_batch_entry(Range const& messages)
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

template<class Transport, class Auth>
template<class Range>
void websocket_output<Transport, Auth>::write_batch(Range const& messages, error_code& ec)
{
    ec = detail::run_blocking(impl_->get_executor(), [&](detail::blocking_handler h) {
        auto entry = make_batch_entry(messages);
        entry.done = detail::completion(std::move(h), impl_->get_executor());
        impl_->start_write(std::move(entry));
    });
}

template<class Transport, class Auth>
template<class Range>
void websocket_output<Transport, Auth>::write_batch(Range const& messages)
{
    error_code ec;
    write_batch(messages, ec);
    if (ec)
        throw_failure(ec, "write_batch");
}

template<class Transport, class Auth>
template<class CompletionToken>
auto websocket_output<Transport, Auth>::async_write_batch(std::vector<std::string> messages, CompletionToken&& token)
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
        detail::initiate_write<impl_type>{impl_}, token, std::move(entry));
}

template<class Transport, class Auth>
template<class CompletionToken>
auto websocket_output<Transport, Auth>::async_write_batch(std::vector<boost::asio::const_buffer> messages,
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
        detail::initiate_write<impl_type>{impl_}, token, std::move(entry));
}

//----------------------------------------------------------------------

template<class Transport, class Auth>
template<class CompletionToken>
auto websocket_output<Transport, Auth>::async_close(CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(error_code)>(
        [impl = impl_](auto&& handler) {
            impl->start_close(detail::completion(std::forward<decltype(handler)>(handler), impl->get_executor()));
        },
        token);
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::close(error_code& ec)
{
    ec = detail::run_blocking(impl_->get_executor(), [&](detail::blocking_handler h) { async_close(std::move(h)); });
}

template<class Transport, class Auth>
void websocket_output<Transport, Auth>::close()
{
    error_code ec;
    close(ec);
    if (ec)
        throw_failure(ec, "close");
}

template<class Transport, class Auth>
output_stats websocket_output<Transport, Auth>::stats() const
{
    return impl_->stats();
}

template<class Transport, class Auth>
failure_info websocket_output<Transport, Auth>::last_failure() const
{
    return impl_->last_failure();
}

} // namespace v1
} // namespace wsout

#endif
