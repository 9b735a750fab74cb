#!/usr/bin/python3
"""A recording WebSocket server built on Debian's python3-autobahn (asyncio).

The Autobahn counterpart of ws_server.py, with the same command line and the
same output format (see ws_server.py):

    /usr/bin/python3 tests/servers/autobahn_server.py --out received.jsonl [options]

Prints the bound port alone on the first stdout line; one JSON line per
message in --out: {"conn": N, "type": "text"|"binary", "b64": "..."};
--events FILE gets "open"/"close" events. Options: --expect N,
--subprotocol P (repeatable), --compression on|off (permessage-deflate,
default on), --close-after N, --close-code C, --echo, --max-size BYTES,
--deflate-params JSON (RFC 7692 names, as ws_server.py: client_no_context_takeover,
server_no_context_takeover, server_max_window_bits, client_max_window_bits).
SIGTERM/SIGINT stop it cleanly (exit 0).
"""

import argparse
import asyncio
import base64
import json
import signal
import sys

from autobahn.asyncio.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateOfferAccept


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--out")
    p.add_argument("--events")
    p.add_argument("--expect", type=int, default=0)
    p.add_argument("--subprotocol", action="append", default=[])
    p.add_argument("--compression", choices=["on", "off"], default="on")
    p.add_argument("--close-after", type=int, default=0)
    p.add_argument("--close-code", type=int, default=1000)
    p.add_argument("--echo", action="store_true")
    p.add_argument("--max-size", type=int, default=64 * 1024 * 1024)
    p.add_argument("--deflate-params", help="JSON object of permessage-deflate parameters")
    return p.parse_args()


class State:
    def __init__(self, args):
        self.args = args
        self.out = open(args.out, "a", encoding="ascii") if args.out else None
        self.events = open(args.events, "a", encoding="utf-8") if args.events else None
        self.total = 0
        self.connections = 0
        self.active = 0
        self.expect_reached = None  # asyncio.Event, created in main()
        self.idle = None

    def line(self, f, obj):
        if f:
            f.write(json.dumps(obj) + "\n")
            f.flush()


STATE = None


class RecordingProtocol(WebSocketServerProtocol):
    wire_bytes = 0

    def data_received(self, data):
        # Every byte from the client, before any decoding (see ws_server.py).
        self.wire_bytes += len(data)
        super().data_received(data)
    def onConnect(self, request):
        st = STATE
        st.connections += 1
        self.conn = st.connections
        self.count = 0
        self.opened = False
        chosen = None
        for p in request.protocols:
            if p in st.args.subprotocol:
                chosen = p
                break
        self.chosen = chosen
        self.request_info = {"path": request.path,
                             "headers": [[k, v] for k, v in request.headers.items()]}
        return chosen

    def onOpen(self):
        st = STATE
        self.opened = True
        st.active += 1
        st.idle.clear()
        exts = ", ".join(e.EXTENSION_NAME for e in self.websocket_extensions_in_use) or None
        st.line(st.events, dict(event="open", conn=self.conn, subprotocol=self.chosen,
                                extensions=exts, **self.request_info))

    def onMessage(self, payload, isBinary):
        st = STATE
        st.line(st.out, {"conn": self.conn, "type": "binary" if isBinary else "text",
                         "b64": base64.b64encode(payload).decode("ascii")})
        self.count += 1
        st.total += 1
        if st.args.echo:
            self.sendMessage(payload, isBinary)
        if st.args.close_after and self.count == st.args.close_after:
            self.sendClose(code=st.args.close_code)
        if st.args.expect and st.total >= st.args.expect:
            st.expect_reached.set()

    def onClose(self, wasClean, code, reason):
        st = STATE
        if not getattr(self, "opened", False):
            return
        st.line(st.events, {"event": "close", "conn": self.conn, "code": code, "messages": self.count,
                            "wire_bytes": self.wire_bytes})
        st.active -= 1
        if st.active == 0:
            st.idle.set()


def accept_deflate(offers):
    params = json.loads(STATE.args.deflate_params) if STATE.args.deflate_params else {}
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(
                offer,
                request_no_context_takeover=params.get("client_no_context_takeover", False),
                request_max_window_bits=params.get("client_max_window_bits", 0),
                no_context_takeover=params.get("server_no_context_takeover"),
                window_bits=params.get("server_max_window_bits"))
    return None


async def main():
    global STATE
    args = parse_args()
    STATE = State(args)
    STATE.expect_reached = asyncio.Event()
    STATE.idle = asyncio.Event()
    STATE.idle.set()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    factory = WebSocketServerFactory()
    factory.protocol = RecordingProtocol
    options = dict(maxFramePayloadSize=args.max_size, maxMessagePayloadSize=args.max_size)
    if args.compression == "on":
        options["perMessageCompressionAccept"] = accept_deflate
    factory.setProtocolOptions(**options)
    server = await loop.create_server(factory, args.host, args.port)
    print(server.sockets[0].getsockname()[1], flush=True)

    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(STATE.expect_reached.wait())]
    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    if STATE.expect_reached.is_set() and not stop.is_set():
        try:
            await asyncio.wait_for(STATE.idle.wait(), 5)
        except asyncio.TimeoutError:
            pass
    for w in waiters:
        w.cancel()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
