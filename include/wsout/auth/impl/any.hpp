//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_IMPL_ANY_HPP
#define WSOUT_AUTH_IMPL_ANY_HPP

namespace wsout {
inline namespace v1 {
namespace auth {

template<class Policy>
any::variant_type any::wrap(Policy&& p)
{
    using P = std::decay_t<Policy>;
    static_assert(check_auth_policy<P, false>());
    if constexpr (std::is_same_v<P, none> || std::is_same_v<P, basic> || std::is_same_v<P, oauth1> ||
                  std::is_same_v<P, jwt>)
        return variant_type(std::in_place_type<P>, std::forward<Policy>(p));
    else
        return variant_type(
            std::shared_ptr<custom_base>(std::make_shared<custom_impl<P>>(std::forward<Policy>(p))));
}

template<class Policy, class>
any::any(Policy&& policy)
    : v_(wrap(std::forward<Policy>(policy)))
{}

} // namespace auth
} // namespace v1
} // namespace wsout

#endif
