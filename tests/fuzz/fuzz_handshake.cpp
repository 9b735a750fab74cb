// Fuzz target: the handshake response path, in process.
//
// The bytes a server sends are read exactly as the engine reads them
// (include/wsout/detail/output_impl.hpp): beast::http::read_header into a
// response_parser<string_body> with header_limit 16 KiB and body_limit
// 64 KiB, from a flat_buffer, here over Beast's in-memory test stream with
// a read size taken from the input (every chunking from 1 byte up). A
// complete header goes to upgrade::check_upgrade_response with a fixed key
// and offered subprotocols; the engine's failure text (reason, Location) is
// built the same way; on success the bytes after the header are handed to
// the frame parser, as the engine does.
//
// Properties: no crash, no exception; success only for a 101 HTTP/1.1 with
// the right accept key and an offered (or no) subprotocol; a non-101 status
// in 100..599 maps to http_status_category, anything else ("000") is
// bad_http_response; a header limit overflow is reported as
// header_limit (which the engine turns into response_too_large).
//
// Input: [read-size selector][subprotocol selector] then the response bytes.

#include <wsout/detail/frame.hpp>
#include <wsout/detail/upgrade.hpp>

#include "fuzz_common.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <string>

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    static std::string const key =
        "dGhlIHNhbXBsZSBub25jZQ=="; // RFC 6455 1.3: accept s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
    wsout_fuzz::input in(data, size);
    std::size_t read_size = 1 + in.byte() % 64;
    if (read_size > 48)
        read_size = 4096 * (read_size - 48);
    std::uint8_t sel = in.byte();
    wsout::config cfg;
    if (sel & 1)
        cfg.subprotocols = {"chat", "superchat"};
    if (sel & 2)
        cfg.compression = true; // permessage-deflate offered: its answer is parsed

    boost::asio::io_context ioc;
    boost::beast::test::stream ts(ioc, boost::beast::string_view(in.rest().data(), in.rest().size()));
    ts.read_size(read_size);
    ts.close_remote(); // the server closes after its bytes: reads then see eof
    boost::beast::flat_buffer rbuf;
    http::response_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    boost::system::error_code ec;
    http::read_header(ts, rbuf, parser, ec);
    if (ec)
    {
        WSOUT_FUZZ_CHECK(!parser.is_header_done(), ec.message());
        // The limit is enforced: never more than 16 KiB of header accepted.
        if (ec == http::error::header_limit)
            WSOUT_FUZZ_CHECK(in.size() > 16 * 1024, "header_limit on a short input");
        return 0;
    }
    WSOUT_FUZZ_CHECK(parser.is_header_done(), "read_header succeeded without a header");
    auto const& res = parser.get();
#ifdef WSOUT_FUZZ_TOLERATE_KNOWN
    // Known finding (status 000 taken as success): tolerated only in builds
    // made to explore past it.
    if (res.result_int() == 0)
        return 0;
#endif
    wsout::detail::pmd_config pmd;
    std::string ext_detail;
    auto bad = wsout::detail::upgrade::check_upgrade_response(res, key, cfg, &pmd, &ext_detail);
    if (bad == wsout::error::bad_extension)
        WSOUT_FUZZ_CHECK(!ext_detail.empty(), "bad_extension without a description");
    if (bad)
    {
        if (res.result_int() < 100 || res.result_int() > 599)
            WSOUT_FUZZ_CHECK(bad == wsout::error::bad_http_response, bad.message());
        else if (res.result_int() != 101)
        {
            WSOUT_FUZZ_CHECK(bad.category() == wsout::http_status_category(), bad.message());
            WSOUT_FUZZ_CHECK(static_cast<unsigned>(bad.value()) == res.result_int(), bad.message());
            // The engine's description of the failure.
            std::string detail = "server said \"" + std::to_string(res.result_int()) + " " +
                                 std::string(res.reason().substr(0, 100)) + "\"";
            if (res.result_int() >= 300 && res.result_int() < 400)
                detail += "; redirects are not followed, location: " +
                          std::string(res[http::field::location].substr(0, 200));
            (void)bad.message();
        }
        else
            WSOUT_FUZZ_CHECK(bad.category() == wsout::error_category(), bad.message());
        return 0;
    }
    WSOUT_FUZZ_CHECK(res.result_int() == 101 && res.version() == 11, "accepted a non-101");
    WSOUT_FUZZ_CHECK(res[http::field::sec_websocket_accept] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                     "accepted a bad key");
    if (auto it = res.find(http::field::sec_websocket_protocol); it != res.end())
        WSOUT_FUZZ_CHECK(it->value() == "chat" || it->value() == "superchat",
                         "accepted an unoffered subprotocol");

    // What followed the header in the same reads goes to the frame parser.
    WSOUT_FUZZ_CHECK(!pmd.enabled || cfg.compression, "permessage-deflate agreed without an offer");
    if (pmd.enabled)
        WSOUT_FUZZ_CHECK(pmd.client_max_window_bits >= 8 && pmd.client_max_window_bits <= 15 &&
                             pmd.server_max_window_bits >= 8 && pmd.server_max_window_bits <= 15,
                         "window bits out of range");
    wsout::detail::frame_parser frames(std::size_t(16) << 20, pmd.enabled, pmd.server_no_context_takeover);
    auto const* p = static_cast<unsigned char const*>(rbuf.data().data());
    std::size_t left = rbuf.size();
    while (left != 0)
    {
        std::size_t used = 0;
        auto ev = frames.parse(p, left, used);
        WSOUT_FUZZ_CHECK(used <= left, "frame parser overran");
        p += used;
        left -= used;
        if (ev == wsout::detail::frame_parser::event::error ||
            ev == wsout::detail::frame_parser::event::need_more)
            break;
    }
    return 0;
}
