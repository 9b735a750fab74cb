//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_DETAIL_POLICY_CHECKS_HPP
#define WSOUT_DETAIL_POLICY_CHECKS_HPP

// Compile-time checks of user-written policies, so a mistake is reported
// as one sentence saying what to add instead of pages of template errors.

#include <wsout/auth/concept.hpp>
#include <wsout/config.hpp>
#include <wsout/error.hpp>
#include <wsout/handshake.hpp>
#include <wsout/transport/tcp.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <cstdlib>
#include <type_traits>
#include <utility>

namespace wsout {
inline namespace v1 {
namespace detail {

template<class...>
using void_t = void;

struct error_code_sink
{
    void operator()(error_code) const {}
};

template<class T, class = void>
struct has_stream_type : std::false_type
{};
template<class T>
struct has_stream_type<T, void_t<typename T::stream_type>> : std::true_type
{};

// `T::scheme` and `T::gather_writes` are optional: absent means "any
// scheme" and "no gathered writes". When present they must have the
// right type (checked below), so a typo is not silently ignored.
template<class T, class = void>
struct has_scheme_member : std::false_type
{};
template<class T>
struct has_scheme_member<T, void_t<decltype(T::scheme)>> : std::true_type
{};

template<class T, class = void>
struct has_gather_writes_member : std::false_type
{};
template<class T>
struct has_gather_writes_member<T, void_t<decltype(T::gather_writes)>> : std::true_type
{};

/// The url scheme a Transport policy serves; nullptr (any) when it has no `scheme`.
template<class T>
constexpr char const* transport_scheme() noexcept
{
    if constexpr (has_scheme_member<T>::value)
        return T::scheme;
    else
        return nullptr;
}

/// Whether a Transport policy asks for gathered writes; false when it has no `gather_writes`.
template<class T>
constexpr bool transport_gathers_writes() noexcept
{
    if constexpr (has_gather_writes_member<T>::value)
        return static_cast<bool>(T::gather_writes);
    else
        return false;
}

template<class T, class = void>
struct has_make_stream : std::false_type
{};
template<class T>
struct has_make_stream<
    T,
    void_t<decltype(std::declval<T&>().make_stream(std::declval<boost::asio::any_io_executor const&>()))>>
    : std::is_same<decltype(std::declval<T&>().make_stream(
                       std::declval<boost::asio::any_io_executor const&>())),
                   typename T::stream_type>
{};

template<class T, class = void>
struct has_async_connect : std::false_type
{};
template<class T>
struct has_async_connect<
    T,
    void_t<decltype(std::declval<T&>().async_connect(std::declval<typename T::stream_type&>(),
                                                     std::declval<transport::connect_request const&>(),
                                                     std::declval<transport::connect_step*>(),
                                                     error_code_sink{}))>> : std::true_type
{};

template<class T, class = void>
struct has_async_shutdown : std::false_type
{};
template<class T>
struct has_async_shutdown<T,
                          void_t<decltype(std::declval<T&>().async_shutdown(
                              std::declval<typename T::stream_type&>(), error_code_sink{}))>> : std::true_type
{};

template<class T, class = void>
struct has_abort : std::false_type
{};
template<class T>
struct has_abort<T, void_t<decltype(std::declval<T&>().abort(std::declval<typename T::stream_type&>()))>>
    : std::true_type
{};

/** Checks a Transport policy with one `static_assert` per requirement,
    each saying what to add. Only what the output uses is required: the
    constructor from `wsout::config` only when `FromConfig` (the output
    builds the policy itself); `scheme` and `gather_writes` are optional.
*/
template<class T, bool FromConfig = false>
constexpr bool check_transport_policy()
{
    static_assert(
        std::is_class<T>::value,
        "wsout Transport policy: must be a class type. See the concept in <wsout/transport/plain.hpp>.");
    static_assert(has_stream_type<T>::value,
                  "wsout Transport policy: add `using stream_type = ...;` (an AsyncStream, e.g. "
                  "boost::beast::tcp_stream). See the concept in <wsout/transport/plain.hpp>.");
    static_assert(std::is_move_constructible<T>::value,
                  "wsout Transport policy: must be move-constructible (the output stores it by value).");
    if constexpr (has_stream_type<T>::value)
    {
        static_assert(
            has_make_stream<T>::value,
            "wsout Transport policy: add `stream_type make_stream(boost::asio::any_io_executor const&)`.");
        static_assert(
            has_async_connect<T>::value,
            "wsout Transport policy: add `template<class Handler> void async_connect(stream_type&, "
            "wsout::transport::connect_request const&, wsout::transport::connect_step*, Handler&&)` "
            "calling the handler with an error_code.");
        static_assert(
            has_async_shutdown<T>::value,
            "wsout Transport policy: add `template<class Handler> void async_shutdown(stream_type&, "
            "Handler&&)` calling the handler with an error_code.");
        static_assert(
            has_abort<T>::value,
            "wsout Transport policy: add `void abort(stream_type&) noexcept` that closes the connection.");
    }
    if constexpr (has_scheme_member<T>::value)
        static_assert(
            std::is_convertible<decltype(T::scheme), char const*>::value,
            "wsout Transport policy: `scheme` must be `static constexpr char const* scheme = \"ws\";` "
            "(the url scheme it serves, or nullptr for any; or leave it out for any).");
    if constexpr (has_gather_writes_member<T>::value)
        static_assert(
            std::is_convertible<decltype(T::gather_writes), bool>::value,
            "wsout Transport policy: `gather_writes` must be `static constexpr bool gather_writes = "
            "...;` (or leave it out).");
    static_assert(!FromConfig || std::is_constructible<T, config const&>::value,
                  "wsout Transport policy: this output constructor builds the transport from the config, "
                  "so add a constructor `explicit T(wsout::config const&)`; or build the transport "
                  "yourself and pass it to the (executor, config, transport, auth) constructor.");
    return true;
}

/** The Transport policy built from the config, for the output constructors
    that take no policy objects; a policy without that constructor is a
    readable `static_assert`.
*/
template<class T>
T transport_from_config(config const& cfg)
{
    static_assert(check_transport_policy<T, true>());
    if constexpr (std::is_constructible<T, config const&>::value)
        return T(cfg);
    else
        std::abort(); // unreachable: the static_assert above failed
}

/// The Auth policy built from the config; see `transport_from_config`.
template<class A>
A auth_from_config(config const& cfg)
{
    static_assert(auth::check_auth_policy<A, true>());
    if constexpr (std::is_constructible<A, config const&>::value)
        return A(cfg);
    else
        std::abort(); // unreachable: the static_assert above failed
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
