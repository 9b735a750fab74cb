#!/usr/bin/python3
"""A recording WebSocket-over-TLS server built on Debian's python3-websockets.

wsout's second opinion for wss://: a third-party TLS stack (Python's ssl
module) with a private CA. Run it with /usr/bin/python3:

    /usr/bin/python3 tests/servers/tls_server.py --cert server.pem --key server-key.pem \
        --out received.jsonl [--client-ca ca.pem] [--max-tls 1.2]

It binds 127.0.0.1 on a free port, prints the port alone on the first line of
stdout, then serves any path. Each message received is appended to --out as
one JSON line and flushed:

    {"conn": 1, "type": "text" | "binary", "b64": "<base64 of the payload>"}

--client-ca requires a client certificate issued by that CA (mutual TLS).
--max-tls caps the protocol version (1.2 or 1.3). Failed TLS handshakes are
noted on stderr. SIGTERM and SIGINT stop it cleanly (exit 0).
"""

import argparse
import asyncio
import base64
import json
import signal
import ssl
import sys

import websockets


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--client-ca")
    p.add_argument("--max-tls", choices=["1.2", "1.3"])
    p.add_argument("--out", help="JSON-lines file receiving each message")
    p.add_argument("--max-size", type=int, default=64 * 1024 * 1024)
    return p.parse_args()


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if args.max_tls == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert, args.key)
    if args.client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=args.client_ca)
    return ctx


async def main():
    args = parse_args()
    out = open(args.out, "a", encoding="ascii") if args.out else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    conns = 0

    async def handler(ws, path=None):
        nonlocal conns
        conns += 1
        conn = conns
        try:
            async for data in ws:
                is_text = isinstance(data, str)
                raw = data.encode("utf-8") if is_text else data
                if out:
                    out.write(json.dumps({"conn": conn, "type": "text" if is_text else "binary",
                                          "b64": base64.b64encode(raw).decode("ascii")}) + "\n")
                    out.flush()
        except websockets.ConnectionClosed:
            pass

    server = await websockets.serve(handler, "127.0.0.1", 0, ssl=make_context(args),
                                    compression=None, ping_interval=None,
                                    max_size=args.max_size, max_queue=None)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
