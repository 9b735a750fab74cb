//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_WEBSOCKET_OUTPUT_HPP
#define WSOUT_IMPL_WEBSOCKET_OUTPUT_HPP

#include <wsout/detail/output_impl.hpp>
#include <wsout/proxy.hpp>
#include <wsout/url.hpp>

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
    char const* scheme = transport_scheme<Transport>();
    if (scheme != nullptr && server.scheme != scheme)
    {
        throw config_error("/url", std::string("this output's transport serves ") + scheme +
                                       ":// urls, but the url is " + server.scheme + "://" +
                                       (server.scheme == "wss"
                                            ? " (use wsout::tls_output, or wsout::make_output to choose "
                                              "from the url at run time)"
                                            : " (use wsout::plain_output, or wsout::make_output to choose "
                                              "from the url at run time)"));
    }
    return server;
}

template<class Transport, class Auth>
std::shared_ptr<output_impl<Transport, Auth>>
make_output_impl(boost::asio::any_io_executor ex, config cfg, Transport transport, Auth auth)
{
    validate(cfg);
    url server = checked_server_url<Transport>(cfg);
    // proxy_url wins; otherwise the environment, as curl reads it.
    auto proxy = select_proxy(cfg, server, process_environment());
    return std::make_shared<output_impl<Transport, Auth>>(std::move(ex), std::move(cfg), std::move(server),
                                                          std::move(proxy), std::move(transport),
                                                          std::move(auth));
}

} // namespace detail

template<class Transport, class Auth>
websocket_output<Transport, Auth>::websocket_output(executor_type ex, config cfg)
    : websocket_output(
          ex, cfg, detail::transport_from_config<Transport>(cfg), detail::auth_from_config<Auth>(cfg))
{}

template<class Transport, class Auth>
websocket_output<Transport, Auth>::websocket_output(boost::asio::io_context& ioc, config cfg)
    : websocket_output(executor_type(ioc.get_executor()), std::move(cfg))
{}

template<class Transport, class Auth>
websocket_output<Transport, Auth>::websocket_output(executor_type ex,
                                                    config cfg,
                                                    Transport transport,
                                                    Auth auth)
    : base_type(detail::make_output_impl<Transport, Auth>(
          std::move(ex), std::move(cfg), std::move(transport), std::move(auth)))
{}

template<class Transport, class Auth>
Transport& websocket_output<Transport, Auth>::transport() noexcept
{
    return this->core().transport();
}

template<class Transport, class Auth>
Auth& websocket_output<Transport, Auth>::auth() noexcept
{
    return this->core().auth();
}

} // namespace v1
} // namespace wsout

#endif
