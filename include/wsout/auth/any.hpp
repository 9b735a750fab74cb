//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_ANY_HPP
#define WSOUT_AUTH_ANY_HPP

#include <wsout/auth/basic.hpp>
#include <wsout/auth/concept.hpp>
#include <wsout/auth/jwt.hpp>
#include <wsout/auth/none.hpp>
#include <wsout/auth/oauth1.hpp>
#include <wsout/config.hpp>
#include <wsout/handshake.hpp>

#include <memory>
#include <type_traits>
#include <utility>
#include <variant>

namespace wsout {
inline namespace v1 {
namespace auth {

/** An Auth policy chosen at run time: the built-in policy the config
    enables (`oauth`, `basic_auth` or `jwt`), `none` when none is enabled,
    or any user-written policy object.

    This is the Auth policy of `wsout::make_output`. Built-in policies are
    held by value in a `std::variant` (no allocation); a user policy is held
    behind a `std::shared_ptr`, so copies of the `any` share it.

    @par Errors
    The constructor from a config throws `wsout::config_error` when more
    than one of `oauth.enabled`, `basic_auth.enabled` and `jwt.enabled` is
    true (pointing at the second one), and whatever the chosen policy's
    constructor throws.

    @par Thread Safety
    Distinct objects: safe. Shared objects: unsafe (like the policies it
    holds; copies share a custom policy object).
*/
class any
{
public:
    /// Which policy is held.
    enum class kind
    {
        none,   ///< `auth::none`: no auth enabled
        basic,  ///< `auth::basic`
        oauth1, ///< `auth::oauth1`
        jwt,    ///< `auth::jwt`
        custom  ///< a policy object given to the constructor
    };

    /** Chooses from `cfg` as described above.

        @throws config_error when more than one auth is enabled, or as the
        chosen policy's constructor does.
    */
    explicit any(config const& cfg);

    /** Holds a user-written policy (or an already built one, e.g. an
        `oauth1` with an injected clock).

        @tparam Policy A type meeting the Auth policy concept's `decorate`
        requirement (see `<wsout/auth/none.hpp>`).
    */
    template<class Policy,
             class = std::enable_if_t<!std::is_same_v<std::decay_t<Policy>, any> &&
                                      !std::is_same_v<std::decay_t<Policy>, config>>>
    explicit any(Policy&& policy);

    /// Calls the held policy's `decorate` (and lets its exceptions through).
    void decorate(handshake_request& req, handshake_info const& info);

    /// Which policy is held.
    kind which() const noexcept;

    /// `"none"`, `"basic"`, `"oauth1"`, `"jwt"` or `"custom"`.
    char const* name() const noexcept;

private:
    struct custom_base
    {
        virtual ~custom_base() = default;
        virtual void decorate(handshake_request& req, handshake_info const& info) = 0;
    };

    template<class Policy>
    struct custom_impl final : custom_base
    {
        explicit custom_impl(Policy const& p)
            : policy(p)
        {}
        explicit custom_impl(Policy&& p)
            : policy(std::move(p))
        {}
        void decorate(handshake_request& req, handshake_info const& info) override
        {
            policy.decorate(req, info);
        }
        Policy policy;
    };

    using variant_type = std::variant<none, basic, oauth1, jwt, std::shared_ptr<custom_base>>;
    variant_type v_;

    template<class Policy>
    static variant_type wrap(Policy&& p);
};

} // namespace auth
} // namespace v1
} // namespace wsout

#include <wsout/auth/impl/any.hpp>
#if WSOUT_HEADER_ONLY
#include <wsout/auth/impl/any.ipp>
#else
#define WSOUT_DETAIL_HAVE_AUTH_ANY
#include <wsout/detail/extern_templates.hpp>
#endif

#endif
