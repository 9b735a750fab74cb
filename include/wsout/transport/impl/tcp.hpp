//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_IMPL_TCP_HPP
#define WSOUT_TRANSPORT_IMPL_TCP_HPP

#include <wsout/version.hpp>

#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <memory>
#include <string>

namespace wsout {
inline namespace v1 {
namespace transport {
namespace detail {

// RFC 4648 base64, for Proxy-Authorization (defined in tcp.ipp).
WSOUT_DECL std::string proxy_base64(std::string_view in);

// The CONNECT request for `server` through `proxy` (RFC 9110 9.3.6).
WSOUT_DECL std::string proxy_connect_request(url const& server, url const& proxy);

class connect_tcp_op : public boost::asio::coroutine
{
    // Only allocated when tunnelling.
    struct proxy_state
    {
        std::string request;
        boost::beast::flat_buffer buffer;
        boost::beast::http::response_parser<boost::beast::http::empty_body> parser;
    };

public:
    connect_tcp_op(boost::beast::tcp_stream& stream, connect_request const& req, connect_step* step)
        : stream_(stream)
        , no_delay_(req.settings.tcp.no_delay)
        , host_(req.proxy ? req.proxy->host : req.server.host)
        , port_(std::to_string(req.proxy ? req.proxy->port : req.server.port))
        , step_(step)
        , resolver_(std::make_unique<boost::asio::ip::tcp::resolver>(stream.get_executor()))
    {
        if (req.proxy)
        {
            proxy_ = std::make_unique<proxy_state>();
            proxy_->request = proxy_connect_request(req.server, *req.proxy);
            // A CONNECT answer is a status line and a few fields; a 2xx has
            // no body (RFC 9110 9.3.6), and the body of a refusal is not
            // needed, so the parser never reads one.
            proxy_->parser.header_limit(16 * 1024);
            proxy_->parser.skip(true);
        }
    }

    template<class Self>
    void operator()(Self& self, error_code ec, std::size_t)
    {
        (*this)(self, ec);
    }

    template<class Self>
    void operator()(Self& self, error_code ec = {}, boost::asio::ip::tcp::resolver::results_type results = {})
    {
        namespace http = boost::beast::http;
        // A stackless coroutine: each resumption is a new call with a new
        // `self`, so no moved-from `self` is ever used; clang-tidy reads the
        // switch behind BOOST_ASIO_CORO_REENTER as straight-line code.
        // NOLINTBEGIN(bugprone-use-after-move)
        BOOST_ASIO_CORO_REENTER(*this)
        {
            set_step(connect_step::resolve);
            BOOST_ASIO_CORO_YIELD resolver_->async_resolve(host_, port_, std::move(self));
            if (ec)
                return self.complete(ec);
            set_step(connect_step::tcp_connect);
            BOOST_ASIO_CORO_YIELD stream_.async_connect(
                results,
                [s = std::move(self)](error_code e, boost::asio::ip::tcp::endpoint const&) mutable { s(e); });
            if (ec)
                return self.complete(ec);
            {
                // Messages are coalesced by the output itself, so by default
                // Nagle can only add latency (websocketpp #1021: ~40 ms
                // stalls); `tcp.no_delay` may turn it back on.
                error_code ignored;
                stream_.socket().set_option(boost::asio::ip::tcp::no_delay(no_delay_), ignored);
            }
            if (!proxy_)
                return self.complete(error_code{});

            set_step(connect_step::proxy_connect);
            BOOST_ASIO_CORO_YIELD boost::asio::async_write(stream_, boost::asio::buffer(proxy_->request),
                                                           std::move(self));
            if (ec)
                return self.complete(ec);
            BOOST_ASIO_CORO_YIELD http::async_read_header(stream_, proxy_->buffer, proxy_->parser,
                                                          std::move(self));
            if (ec)
            {
                // A socket error stays what it is; anything the HTTP parser
                // rejects, or a proxy hanging up instead of answering, is
                // a bad proxy response.
                if (ec.category() == http::make_error_code(http::error::end_of_stream).category())
                    return self.complete(make_error_code(error::bad_proxy_response));
                return self.complete(ec);
            }
            {
                unsigned const status = proxy_->parser.get().result_int();
                if (status < 200 || status > 299)
                    return self.complete(make_proxy_status_error(status));
                // Bytes after a 2xx answer would be the server's, but both
                // TLS and the WebSocket upgrade wait for the client to speak
                // first: a proxy that sends anything here is broken, and the
                // bytes could not be handed to the next layer anyway.
                if (proxy_->buffer.size() != 0)
                    return self.complete(make_error_code(error::bad_proxy_response));
            }
            proxy_.reset();
            self.complete(error_code{});
        }
        // NOLINTEND(bugprone-use-after-move)
    }

private:
    void set_step(connect_step s) noexcept
    {
        if (step_)
            *step_ = s;
    }

    boost::beast::tcp_stream& stream_;
    bool no_delay_;
    std::string host_;
    std::string port_;
    connect_step* step_;
    std::unique_ptr<boost::asio::ip::tcp::resolver> resolver_;
    std::unique_ptr<proxy_state> proxy_;
};

} // namespace detail

template<class CompletionToken>
auto async_connect_tcp(boost::beast::tcp_stream& stream,
                       connect_request const& req,
                       connect_step* step,
                       CompletionToken&& token)
{
    return boost::asio::async_compose<CompletionToken, void(error_code)>(
        detail::connect_tcp_op(stream, req, step), token, stream);
}

} // namespace transport
} // namespace v1
} // namespace wsout

#endif
