//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_NONE_HPP
#define WSOUT_AUTH_NONE_HPP

#include <wsout/config.hpp>
#include <wsout/handshake.hpp>

namespace wsout {
inline namespace v1 {
namespace auth {

/** The Auth policy that adds nothing to the handshake.

    @par The Auth policy concept
    An Auth policy is a move-constructible class `A` with:
    @li `void decorate(wsout::handshake_request& req, wsout::handshake_info const& info)`:
        adds credentials to the upgrade request. It is called on every
        handshake attempt, reconnects included, on the output's strand (never
        concurrently with itself). It may throw; the connect attempt then
        fails with `wsout::error::auth_failed` and the exception's message is
        reported through `last_failure()` (so keep secrets out of it).
    @li `explicit A(wsout::config const&)`, needed only when the output
        builds the policy itself (the constructors taking just an executor
        and a config): builds the policy from the config and throws
        `wsout::config_error` for unusable settings, so a bad key fails at
        construction rather than at the first connect. A policy that needs
        more (an injectable clock, a token file) can instead be built by the
        caller and passed to the `(executor, config, transport, auth)`
        constructor.

    `wsout::auth::check_auth_policy<A>()` (`<wsout/auth/concept.hpp>`)
    checks a policy with a `static_assert` per missing member; the output
    uses the same check.

    @par Thread Safety
    `none` has no state: distinct and shared objects are safe.
*/
struct none
{
    /// A policy with nothing to configure.
    none() = default;

    /// Ignores the config (auth is off).
    explicit none(config const&) {}

    /// Leaves the request as it is.
    void decorate(handshake_request&, handshake_info const&) const noexcept {}
};

} // namespace auth
} // namespace v1
} // namespace wsout

#endif
