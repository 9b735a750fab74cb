#!/usr/bin/python3
"""A WebSocket server that checks the handshake's credentials, for wsout's
auth tests. Run with Debian's /usr/bin/python3 (python3-websockets,
python3-oauthlib, python3-jwt).

  auth_server.py serve --mode MODE [options]
      Listens on 127.0.0.1 (port 0 unless --port) and prints the port on
      the first line of stdout. Each handshake is checked before the
      upgrade: a bad or missing credential is answered 401 with a
      WWW-Authenticate challenge. One JSON line per event follows on
      stdout: {"event": "handshake", "ok", "reason", "uri", "nonce",
      "authorization"} and {"event": "message", "data"}. A message
      "__drop__" makes the server drop that connection (TCP abort).
      MODE:
        none    accepts everything
        basic   Authorization: Basic, compared byte for byte with
                --username/--password
        oauth   OAuth 1.0a verified by oauthlib (see oauth_verify.py) on the
                http(s):// URL the server saw (Host header + request target,
                query included), with a nonce store: a reused nonce is 401
        jwt     Authorization: Bearer verified by PyJWT with --jwt-key (a
                public key PEM) or --jwt-secret, for --jwt-alg
        bearer  Authorization: Bearer equal to --token, or to the contents
                of --token-file read on each handshake (whitespace trimmed)
      --tls-cert/--tls-key serve wss:// (the URL is then https://).
      --public-url URL verifies OAuth against URL instead (a server behind a
      reverse proxy that knows its public URL).

  auth_server.py verify-jwt CASES.json
      Verifies tokens with PyJWT: CASES is a list of {"token", "alg",
      "public_key_file" or "secret", "claims": expected claims (subset),
      "header": expected header fields (subset), "expiry": seconds or 0}.
      Prints a JSON list of {"ok", "error", "header", "claims"}.
"""

import argparse
import asyncio
import base64
import hmac
import http
import json
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jwt  # noqa: E402  (PyJWT)
import websockets  # noqa: E402
import websockets.server  # noqa: E402

import oauth_verify  # noqa: E402


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def decode_jwt(token, alg, key):
    header = jwt.get_unverified_header(token)
    if header.get('alg') != alg:
        raise ValueError('header alg %r, expected %r' % (header.get('alg'), alg))
    claims = jwt.decode(token, key, algorithms=[alg],
                        options={'verify_aud': False, 'require': []})
    return header, claims


def load_key(public_key_file=None, secret=None):
    if public_key_file:
        with open(public_key_file, 'rb') as f:
            return f.read()
    return secret


