#!/usr/bin/python3
"""A recording WebSocket server built on Debian's python3-websockets (10.4).

Used by wsout's tests as a real third-party server. Run it with
/usr/bin/python3 (the Debian interpreter that has the module):

    /usr/bin/python3 tests/servers/ws_server.py --out received.jsonl [options]

It binds 127.0.0.1 (port 0 = a free port unless --port is given), prints the
bound port alone on the first line of stdout, then serves any path. Each
message received is appended to --out as one JSON line and flushed:

    {"conn": 1, "type": "text" | "binary", "b64": "<base64 of the payload>"}

(text payloads are stored as their UTF-8 bytes). With --events, each
connection's upgrade request is recorded the same way:

    {"event": "open", "conn": 1, "path": "/post/ws", "headers": [[name, value], ...],
     "subprotocol": "chosen-or-null", "extensions": "Sec-WebSocket-Extensions answered"}
    {"event": "close", "conn": 1, "code": 1000, "messages": 3, "wire_bytes": N}

(wire_bytes: every byte the client sent on that connection, the upgrade
request included: shows whether messages travelled compressed).

Options: --expect N (exit 0 after N messages in total, once the clients have
closed or after 5 s), --subprotocol P (repeatable: supported subprotocols),
--compression on|off (permessage-deflate; the library's default is on),
--close-after N (close each connection with --close-code after N messages),
--echo (send each message back), --ping-interval S (0 = no server pings),
--deflate-params JSON (with --compression on: the server's permessage-deflate
answer, as RFC 7692 names, e.g. '{"client_no_context_takeover": true,
"server_max_window_bits": 10, "client_max_window_bits": 9}'; without it the
library's defaults apply: both windows 12 bits, memLevel 5).
SIGTERM and SIGINT stop it cleanly (exit 0).
"""

import argparse
import asyncio
import base64
import json
import signal
import sys

import websockets
from websockets.legacy.server import WebSocketServerProtocol


class CountingProtocol(WebSocketServerProtocol):
    """Counts the bytes received from the client (the wire, before any decoding)."""

    wire_bytes = 0

    def data_received(self, data):
        self.wire_bytes += len(data)
        super().data_received(data)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--out", help="JSON-lines file receiving each message")
    p.add_argument("--events", help="JSON-lines file receiving connection events")
    p.add_argument("--expect", type=int, default=0, help="exit after N messages")
    p.add_argument("--subprotocol", action="append", default=[])
    p.add_argument("--compression", choices=["on", "off"], default="on")
    p.add_argument("--close-after", type=int, default=0)
    p.add_argument("--close-code", type=int, default=1000)
    p.add_argument("--echo", action="store_true")
    p.add_argument("--ping-interval", type=float, default=0)
    p.add_argument("--max-size", type=int, default=64 * 1024 * 1024)
    p.add_argument("--deflate-params", help="JSON object of permessage-deflate parameters")
    return p.parse_args()


class Recorder:
    def __init__(self, args):
        self.args = args
        self.out = open(args.out, "a", encoding="ascii") if args.out else None
        self.events = open(args.events, "a", encoding="utf-8") if args.events else None
        self.total = 0
        self.connections = 0
        self.active = 0
        self.expect_reached = asyncio.Event()
        self.idle = asyncio.Event()
        self.idle.set()

    def message(self, conn, data):
        is_text = isinstance(data, str)
        raw = data.encode("utf-8") if is_text else data
        if self.out:
            self.out.write(json.dumps({"conn": conn, "type": "text" if is_text else "binary",
                                       "b64": base64.b64encode(raw).decode("ascii")}) + "\n")
            self.out.flush()
        self.total += 1
        if self.args.expect and self.total >= self.args.expect:
            self.expect_reached.set()

    def event(self, obj):
        if self.events:
            self.events.write(json.dumps(obj) + "\n")
            self.events.flush()


async def main():
    args = parse_args()
    rec = Recorder(args)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def handler(ws, path=None):
        rec.connections += 1
        conn = rec.connections
        rec.active += 1
        rec.idle.clear()
        count = 0
        rec.event({"event": "open", "conn": conn, "path": ws.path,
                   "headers": [[k, v] for k, v in ws.request_headers.raw_items()],
                   "subprotocol": ws.subprotocol,
                   "extensions": ws.response_headers.get("Sec-WebSocket-Extensions")})
        try:
            async for data in ws:
                rec.message(conn, data)
                count += 1
                if args.echo:
                    await ws.send(data)
                if args.close_after and count >= args.close_after:
                    await ws.close(args.close_code)
                    break
        except websockets.ConnectionClosed:
            pass
        finally:
            rec.event({"event": "close", "conn": conn, "code": ws.close_code, "messages": count,
                       "wire_bytes": ws.wire_bytes})
            rec.active -= 1
            if rec.active == 0:
                rec.idle.set()

    compression = "deflate" if args.compression == "on" else None
    extensions = None
    if compression and args.deflate_params:
        from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
        extensions = [ServerPerMessageDeflateFactory(**json.loads(args.deflate_params))]
        compression = None
    server = await websockets.serve(
        handler, args.host, args.port,
        subprotocols=args.subprotocol or None,
        compression=compression,
        create_protocol=CountingProtocol,
        extensions=extensions,
        ping_interval=args.ping_interval or None,
        max_size=args.max_size,
        max_queue=None)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)

    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(rec.expect_reached.wait())]
    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    if rec.expect_reached.is_set() and not stop.is_set():
        # Let the clients finish their close handshake.
        try:
            await asyncio.wait_for(rec.idle.wait(), 5)
        except asyncio.TimeoutError:
            pass
    for w in waiters:
        w.cancel()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
