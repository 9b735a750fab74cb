//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_SRC_HPP
#define WSOUT_SRC_HPP

// Separate compilation: include this file in exactly one .cpp of a program
// (or library) whose translation units all define
// WSOUT_SEPARATE_COMPILATION. That translation unit then holds every
// non-template function of wsout (the impl/*.ipp files: config parser,
// field table, url and proxy parsing, error categories, auth signers, the
// TLS context, make_output, wsout::client) and the explicit instantiations
// of the common outputs (declared in
// <wsout/detail/extern_templates.hpp>), so the other translation units
// only parse declarations. CMake: link wsout::compiled, which does all of
// this for you.
//
// Header-only (WSOUT_SEPARATE_COMPILATION not defined) this file must not
// be used: every header already defines everything.

#if !defined(WSOUT_SEPARATE_COMPILATION)
#error "<wsout/src.hpp> needs WSOUT_SEPARATE_COMPILATION (defined in every translation unit)"
#endif

#include <wsout/wsout.hpp>

#include <wsout/auth/impl/any.ipp>
#include <wsout/auth/impl/basic.ipp>
#include <wsout/auth/impl/jwt.ipp>
#include <wsout/auth/impl/oauth1.ipp>
#include <wsout/impl/client.ipp>
#include <wsout/impl/config.ipp>
#include <wsout/impl/config_schema.ipp>
#include <wsout/impl/error.ipp>
#include <wsout/impl/output.ipp>
#include <wsout/impl/proxy.ipp>
#include <wsout/impl/url.ipp>
#include <wsout/transport/impl/tcp.ipp>
#include <wsout/transport/impl/tls.ipp>

// The instantiations that <wsout/detail/extern_templates.hpp> declares.
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::plain, auth::none)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::plain, auth::basic)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::plain, auth::oauth1)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::plain, auth::jwt)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::plain, auth::any)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::tls, auth::none)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::tls, auth::basic)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::tls, auth::oauth1)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::tls, auth::jwt)
WSOUT_DETAIL_EXTERN_OUTPUT(, transport::tls, auth::any)
template class wsout::basic_output<wsout::detail::output_core>;

#endif
