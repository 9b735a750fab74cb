//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_IMPL_TLS_HPP
#define WSOUT_TRANSPORT_IMPL_TLS_HPP

#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>

#include <openssl/ssl.h>

namespace wsout {
inline namespace v1 {
namespace transport {
namespace detail {

// Sets SNI and the name or address the certificate must match on a fresh
// SSL object (defined in tls.ipp).
WSOUT_DECL error_code tls_prepare(SSL* ssl, std::string const& name, bool verify);

// A peer closing TCP without close_notify after our close_notify.
WSOUT_DECL bool tls_is_truncation(error_code const& ec) noexcept;

class tls_connect_op : public boost::asio::coroutine
{
public:
    tls_connect_op(tls::stream_type& stream,
                   connect_request const& req,
                   connect_step* step,
                   std::string name,
                   bool verify)
        : stream_(stream)
        , req_(req)
        , step_(step)
        , name_(std::move(name))
        , verify_(verify)
    {}

    template<class Self>
    void operator()(Self& self, error_code ec = {})
    {
        // A stackless coroutine: each resumption is a new call with a new
        // `self`, so no moved-from `self` is ever used; clang-tidy reads the
        // switch behind BOOST_ASIO_CORO_REENTER as straight-line code.
        // NOLINTBEGIN(bugprone-use-after-move)
        BOOST_ASIO_CORO_REENTER(*this)
        {
            BOOST_ASIO_CORO_YIELD async_connect_tcp(boost::beast::get_lowest_layer(stream_), req_, step_,
                                                    std::move(self));
            if (ec)
                return self.complete(ec);
            if (step_)
                *step_ = connect_step::tls_handshake;
            ec = tls_prepare(stream_.native_handle(), name_, verify_);
            if (ec)
                return self.complete(ec);
            BOOST_ASIO_CORO_YIELD stream_.async_handshake(boost::asio::ssl::stream_base::client,
                                                          std::move(self));
            self.complete(ec);
        }
        // NOLINTEND(bugprone-use-after-move)
    }

private:
    tls::stream_type& stream_;
    connect_request const& req_;
    connect_step* step_;
    std::string name_;
    bool verify_;
};

class tls_shutdown_op : public boost::asio::coroutine
{
public:
    explicit tls_shutdown_op(tls::stream_type& stream)
        : stream_(stream)
    {}

    template<class Self>
    void operator()(Self& self, error_code ec = {})
    {
        // A stackless coroutine (see tls_connect_op).
        // NOLINTBEGIN(bugprone-use-after-move)
        BOOST_ASIO_CORO_REENTER(*this)
        {
            BOOST_ASIO_CORO_YIELD stream_.async_shutdown(std::move(self));
            if (tls_is_truncation(ec))
                ec = {};
            self.complete(ec);
        }
        // NOLINTEND(bugprone-use-after-move)
    }

private:
    tls::stream_type& stream_;
};

} // namespace detail

template<class Handler>
void tls::async_connect(stream_type& stream,
                        connect_request const& req,
                        connect_step* step,
                        Handler&& handler)
{
    if (skip_verify_ && req.log)
    {
        req.log(log_level::warn,
                "tls.skip_cert_verify is set: the server's certificate is not verified, so anyone on the "
                "network path can impersonate it");
    }
    std::string name = server_name_.empty() ? req.server.host : server_name_;
    boost::asio::async_compose<Handler, void(error_code)>(
        detail::tls_connect_op(stream, req, step, std::move(name), !skip_verify_), handler, stream);
}

template<class Handler>
void tls::async_shutdown(stream_type& stream, Handler&& handler)
{
    boost::asio::async_compose<Handler, void(error_code)>(detail::tls_shutdown_op(stream), handler, stream);
}

} // namespace transport
} // namespace v1
} // namespace wsout

#endif
