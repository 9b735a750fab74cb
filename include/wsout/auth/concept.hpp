//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_AUTH_CONCEPT_HPP
#define WSOUT_AUTH_CONCEPT_HPP

#include <wsout/config.hpp>
#include <wsout/handshake.hpp>

#include <type_traits>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace auth {

namespace detail {

template<class T, class = void>
struct has_decorate : std::false_type
{};

template<class T>
struct has_decorate<T,
                    std::void_t<decltype(std::declval<T&>().decorate(std::declval<handshake_request&>(),
                                                                     std::declval<handshake_info const&>()))>>
    : std::true_type
{};

} // namespace detail

/** Whether `T` meets the Auth policy concept (see `<wsout/auth/none.hpp>`).

    True when `T` is a move-constructible class, constructible from
    `wsout::config const&`, with a member
    `decorate(wsout::handshake_request&, wsout::handshake_info const&)`
    callable on a non-const `T`.
*/
template<class T>
struct is_auth_policy
    : std::bool_constant<std::is_class_v<T> && std::is_move_constructible_v<T> &&
                         std::is_constructible_v<T, config const&> && detail::has_decorate<T>::value>
{};

/// `is_auth_policy<T>::value`.
template<class T>
inline constexpr bool is_auth_policy_v = is_auth_policy<T>::value;

/** Whether `T` can be used as an Auth policy object that the caller builds
    itself and hands to the output: like `is_auth_policy`, without the
    constructor from `config`.
*/
template<class T>
struct is_auth_policy_object : std::bool_constant<std::is_class_v<T> && std::is_move_constructible_v<T> &&
                                                  detail::has_decorate<T>::value>
{};

/** Checks `T` against the Auth policy concept with one `static_assert` per
    requirement, each saying what is missing and how to add it; returns true
    so it can be used as `static_assert(check_auth_policy<T>())`.
    `websocket_output` applies it (with `FromConfig` false for the class,
    true in the constructors that build the policy from the config).

    @tparam T The policy type.
    @tparam FromConfig Whether the output constructs `T` from the config
    (false when the caller passes a policy object it built).
*/
template<class T, bool FromConfig = true>
constexpr bool check_auth_policy() noexcept
{
    static_assert(std::is_class_v<T>,
                  "wsout: an Auth policy must be a class type; see <wsout/auth/none.hpp> for the concept");
    static_assert(detail::has_decorate<T>::value,
                  "wsout: the Auth policy lacks a member "
                  "`void decorate(wsout::handshake_request& req, wsout::handshake_info const& info)` "
                  "(callable on a non-const object; it adds credentials such as an Authorization field "
                  "to the upgrade request and is called on every handshake attempt); "
                  "see <wsout/auth/none.hpp>");
    static_assert(std::is_move_constructible_v<T>,
                  "wsout: the Auth policy must be move-constructible (the output stores it by value)");
    static_assert(!FromConfig || std::is_constructible_v<T, config const&>,
                  "wsout: the Auth policy lacks a constructor `explicit T(wsout::config const& cfg)` "
                  "(it reads its settings and throws wsout::config_error for unusable ones); "
                  "alternatively build the policy yourself and pass it to the output's constructor; "
                  "see <wsout/auth/none.hpp>");
    return true;
}

} // namespace auth
} // namespace v1
} // namespace wsout

/// `static_assert`s that `T` is an Auth policy constructible from a config.
#define WSOUT_CHECK_AUTH_POLICY(T) static_assert(::wsout::auth::check_auth_policy<T>(), "")

#endif
