//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_IMPL_OUTPUT_IPP
#define WSOUT_IMPL_OUTPUT_IPP

namespace wsout {
inline namespace v1 {

WSOUT_DECL output make_output(boost::asio::any_io_executor ex, config cfg)
{
    validate(cfg);
    bool secure = [&] {
        try
        {
            return parse_url(cfg.url, "ws,wss").secure();
        }
        catch (config_error const& e)
        {
            throw config_error("/url", e.problem());
        }
    }();
    if (secure)
        return websocket_output<transport::tls, auth::any>(std::move(ex), std::move(cfg));
    return websocket_output<transport::plain, auth::any>(std::move(ex), std::move(cfg));
}

WSOUT_DECL output make_output(boost::asio::io_context& ioc, config cfg)
{
    return make_output(boost::asio::any_io_executor(ioc.get_executor()), std::move(cfg));
}

} // namespace v1
} // namespace wsout

#endif