def verify_jwt_cases(cases):
    results = []
    for case in cases:
        try:
            key = load_key(case.get('public_key_file'), case.get('secret'))
            header, claims = decode_jwt(case['token'], case['alg'], key)
            for k, v in case.get('claims', {}).items():
                if claims.get(k) != v:
                    raise ValueError('claim %r is %r, expected %r' % (k, claims.get(k), v))
            for k, v in case.get('header', {}).items():
                if header.get(k) != v:
                    raise ValueError('header %r is %r, expected %r' % (k, header.get(k), v))
            expiry = case.get('expiry', 0)
            if expiry:
                if 'iat' not in claims or 'exp' not in claims:
                    raise ValueError('iat/exp missing')
                if claims['exp'] - claims['iat'] != expiry:
                    raise ValueError('exp - iat = %d, expected %d' % (claims['exp'] - claims['iat'], expiry))
            if '=' in case['token']:
                raise ValueError('padding in the token')
            if case['alg'] == 'ES256':
                sig = case['token'].rsplit('.', 1)[1]
                raw = base64.urlsafe_b64decode(sig + '=' * (-len(sig) % 4))
                if len(raw) != 64:
                    raise ValueError('ES256 signature is %d bytes, expected 64 (r||s)' % len(raw))
            results.append({'ok': True, 'error': '', 'header': header, 'claims': claims})
        except Exception as e:
            results.append({'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})
    return results


class Checker:
    def __init__(self, args):
        self.args = args
        self.scheme = 'https' if args.tls_cert else 'http'
        if args.mode == 'oauth':
            self.validator = oauth_verify.Validator(args.consumer_key, args.consumer_secret,
                                                    args.access_token or '', args.token_secret or '',
                                                    https=self.scheme == 'https')
        if args.mode == 'jwt':
            self.jwt_key = load_key(args.jwt_key, args.jwt_secret)

    def check(self, path, headers):
        """Returns (ok, reason, extra)."""
        auth = headers.get('Authorization')
        uri = '%s://%s%s' % (self.scheme, headers.get('Host', ''), path)
        if self.args.public_url:
            # Behind a (pretend) reverse proxy: the URL the public saw.
            uri = self.args.public_url
        extra = {'uri': uri, 'authorization': auth}
        mode = self.args.mode
        if mode == 'none':
            return True, '', extra
        if auth is None:
            return False, 'no Authorization header', extra
        if mode == 'basic':
            expected = 'Basic ' + base64.b64encode(
                ('%s:%s' % (self.args.username, self.args.password)).encode('utf-8')).decode('ascii')
            if hmac.compare_digest(auth.encode('utf-8'), expected.encode('utf-8')):
                return True, '', extra
            return False, 'wrong basic credentials', extra
        if mode == 'oauth':
            if not auth.startswith('OAuth '):
                return False, 'not an OAuth header', extra
            extra['nonce'] = oauth_verify.header_params(auth).get('oauth_nonce', '')
            sig_ok, base, error = oauth_verify.check_signature(
                'GET', uri, auth, self.args.consumer_secret, self.args.token_secret or '')
            extra['base_string'] = base
            if not sig_ok:
                return False, 'signature: ' + error, extra
            ok, reason = oauth_verify.check_endpoint(self.validator, 'GET', uri, auth)
            if not ok:
                return False, 'endpoint: ' + reason, extra
            return True, '', extra
        if mode == 'jwt':
            if not auth.startswith('Bearer '):
                return False, 'not a Bearer token', extra
            try:
                header, claims = decode_jwt(auth[len('Bearer '):], self.args.jwt_alg, self.jwt_key)
                extra['claims'] = claims
                extra['header'] = header
                return True, '', extra
            except Exception as e:
                return False, 'jwt: %s: %s' % (type(e).__name__, e), extra
        if mode == 'bearer':
            token = self.args.token
            if self.args.token_file:
                with open(self.args.token_file, encoding='utf-8') as f:
                    token = f.read().strip()
            if hmac.compare_digest(auth.encode('utf-8'), ('Bearer ' + (token or '')).encode('utf-8')):
                return True, '', extra
            return False, 'wrong bearer token', extra
        return False, 'unknown mode', extra


async def serve(args):
    checker = Checker(args)

    async def process_request(path, headers):
        ok, reason, extra = checker.check(path, headers)
        event = {'event': 'handshake', 'ok': ok, 'reason': reason}
        event.update(extra)
        emit(event)
        if ok:
            return None
        challenge = {'basic': 'Basic realm="wsout-test"', 'oauth': 'OAuth realm="wsout-test"'}.get(
            args.mode, 'Bearer realm="wsout-test"')
        return http.HTTPStatus.UNAUTHORIZED, [('WWW-Authenticate', challenge), ('Content-Type', 'text/plain')], \
            ('unauthorized: %s\n' % reason).encode('utf-8')

    async def handler(ws, path=None):
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    message = message.decode('utf-8', 'replace')
                emit({'event': 'message', 'data': message})
                if message == '__drop__':
                    # Drop the connection without a close handshake, as a
                    # crashed or restarted server would: the client must
                    # reconnect (and sign that handshake afresh).
                    ws.transport.abort()
                    return
        except websockets.ConnectionClosed:
            pass

    ssl_ctx = None
    if args.tls_cert:
        ssl_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ssl_ctx.load_cert_chain(args.tls_cert, args.tls_key)

    async with websockets.serve(handler, '127.0.0.1', args.port, process_request=process_request,
                                ssl=ssl_ctx) as server:
        port = server.sockets[0].getsockname()[1]
        sys.stdout.write('%d\n' % port)
        sys.stdout.flush()
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        # Stop after --lifetime seconds, or (with --stdin-eof) when stdin
        # closes: a test that dies never leaves the server behind.
        if args.stdin_eof:
            loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or (
                sys.stdin.buffer.read1(4096) == b'' and stop.set_result(None)))
        try:
            await asyncio.wait_for(stop, timeout=args.lifetime)
        except asyncio.TimeoutError:
            pass


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='command', required=True)
    s = sub.add_parser('serve')
    s.add_argument('--mode', choices=['none', 'basic', 'oauth', 'jwt', 'bearer'], required=True)
    s.add_argument('--port', type=int, default=0)
    s.add_argument('--lifetime', type=float, default=300.0)
    s.add_argument('--stdin-eof', action='store_true', help='exit when stdin reaches end of file')
    s.add_argument('--username', default='')
    s.add_argument('--password', default='')
    s.add_argument('--consumer-key', default='')
    s.add_argument('--consumer-secret', default='')
    s.add_argument('--access-token', default='')
    s.add_argument('--token-secret', default='')
    s.add_argument('--jwt-alg', default='RS256')
    s.add_argument('--jwt-key')
    s.add_argument('--jwt-secret')
    s.add_argument('--token')
    s.add_argument('--token-file')
    s.add_argument('--public-url', help='verify OAuth against this URL instead of Host + request target')
    s.add_argument('--tls-cert')
    s.add_argument('--tls-key')
    v = sub.add_parser('verify-jwt')
    v.add_argument('cases')
    args = parser.parse_args()
    if args.command == 'verify-jwt':
        text = sys.stdin.read() if args.cases == '-' else open(args.cases, encoding='utf-8').read()
        results = verify_jwt_cases(json.loads(text))
        json.dump(results, sys.stdout)
        sys.stdout.write('\n')
        return 0 if all(r['ok'] for r in results) else 1
    asyncio.run(serve(args))
    return 0


if __name__ == '__main__':
    sys.exit(main())
