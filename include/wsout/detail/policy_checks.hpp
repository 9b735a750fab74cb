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

#include <wsout/config.hpp>
#include <wsout/error.hpp>
#include <wsout/handshake.hpp>
#include <wsout/transport/tcp.hpp>

#include <boost/asio/any_io_executor.hpp>

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

template<class T, class = void>
struct has_scheme : std::false_type
{};
template<class T>
struct has_scheme<T, void_t<decltype(T::scheme)>> : std::is_convertible<decltype(T::scheme), char const*>
{};

template<class T, class = void>
struct has_gather_writes : std::false_type
{};
template<class T>
struct has_gather_writes<T, void_t<decltype(T::gather_writes)>>
    : std::is_convertible<decltype(T::gather_writes), bool>
{};

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

template<class A, class = void>
struct has_decorate : std::false_type
{};
template<class A>
struct has_decorate<A,
                    void_t<decltype(std::declval<A&>().decorate(std::declval<handshake_request&>(),
                                                                std::declval<handshake_info const&>()))>>
    : std::true_type
{};

template<class T>
constexpr bool check_transport_policy()
{
    static_assert(has_stream_type<T>::value,
                  "wsout Transport policy: add `using stream_type = ...;` (an AsyncStream, e.g. "
                  "boost::beast::tcp_stream). See the concept in <wsout/transport/plain.hpp>.");
    if constexpr (has_stream_type<T>::value)
    {
        static_assert(has_scheme<T>::value,
                      "wsout Transport policy: add `static constexpr char const* scheme = \"ws\";` "
                      "(the url scheme it serves, or nullptr for any).");
        static_assert(has_gather_writes<T>::value,
                      "wsout Transport policy: add `static constexpr bool gather_writes = ...;` "
                      "(false when the stream makes one record per buffer, like TLS).");
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
        static_assert(
            std::is_constructible<T, config const&>::value,
            "wsout Transport policy: add a constructor taking `wsout::config const&`, or construct the "
            "output with a ready-made transport object.");
    }
    return true;
}

template<class A>
constexpr bool check_auth_policy()
{
    static_assert(
        has_decorate<A>::value,
        "wsout Auth policy: add `void decorate(wsout::handshake_request&, wsout::handshake_info const&)`. "
        "See the concept in <wsout/auth/none.hpp>.");
    return true;
}

} // namespace detail
} // namespace v1
} // namespace wsout

#endif
