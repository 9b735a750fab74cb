// Fuzz target: wsout::parse_url.
//
// Properties: only config_error is thrown; a parsed url has a non-empty
// lower-case host, a path starting with '/', a non-zero port, and
// re-parsing `scheme://authority target` gives the same url (host, port,
// path, query), with host_header() and authority() consistent with it.
//
// Input: [scheme-set selector] then the url text.

#include <wsout/config.hpp>
#include <wsout/url.hpp>

#include "fuzz_common.hpp"

#include <cctype>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    wsout_fuzz::input in(data, size);
    static constexpr char const* sets[] = {"ws,wss", "ws", "http,https", "ws,wss,http,https"};
    std::string_view allowed = sets[in.byte() % 4];
    std::string_view text = in.rest();
    wsout::url u;
    try
    {
        u = wsout::parse_url(text, allowed);
    }
    catch (wsout::config_error const& e)
    {
        WSOUT_FUZZ_CHECK(std::string_view(e.what()).size() != 0, "empty error message");
        return 0;
    }
    WSOUT_FUZZ_CHECK(!u.host.empty(), text);
    for (char ch : u.host)
        WSOUT_FUZZ_CHECK(!(ch >= 'A' && ch <= 'Z'), text);
    WSOUT_FUZZ_CHECK(!u.path.empty() && u.path[0] == '/', text);
    WSOUT_FUZZ_CHECK(u.port != 0, text);
    WSOUT_FUZZ_CHECK(u.has_query || u.query.empty(), text);
    WSOUT_FUZZ_CHECK(allowed.find(u.scheme) != std::string_view::npos, text);
    std::string target = u.target();
    WSOUT_FUZZ_CHECK(!target.empty() && target[0] == '/', text);
    for (char ch : u.host_header() + target)
        WSOUT_FUZZ_CHECK(static_cast<unsigned char>(ch) > 0x20 && static_cast<unsigned char>(ch) < 0x7F,
                         "control, space or non-ASCII in Host or target");

    std::string again = u.scheme + "://" + u.authority() + target;
    wsout::url v;
    try
    {
        v = wsout::parse_url(again, allowed);
    }
    catch (wsout::config_error const& e)
    {
        wsout_fuzz::fail("the url's own parts do not parse back", again + " : " + e.what());
    }
    WSOUT_FUZZ_CHECK(v.scheme == u.scheme && v.host == u.host && v.port == u.port && v.path == u.path &&
                         v.query == u.query && v.has_query == u.has_query,
                     again);
    WSOUT_FUZZ_CHECK(v.host_header() == u.host_header() || u.explicit_port != v.explicit_port, again);
    return 0;
}
