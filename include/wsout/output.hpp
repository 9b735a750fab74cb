//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_OUTPUT_HPP
#define WSOUT_OUTPUT_HPP

#include <wsout/auth/any.hpp>
#include <wsout/basic_output.hpp>
#include <wsout/detail/config.hpp>
#include <wsout/transport/plain.hpp>
#include <wsout/transport/tls.hpp>
#include <wsout/websocket_output.hpp>

#include <boost/asio/io_context.hpp>

#include <memory>

namespace wsout {
inline namespace v1 {

/** An output whose Transport and Auth were chosen at run time.

    Made by `make_output` from a config (`ws://` or `wss://`, and whichever
    auth the config enables), or from any `websocket_output<T, A>`, which
    it takes over. It has every operation of `websocket_output` (see
    `basic_output`), at the cost of one virtual call per operation
    (measured in `bench/`: `run_bench.py` prints the ratio).

    @par Thread Safety
    As `websocket_output`: every member function may be called concurrently
    from any thread.

    @par Example
    @code
    auto out = wsout::make_output(ioc, wsout::load_config_file("output.json"));
    out.connect();
    out.write("hello");
    out.close();
    @endcode
*/
class output : public basic_output<detail::output_core>
{
public:
    /** Take over a compile-time composed output, its connection and
        everything queued in it.

        @param typed The output to take over; it is left moved-from (it may
        only be destroyed or assigned to).
    */
    template<class Transport, class Auth>
    output(websocket_output<Transport, Auth>&& typed) noexcept // NOLINT(google-explicit-constructor)
        : basic_output<detail::output_core>(std::shared_ptr<detail::output_core>(typed.release()))
    {}
};

/** Build an output from a config, choosing the policies from it:
    `transport::plain` for `ws://`, `transport::tls` for `wss://`, and
    `auth::any` (oauth, basic_auth, jwt or none, whichever is enabled).

    No I/O happens until `connect`.

    @param ex The executor the output runs its I/O on.
    @param cfg The config (validated here).
    @return The output, type-erased.
    @throws config_error for any bad setting (the message names the JSON
    pointer of the bad value).
*/
WSOUT_DECL output make_output(boost::asio::any_io_executor ex, config cfg);

/** Build an output running on an io_context; see the executor overload.

    @throws config_error for any bad setting.
*/
WSOUT_DECL output make_output(boost::asio::io_context& ioc, config cfg);

} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/impl/output.ipp>
#else
#define WSOUT_DETAIL_HAVE_OUTPUT
#include <wsout/detail/extern_templates.hpp>
#endif

#endif
