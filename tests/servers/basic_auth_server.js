#!/usr/bin/env node
// A WebSocket server on npm's `ws` (tests/node: `npm ci`) that demands HTTP
// basic auth (RFC 7617) on the upgrade request, checked with Node's own
// decoding: Buffer's base64 and a strict UTF-8 TextDecoder.
//
//     node tests/servers/basic_auth_server.js --username U --password P
//
// Binds 127.0.0.1 on a free port and prints the port alone on the first
// stdout line, then one JSON line per event:
//     {"event": "handshake", "ok": true|false, "reason": "...",
//      "authorization": "<the header as received, or null>",
//      "username": "<decoded user-id, or null>"}
//     {"event": "message", "data": "<text, or binary decoded as UTF-8>"}
// A missing, malformed or wrong Authorization is answered 401 Unauthorized
// with `WWW-Authenticate: Basic realm="wsout-test", charset="UTF-8"`.
// An empty --password is allowed. Stops on SIGTERM/SIGINT or after
// --lifetime seconds (default 300).
'use strict';

const http = require('http');
const path = require('path');
const crypto = require('crypto');
const { WebSocketServer } = require(require.resolve('ws', { paths: [path.join(__dirname, '..', 'node')] }));

function parseArgs(argv) {
  const a = { username: null, password: null, lifetime: 300 };
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) { console.error(`${k} needs a value`); process.exit(2); }
      return argv[++i];
    };
    switch (k) {
      case '--username': a.username = v(); break;
      case '--password': a.password = v(); break;
      case '--lifetime': a.lifetime = Number(v()); break;
      default: console.error(`unknown option ${k}`); process.exit(2);
    }
  }
  if (a.username === null || a.password === null) {
    console.error('--username and --password are required (the password may be empty)');
    process.exit(2);
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const utf8 = new TextDecoder('utf-8', { fatal: true });

// Returns [ok, reason, username].
function check(header) {
  if (header === undefined) return [false, 'no Authorization header', null];
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(header);
  if (!m) return [false, 'not "Basic <base64>"', null];
  const raw = Buffer.from(m[1], 'base64');
  // Buffer is lenient; insist on the canonical encoding of what it decoded.
  if (raw.toString('base64') !== m[1]) return [false, 'non-canonical base64', null];
  let text;
  try {
    text = utf8.decode(raw);
  } catch (e) {
    return [false, 'credentials are not UTF-8', null];
  }
  const colon = text.indexOf(':');
  if (colon < 0) return [false, 'no colon in the credentials', null];
  const user = text.slice(0, colon);
  const pass = text.slice(colon + 1);
  const same = (x, y) => {
    const bx = Buffer.from(x, 'utf8');
    const by = Buffer.from(y, 'utf8');
    return bx.length === by.length && crypto.timingSafeEqual(bx, by);
  };
  if (!same(user, args.username) || !same(pass, args.password)) return [false, 'wrong basic credentials', user];
  return [true, '', user];
}

const server = http.createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('WebSocket only\n');
});
const wss = new WebSocketServer({ noServer: true });

server.on('upgrade', (req, socket, head) => {
  const header = req.headers.authorization;
  const [ok, reason, username] = check(header);
  emit({ event: 'handshake', ok, reason, authorization: header === undefined ? null : header, username });
  if (!ok) {
    const body = `unauthorized: ${reason}\n`;
    socket.end('HTTP/1.1 401 Unauthorized\r\n' +
               'WWW-Authenticate: Basic realm="wsout-test", charset="UTF-8"\r\n' +
               'Content-Type: text/plain\r\n' +
               `Content-Length: ${Buffer.byteLength(body)}\r\n` +
               'Connection: close\r\n\r\n' + body);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      emit({ event: 'message', data: buf.toString('utf8') });
    });
    ws.on('error', () => {});
  });
});

function shutdown() {
  for (const c of wss.clients) c.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
setTimeout(shutdown, args.lifetime * 1000).unref();
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
