#!/usr/bin/python3
"""Verify OAuth 1.0a (RFC 5849) Authorization headers with oauthlib.

Run with Debian's /usr/bin/python3 (python3-oauthlib). Two independent
checks, both done by oauthlib's own code:

  signature  oauthlib.oauth1.rfc5849.signature: collect_parameters,
             normalize_parameters, base_string_uri, signature_base_string
             and sign_hmac_sha1 / sign_hmac_sha256 / sign_plaintext; the
             signature in the header must equal oauthlib's.
  endpoint   a ResourceEndpoint (or, without oauth_token, a
             SignatureOnlyEndpoint) with a RequestValidator that knows the
             credentials and remembers nonces: mandatory parameters,
             timestamp within 600 s of now, oauthlib's default key and
             nonce format checks (20-30 alphanumerics), nonce reuse
             rejected, signature verified.

Command line: oauth_verify.py CASES.json  (or '-' for stdin). CASES is a
list of objects {"method", "uri", "authorization", "consumer_key",
"consumer_secret", "access_token", "token_secret", "endpoint": bool}; "uri"
is the absolute http(s) URL the server saw. Prints a JSON list of
{"ok", "signature_ok", "endpoint_ok", "base_string", "nonce", "error"}.
Nonces are remembered across the cases of one run (so a repeated nonce
fails the endpoint check). Exit status 0 when every case is ok.
"""

import hmac
import json
import sys
from urllib.parse import urlparse

from oauthlib.oauth1 import RequestValidator, ResourceEndpoint, SignatureOnlyEndpoint
from oauthlib.oauth1.rfc5849 import signature, utils


def header_params(authorization):
    """The oauth_* parameters of an Authorization header, decoded."""
    return {k: utils.unescape(v) for k, v in utils.parse_authorization_header(authorization)}


def check_signature(method, uri, authorization, consumer_secret, token_secret):
    """oauthlib's signature functions; returns (ok, base_string, error)."""
    try:
        params = signature.collect_parameters(uri_query=urlparse(uri).query,
                                              headers={'Authorization': authorization})
        oauth = header_params(authorization)
        sent = oauth.get('oauth_signature', '')
        sig_method = oauth.get('oauth_signature_method', '')
        base = signature.signature_base_string(method, signature.base_string_uri(uri),
                                               signature.normalize_parameters(params))
        if sig_method == 'HMAC-SHA1':
            expected = signature.sign_hmac_sha1(base, consumer_secret, token_secret)
        elif sig_method == 'HMAC-SHA256':
            expected = signature.sign_hmac_sha256(base, consumer_secret, token_secret)
        elif sig_method == 'PLAINTEXT':
            expected = signature.sign_plaintext(consumer_secret, token_secret)
        else:
            return False, base, 'unsupported signature method %r' % sig_method
        if not hmac.compare_digest(expected, sent):
            return False, base, 'signature mismatch'
        return True, base, ''
    except Exception as e:  # a malformed header is a failed verification
        return False, '', '%s: %s' % (type(e).__name__, e)


class Validator(RequestValidator):
    """Knows one client and (optionally) one token; remembers nonces."""

    def __init__(self, consumer_key, consumer_secret, access_token='', token_secret='', https=False):
        super().__init__()
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.access_token = access_token
        self.token_secret = token_secret
        self.https = https
        self.nonces = set()
        self.reason = ''

    @property
    def enforce_ssl(self):
        return self.https

    @property
    def dummy_client(self):
        return 'dummyClientKeyForTimingAttacks'

    @property
    def dummy_access_token(self):
        return 'dummyAccessTokenForTimingAttacks'

    def validate_client_key(self, client_key, request):
        ok = hmac.compare_digest(client_key, self.consumer_key)
        if not ok:
            self.reason = 'unknown client key'
        return ok

    def validate_access_token(self, client_key, token, request):
        ok = bool(self.access_token) and hmac.compare_digest(token, self.access_token)
        if not ok:
            self.reason = 'unknown access token'
        return ok

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request,
                                     request_token=None, access_token=None):
        key = (client_key, timestamp, nonce, access_token)
        if key in self.nonces:
            self.reason = 'nonce reused'
            return False
        self.nonces.add(key)
        return True

    def validate_realms(self, client_key, token, request, uri=None, realms=None):
        return True

    def get_client_secret(self, client_key, request):
        return self.consumer_secret if client_key == self.consumer_key else 'dummy'

    def get_access_token_secret(self, client_key, token, request):
        return self.token_secret if token == self.access_token else 'dummy'


def check_endpoint(validator, method, uri, authorization):
    """oauthlib's endpoint; returns (ok, error)."""
    validator.reason = ''
    headers = {'Authorization': authorization}
    if 'oauth_token=' in authorization:
        ok, request = ResourceEndpoint(validator).validate_protected_resource_request(
            uri, http_method=method, headers=headers)
    else:
        ok, request = SignatureOnlyEndpoint(validator).validate_request(
            uri, http_method=method, headers=headers)
    if ok:
        return True, ''
    reason = validator.reason
    if not reason and request is not None:
        reason = 'rejected (%s)' % json.dumps(request.validator_log) if request.validator_log else \
            'rejected by the mandatory parameter checks (format, timestamp window, version, transport)'
    return False, reason or 'malformed request'


def verify_cases(cases):
    validators = {}
    results = []
    for case in cases:
        method = case.get('method', 'GET')
        uri = case['uri']
        auth = case['authorization']
        cs = case.get('consumer_secret', '')
        ts = case.get('token_secret', '')
        sig_ok, base, error = check_signature(method, uri, auth, cs, ts)
        result = {'signature_ok': sig_ok, 'base_string': base, 'error': error,
                  'nonce': header_params(auth).get('oauth_nonce', '') if auth.startswith('OAuth ') else ''}
        endpoint_ok = True
        if case.get('endpoint', False):
            key = (case.get('consumer_key', ''), cs, case.get('access_token', ''), ts,
                   uri.lower().startswith('https://'))
            if key not in validators:
                validators[key] = Validator(*key)
            endpoint_ok, reason = check_endpoint(validators[key], method, uri, auth)
            if not endpoint_ok and not result['error']:
                result['error'] = 'endpoint: ' + reason
        result['endpoint_ok'] = endpoint_ok
        result['ok'] = sig_ok and endpoint_ok
        results.append(result)
    return results


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else '-'
    text = sys.stdin.read() if source == '-' else open(source, encoding='utf-8').read()
    results = verify_cases(json.loads(text))
    json.dump(results, sys.stdout)
    sys.stdout.write('\n')
    return 0 if all(r['ok'] for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
