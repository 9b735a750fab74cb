//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// No include guard: included at the end of <wsout/websocket_output.hpp>,
// <wsout/output.hpp>, <wsout/transport/tls.hpp> and each auth header, in
// separate compilation only. Each of them defines its WSOUT_DETAIL_HAVE_*
// marker first, so a block below is used once, as soon as every header it
// needs is complete, whatever the order of the user's includes.
//
// The blocks declare the common outputs as explicitly instantiated
// elsewhere (in the translation unit that includes <wsout/src.hpp>): the
// member functions of websocket_output<T, A> and of its basic_output base
// (construction, connect, write, write_batch, close, ...) and with them the
// engine behind them are then not compiled again in every translation unit.
// Member templates (the async_* forms, which take a completion token) are
// still instantiated where they are used.

#if defined(WSOUT_SEPARATE_COMPILATION)

#ifndef WSOUT_DETAIL_EXTERN_OUTPUT
// WSOUT_DETAIL_EXTERN_OUTPUT(extern, T, A) declares, and in <wsout/src.hpp>
// WSOUT_DETAIL_EXTERN_OUTPUT(, T, A) defines, the instantiations of
// websocket_output<T, A>. (Its arguments are a keyword and names that
// follow `wsout::`: parentheses around them would not compile.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define WSOUT_DETAIL_EXTERN_OUTPUT(kw, T, A)                                                                 \
    kw template class wsout::basic_output<wsout::detail::output_impl<wsout::T, wsout::A>>;                   \
    kw template class wsout::websocket_output<wsout::T, wsout::A>;
// NOLINTEND(bugprone-macro-parentheses)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && !defined(WSOUT_DETAIL_EXTERN_PLAIN_NONE)
#define WSOUT_DETAIL_EXTERN_PLAIN_NONE
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::plain, auth::none)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_AUTH_BASIC) &&                  \
    !defined(WSOUT_DETAIL_EXTERN_PLAIN_BASIC)
#define WSOUT_DETAIL_EXTERN_PLAIN_BASIC
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::plain, auth::basic)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_AUTH_OAUTH1) &&                 \
    !defined(WSOUT_DETAIL_EXTERN_PLAIN_OAUTH1)
#define WSOUT_DETAIL_EXTERN_PLAIN_OAUTH1
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::plain, auth::oauth1)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_AUTH_JWT) &&                    \
    !defined(WSOUT_DETAIL_EXTERN_PLAIN_JWT)
#define WSOUT_DETAIL_EXTERN_PLAIN_JWT
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::plain, auth::jwt)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_AUTH_ANY) &&                    \
    !defined(WSOUT_DETAIL_EXTERN_PLAIN_ANY)
#define WSOUT_DETAIL_EXTERN_PLAIN_ANY
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::plain, auth::any)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_TRANSPORT_TLS) &&               \
    !defined(WSOUT_DETAIL_EXTERN_TLS_NONE)
#define WSOUT_DETAIL_EXTERN_TLS_NONE
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::tls, auth::none)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_TRANSPORT_TLS) &&               \
    defined(WSOUT_DETAIL_HAVE_AUTH_BASIC) && !defined(WSOUT_DETAIL_EXTERN_TLS_BASIC)
#define WSOUT_DETAIL_EXTERN_TLS_BASIC
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::tls, auth::basic)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_TRANSPORT_TLS) &&               \
    defined(WSOUT_DETAIL_HAVE_AUTH_OAUTH1) && !defined(WSOUT_DETAIL_EXTERN_TLS_OAUTH1)
#define WSOUT_DETAIL_EXTERN_TLS_OAUTH1
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::tls, auth::oauth1)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_TRANSPORT_TLS) &&               \
    defined(WSOUT_DETAIL_HAVE_AUTH_JWT) && !defined(WSOUT_DETAIL_EXTERN_TLS_JWT)
#define WSOUT_DETAIL_EXTERN_TLS_JWT
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::tls, auth::jwt)
#endif

#if defined(WSOUT_DETAIL_HAVE_WEBSOCKET_OUTPUT) && defined(WSOUT_DETAIL_HAVE_TRANSPORT_TLS) &&               \
    defined(WSOUT_DETAIL_HAVE_AUTH_ANY) && !defined(WSOUT_DETAIL_EXTERN_TLS_ANY)
#define WSOUT_DETAIL_EXTERN_TLS_ANY
WSOUT_DETAIL_EXTERN_OUTPUT(extern, transport::tls, auth::any)
#endif

// The type-erased wsout::output.
#if defined(WSOUT_DETAIL_HAVE_OUTPUT) && !defined(WSOUT_DETAIL_EXTERN_OUTPUT_CORE)
#define WSOUT_DETAIL_EXTERN_OUTPUT_CORE
extern template class wsout::basic_output<wsout::detail::output_core>;
#endif

#endif
