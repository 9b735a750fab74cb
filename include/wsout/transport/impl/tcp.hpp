//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_TRANSPORT_IMPL_TCP_HPP
#define WSOUT_TRANSPORT_IMPL_TCP_HPP

#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>

namespace wsout {
inline namespace v1 {
namespace transport {
namespace detail {

class connect_tcp_op : public boost::asio::coroutine
{
public:
    connect_tcp_op(boost::beast::tcp_stream& stream, connect_request const& req, connect_step* step)
        : stream_(stream)
        , host_(req.proxy ? req.proxy->host : req.server.host)
        , port_(std::to_string(req.proxy ? req.proxy->port : req.server.port))
        , step_(step)
        , resolver_(std::make_unique<boost::asio::ip::tcp::resolver>(stream.get_executor()))
    {
    }

    template<class Self>
    void operator()(Self& self,
                    error_code ec = {},
                    boost::asio::ip::tcp::resolver::results_type results = {})
    {
        BOOST_ASIO_CORO_REENTER(*this)
        {
            set_step(connect_step::resolve);
            BOOST_ASIO_CORO_YIELD resolver_->async_resolve(host_, port_, std::move(self));
            if (ec)
                return self.complete(ec);
            set_step(connect_step::tcp_connect);
            BOOST_ASIO_CORO_YIELD stream_.async_connect(
                results,
                [s = std::move(self)](error_code e, boost::asio::ip::tcp::endpoint) mutable { s(e); });
            if (ec)
                return self.complete(ec);
            {
                // Messages are coalesced by the output itself, so Nagle can
                // only add latency (websocketpp #1021: ~40 ms stalls).
                error_code ignored;
                stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
            }
            self.complete(error_code{});
        }
    }

private:
    void set_step(connect_step s) noexcept
    {
        if (step_)
            *step_ = s;
    }

    boost::beast::tcp_stream& stream_;
    std::string host_;
    std::string port_;
    connect_step* step_;
    std::unique_ptr<boost::asio::ip::tcp::resolver> resolver_;
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
