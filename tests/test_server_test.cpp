// Tests of the test infrastructure itself: tests/support/test_server.hpp
// (the in-process Beast server), tests/support/process.hpp and the
// third-party servers in tests/servers/, all driven by a plain Beast client.
#include "support/catch.hpp"
#include "support/test_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

// A synchronous Beast client with a hard timeout on every operation.
struct client {
  net::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};

  explicit client(unsigned short port, std::string const& target = "/post/ws",
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    beast::get_lowest_layer(ws).expires_after(5s);
    beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      req.set(http::field::user_agent, "test-client");
      for (auto const& h : headers) req.set(h.first, h.second);
    }));
    ws.handshake("127.0.0.1:" + std::to_string(port), target);
  }
  void send(std::string const& s, bool text) {
    beast::get_lowest_layer(ws).expires_after(5s);
    ws.text(text);
    ws.write(net::buffer(s));
  }
  void close() {
    beast::get_lowest_layer(ws).expires_after(5s);
    ws.close(websocket::close_code::normal);
  }
};

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

}  // namespace

TEST_CASE("ws_server records messages intact and in order", "[test_server]") {
  wsout_test::ws_server srv;
  REQUIRE(srv.port() != 0);
  {
    client c(srv.port());
    c.send("hello", true);
    c.send(all_bytes(), false);
    c.send("", false);
    c.send("", true);
    c.send(std::string(200000, 'x'), false);
    c.close();
  }
  REQUIRE(srv.wait_for_messages(5, 5s));
  auto m = srv.messages();
  REQUIRE(m.size() == 5);
  CHECK(m[0].text);
  CHECK(m[0].payload == "hello");
  CHECK_FALSE(m[1].text);
  CHECK(m[1].payload == all_bytes());
  CHECK(m[2].payload.empty());
  CHECK_FALSE(m[2].text);
  CHECK(m[3].text);
  CHECK(m[4].payload == std::string(200000, 'x'));
  CHECK(srv.bytes_received() == 5 + 256 + 200000);
  REQUIRE(srv.wait_for_closed(1, 5s));
  auto c = srv.connection(1);
  CHECK(c.close_code == 1000);
  CHECK(c.request.method == "GET");
  CHECK(c.request.target == "/post/ws");
  CHECK(c.request.header("user-agent") == "test-client");
  CHECK(c.request.header("Host") == "127.0.0.1:" + std::to_string(srv.port()));
}

TEST_CASE("ws_server rejects with a status", "[test_server]") {
  wsout_test::ws_server_options o;
  o.handshake = wsout_test::handshake_behavior::reject;
  o.reject_status = 401;
  o.response_headers = {{"WWW-Authenticate", "Basic realm=\"test\""}};
  wsout_test::ws_server srv(o);
  net::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::get_lowest_layer(ws).expires_after(5s);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), srv.port()));
  // Beast 1.74's synchronous handshake leaves `res` empty on failure; the
  // asynchronous one fills it.
  websocket::response_type res;
  beast::error_code ec;
  ws.async_handshake(res, "127.0.0.1", "/post/ws", [&](beast::error_code e) { ec = e; });
  io.run();
  CHECK(ec == websocket::error::upgrade_declined);
  CHECK(res.result_int() == 401);
  CHECK(res[http::field::www_authenticate] == "Basic realm=\"test\"");
}
