//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef WSOUT_CONFIG_SCHEMA_HPP
#define WSOUT_CONFIG_SCHEMA_HPP

#include <wsout/config.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace wsout {
inline namespace v1 {

/** The JSON Schema (draft 2020-12) of a config file.

    Generated from the same field table the parser uses, so it lists exactly
    the fields `parse_config` accepts, with their types, defaults, allowed
    values and descriptions. It accepts the three shapes `parse_config`
    accepts (the bare websocket object, `{"websocket": {...}}` and
    `{"output": {"label": ..., "websocket": {...}}}`). It describes the
    document before environment interpolation: duration fields also accept
    strings containing `${...}`. Consistency rules that span fields (for
    example `root_cas` xor `root_cas_file`) are enforced by `validate`
    only. Secret fields carry `"x-wsout-secret": true`.

    This is the text of `docs/config.schema.json`.

    @par Thread Safety
    Safe to call concurrently.
*/
WSOUT_DECL nlohmann::json config_schema();

/** The reference of every config field, as Markdown.

    This is the text of `docs/config.md`: for every field its JSON pointer,
    type, default, description, whether it is a secret and whether it comes
    from Benthos or is a wsout extension.
*/
WSOUT_DECL std::string config_reference_markdown();

} // namespace v1
} // namespace wsout

#if WSOUT_HEADER_ONLY
#include <wsout/impl/config_schema.ipp>
#endif

#endif
