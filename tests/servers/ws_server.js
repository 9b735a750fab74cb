#!/usr/bin/env node
// A recording WebSocket server built on npm's `ws` (tests/node: `npm ci`).
// The Node counterpart of ws_server.py, with the same command line and the
// same output format:
//
//     node tests/servers/ws_server.js --out received.jsonl [options]
//
// Binds 127.0.0.1 (port 0 = a free port unless --port is given), prints the
// bound port alone on the first stdout line, serves any path, and appends one
// JSON line per message to --out:
//     {"conn": 1, "type": "text" | "binary", "b64": "<base64 payload>"}
// --events FILE records {"event": "open", conn, path, headers, subprotocol,
// extensions} and {"event": "close", conn, code, messages}.
// Options: --expect N, --subprotocol P (repeatable), --compression on|off
// (permessage-deflate; default on), --close-after N, --close-code C, --echo,
// --max-size BYTES. SIGTERM/SIGINT stop it cleanly (exit 0).
'use strict';

const fs = require('fs');
const path = require('path');
const { WebSocketServer } = require(require.resolve('ws', { paths: [path.join(__dirname, '..', 'node')] }));

function parseArgs(argv) {
  const a = {
    host: '127.0.0.1', port: 0, out: null, events: null, expect: 0, subprotocols: [],
    compression: 'on', closeAfter: 0, closeCode: 1000, echo: false, maxSize: 64 * 1024 * 1024,
  };
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) { console.error(`${k} needs a value`); process.exit(2); }
      return argv[++i];
    };
    switch (k) {
      case '--host': a.host = v(); break;
      case '--port': a.port = Number(v()); break;
      case '--out': a.out = v(); break;
      case '--events': a.events = v(); break;
      case '--expect': a.expect = Number(v()); break;
      case '--subprotocol': a.subprotocols.push(v()); break;
      case '--compression': a.compression = v(); break;
      case '--close-after': a.closeAfter = Number(v()); break;
      case '--close-code': a.closeCode = Number(v()); break;
      case '--echo': a.echo = true; break;
      case '--max-size': a.maxSize = Number(v()); break;
      default: console.error(`unknown option ${k}`); process.exit(2);
    }
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const out = args.out ? fs.openSync(args.out, 'a') : null;
const events = args.events ? fs.openSync(args.events, 'a') : null;
const line = (fd, obj) => { if (fd !== null) fs.writeSync(fd, JSON.stringify(obj) + '\n'); };

let total = 0;
let connections = 0;
let active = 0;
let expectReached = false;

const wss = new WebSocketServer({
  host: args.host,
  port: args.port,
  perMessageDeflate: args.compression === 'on',
  maxPayload: args.maxSize,
  handleProtocols: (offered) => {
    for (const p of offered) if (args.subprotocols.includes(p)) return p;
    return false;
  },
});

function shutdown() {
  for (const c of wss.clients) c.terminate();
  wss.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}

function maybeExit() {
  if (expectReached && active === 0) shutdown();
}

wss.on('listening', () => {
  process.stdout.write(`${wss.address().port}\n`);
});

wss.on('connection', (ws, req) => {
  const conn = ++connections;
  let count = 0;
  ++active;
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  line(events, {
    event: 'open', conn, path: req.url, headers, subprotocol: ws.protocol || null,
    extensions: ws.extensions || null,
  });
  ws.on('message', (data, isBinary) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    line(out, { conn, type: isBinary ? 'binary' : 'text', b64: buf.toString('base64') });
    ++count;
    ++total;
    if (args.echo) ws.send(buf, { binary: isBinary });
    if (args.closeAfter && count === args.closeAfter) ws.close(args.closeCode);
    if (args.expect && total >= args.expect && !expectReached) {
      expectReached = true;
      // Give the clients 5 s to close on their own.
      setTimeout(shutdown, 5000).unref();
    }
  });
  ws.on('close', (code) => {
    line(events, { event: 'close', conn, code, messages: count });
    --active;
    maybeExit();
  });
  ws.on('error', () => {});
});

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
