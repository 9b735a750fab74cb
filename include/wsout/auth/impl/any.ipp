//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_IMPL_ANY_IPP
#define WSOUT_AUTH_IMPL_ANY_IPP

namespace wsout {
inline namespace v1 {
namespace auth {
namespace detail {

inline std::variant<none, basic, oauth1, jwt> choose_auth(config const& cfg)
{
    char const* chosen = nullptr;
    auto check = [&chosen](bool enabled, char const* name) {
        if (!enabled)
            return;
        if (chosen)
            throw config_error(std::string("/") + name + "/enabled",
                               std::string("only one of oauth, basic_auth and jwt may be enabled, and ") +
                                   chosen + " is enabled too");
        chosen = name;
    };
    check(cfg.oauth.enabled, "oauth");
    check(cfg.basic_auth.enabled, "basic_auth");
    check(cfg.jwt.enabled, "jwt");
    if (cfg.oauth.enabled)
        return oauth1(cfg);
    if (cfg.basic_auth.enabled)
        return basic(cfg);
    if (cfg.jwt.enabled)
        return jwt(cfg);
    return none(cfg);
}

} // namespace detail

WSOUT_DECL
any::any(config const& cfg)
    : v_(std::visit([](auto&& p) -> variant_type { return std::forward<decltype(p)>(p); },
                    detail::choose_auth(cfg)))
{}

WSOUT_DECL
void any::decorate(handshake_request& req, handshake_info const& info)
{
    std::visit(
        [&](auto& p) {
            using P = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<P, std::shared_ptr<custom_base>>)
                p->decorate(req, info);
            else
                p.decorate(req, info);
        },
        v_);
}

WSOUT_DECL
any::kind any::which() const noexcept
{
    return static_cast<kind>(v_.index());
}

WSOUT_DECL
char const* any::name() const noexcept
{
    switch (which())
    {
    case kind::none: return "none";
    case kind::basic: return "basic";
    case kind::oauth1: return "oauth1";
    case kind::jwt: return "jwt";
    case kind::custom: return "custom";
    }
    return "custom";
}

} // namespace auth
} // namespace v1
} // namespace wsout

#endif
