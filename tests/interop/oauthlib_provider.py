#!/usr/bin/python3
"""python3-oauthlib side of the two-direction provider cross-check (tests/unit/provider_oauthlib.cpp).

Run with Debian's interpreter (python3-oauthlib 3.2.2 + python3-cryptography + python3-jwt):

    /usr/bin/python3 tests/interop/oauthlib_provider.py sign --count 280 --seed 7 \
        --timestamp 1700000000 --rsa-key tests/data/keys/oauthlib_key.pem > signed.tsv
    /usr/bin/python3 tests/interop/oauthlib_provider.py verify requests.tsv \
        --rsa-pub tests/data/keys/oauthlib_pub.pem

Every field of every record is the lowercase hex of its UTF-8 bytes (the body: of its raw bytes), fields are
separated by one TAB, one record per line; an empty field is the empty string.

`sign`: oauthlib.oauth1.Client signs `--count` pseudo-random (seeded, deterministic) requests, cycling through
`--methods`, with fixed nonces and timestamps in [T, T+99] (T = `--timestamp`), so the C++ verifier can use a
fixed clock. Output records, 17 fields:

     1 http method        2 url (as sent)       3 content type        4 body (as sent)     5 Authorization
     6 consumer_key       7 consumer_secret     8 token               9 token_secret      10 signature_method
    11 requirement       12 transport          13 realm              14 callback          15 verifier
    16 nonce             17 timestamp

requirement is the provider endpoint kind: `none` (temporary credentials: oauth_callback, no token),
`request` (token credentials: request token + oauth_verifier), `access` (protected resource with an access
token), `optional` (protected resource, consumer-only "two-legged" request). transport is where oauthlib put
the protocol parameters: `header` (Authorization), `query` (the URL), `body` (the form body); field 5 is empty
unless transport is `header`.

`verify FILE`: each record of FILE (9 fields: http method, url, content type, body, Authorization, consumer_key,
consumer_secret, token, token_secret; written by the C++ test) is checked by oauthlib's SignatureOnlyEndpoint
with a RequestValidator that knows exactly that record's credentials (and the RSA public key). One output line
per record, in order: `ok`, or `fail <reason>` with oauthlib's log messages for that record. A nonce seen twice
(same consumer, token, timestamp, nonce) fails. The endpoint compares oauth_timestamp with the real clock
(600 s), so the C++ side signs with the current time.

What the generators avoid (oauthlib 3.2.2 deviations, see tests/interop/README.md D1-D7 and C1-C5): `%` in a
decoded protocol value when the protocol parameters travel in the query or body (D4: oauthlib decodes oauth_*
values there twice); characters outside oauthlib's urldecode whitelist in queries and bodies (D5); invalid
UTF-8 (D3); empty pairs (D6); paths ending in `;`, non-canonical IPv6 and RFC 3986 normalisation cases (D1, D2,
D7); a body on GET/HEAD (C4). oauthlib's Client adds oauth_body_hash (always SHA-1) to every request with a
non-form body, so JSON bodies are generated only with HMAC-SHA1 and RSA-SHA1, where oauth1 also uses SHA-1 (for
the SHA-256/512 methods oauth1 hashes the body with the method's digest, oauthlib with SHA-1).
"""

import argparse
import logging
import random
import re
import sys
import urllib.parse

try:
    from oauthlib.oauth1 import (Client, RequestValidator, SignatureOnlyEndpoint, SIGNATURE_TYPE_AUTH_HEADER,
                                 SIGNATURE_TYPE_BODY, SIGNATURE_TYPE_QUERY)
except ImportError as exc:  # pragma: no cover
    sys.stderr.write('oauthlib_provider.py: cannot import oauthlib (%s); run it with /usr/bin/python3 '
                     '(Debian python3-oauthlib)\n' % exc)
    sys.exit(2)

FORM = 'application/x-www-form-urlencoded'
ALL_METHODS = ['HMAC-SHA1', 'RSA-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'RSA-SHA256', 'RSA-SHA512', 'PLAINTEXT']
SHA1_METHODS = ('HMAC-SHA1', 'RSA-SHA1')


def hexf(value):
    if isinstance(value, str):
        value = value.encode('utf-8')
    return value.hex()


def unhexf(field):
    return bytes.fromhex(field)


def enc(text):
    """RFC 3986 / RFC 5849 3.6 percent-encoding (upper-case hex, unreserved characters kept)."""
    return urllib.parse.quote(text, safe='-._~')


# ------------------------------------------------------------------------------------------------------------
# sign
# ------------------------------------------------------------------------------------------------------------

HOSTS = ['photos.example.net', 'Photos.Example.NET', 'jira.example.com', 'localhost', '127.0.0.1', '[::1]']
PATH_SEGMENTS = ['photos', 'rest', 'api', '2', 'issue', 'JJ-2', 'a.b', 'x_y~z', 'caf%C3%A9', 'a%20b', 'a%2Fb',
                 '%E6%97%A5%E6%9C%AC', 'v1.0', "it's", '(x)', 'a+b', 'k=v', 'a,b', '@me', 'a:b', '!']
NAMES = ['a', 'b', 'file', 'size', 'q', 'a2', 'A', 'x-y', 'c@', 'ä', 'sp ace', 'amp&', 'eq=', 'jql']
VALUES = ['', '1', 'vacation.jpg', 'original', 'r b', '2 q', '=%3D', 'a+b', '100%', 'x/y?z#w', 'ünïcödé',
          '日本', 'project = JJ AND status != Done', '~-._', "it's", '*', 'a&b=c', 'tab\there', '\n']
# Protocol values that stay free of '%' once decoded (safe for query/body transport, D4).
PLAIN_KEYS = ['dpf43f3p2l4k3l03', 'OauthKey', 'consumer-1', 'ck.with~marks', 'x']
SPECIAL_KEYS = ['key with spaces', 'k&e=y', 'üñí', 'a%20b', 'a+b/c']
SECRETS = ['kd94hf93k423kf44', 's e c r e t', '&=%+', 'üñí€', '', 'just-a-string    asdasd']
PLAIN_SECRETS = ['kd94hf93k423kf44', 'secret-1', '', 'ABC_xyz.0~']
CALLBACKS_PLAIN = ['oob', 'http://printer.example.com/ready', 'https://client.example.org/cb?state=1']
CALLBACKS_SPECIAL = ['http://printer.example.com/ready?x=a%20b', 'https://c.example/cb?q=a+b&r=%2F']
REALMS = [None, None, 'Example', 'JIRA', 'http://sp.example.com/', 'Photos Realm']


def lower_hex(text):
    return re.sub(r'%[0-9A-F]{2}', lambda m: m.group(0).lower(), text)


def form_text(rng, count):
    """An application/x-www-form-urlencoded text of `count` pairs in varied (legal) spellings."""
    parts = []
    for _ in range(count):
        name = rng.choice(NAMES)
        value = rng.choice(VALUES)
        style = rng.randrange(4)
        if style == 0:
            text = urllib.parse.quote_plus(name) + '=' + urllib.parse.quote_plus(value)
        elif style == 1:
            text = enc(name) + '=' + enc(value)
        elif style == 2:  # lower-case hex digits in the escapes (decoded the same way)
            text = lower_hex(enc(name)) + '=' + lower_hex(enc(value))
        else:
            text = enc(name) + ('' if value == '' else '=' + enc(value))  # bare name when the value is empty
        parts.append(text)
    return '&'.join(parts)


def make_url(rng):
    scheme = rng.choice(['http', 'https'])
    host = rng.choice(HOSTS)
    port = rng.choice(['', '', '', '80', '443', '8080', '8443'])
    authority = host + (':' + port if port else '')
    path = ''
    for _ in range(rng.randrange(4)):
        path += '/' + rng.choice(PATH_SEGMENTS)
    if rng.randrange(5) == 0:
        path += '/'
    query = form_text(rng, rng.randrange(4)) if rng.randrange(3) else ''
    return '%s://%s%s%s' % (scheme, authority, path, '?' + query if query else '')


def gen_signed(count, seed, timestamp, methods, rsa_pem):
    rng = random.Random(seed)
    for i in range(count):
        method = methods[i % len(methods)]
        requirement = ['access', 'optional', 'none', 'request'][(i // len(methods)) % 4]
        http_method = rng.choice(['GET', 'POST', 'POST', 'PUT', 'DELETE', 'post', 'Put'])
        has_body = http_method.upper() in ('POST', 'PUT')
        if not has_body:
            body_kind = 'none'
        elif method in SHA1_METHODS:
            body_kind = rng.choice(['form', 'json', 'json', 'none'])
        else:
            body_kind = rng.choice(['form', 'form', 'none'])
        transports = ['header', 'header', 'query'] + (['body'] if body_kind == 'form' else [])
        transport = rng.choice(transports)
        plain_only = transport != 'header'

        consumer_key = rng.choice(PLAIN_KEYS if plain_only else PLAIN_KEYS + SPECIAL_KEYS)
        if method == 'PLAINTEXT' and plain_only:
            consumer_secret = rng.choice(PLAIN_SECRETS)
        else:
            consumer_secret = rng.choice(SECRETS)
        token = token_secret = callback = verifier = ''
        if requirement in ('access', 'request'):
            token = rng.choice(PLAIN_KEYS if plain_only else PLAIN_KEYS + SPECIAL_KEYS) + '-tok%d' % i
            token_secret = rng.choice(PLAIN_SECRETS if (method == 'PLAINTEXT' and plain_only) else SECRETS)
        if requirement == 'none':
            callback = rng.choice(CALLBACKS_PLAIN if plain_only else CALLBACKS_PLAIN + CALLBACKS_SPECIAL)
        if requirement == 'request':
            verifier = 'hfdp7dh39dks9884' if plain_only else rng.choice(['hfdp7dh39dks9884', 'v e r/1'])
        realm = rng.choice(REALMS)
        nonce = 'n%06d%08x' % (i, rng.getrandbits(32))
        ts = str(timestamp + rng.randrange(100))
        url = make_url(rng)

        headers = {}
        body = None
        if body_kind == 'form':
            body = form_text(rng, 1 + rng.randrange(4))
            headers['Content-Type'] = FORM
        elif body_kind == 'json':
            body = '{"fields": {"summary": "caf\u00e9 %d", "n": [1, 2]}}' % i
            headers['Content-Type'] = 'application/json'

        client = Client(consumer_key, client_secret=consumer_secret,
                        resource_owner_key=token or None, resource_owner_secret=token_secret or None,
                        callback_uri=callback or None, verifier=verifier or None,
                        signature_method=method, rsa_key=rsa_pem if method.startswith('RSA-') else None,
                        signature_type={'header': SIGNATURE_TYPE_AUTH_HEADER, 'query': SIGNATURE_TYPE_QUERY,
                                        'body': SIGNATURE_TYPE_BODY}[transport],
                        realm=realm, nonce=nonce, timestamp=ts)
        out_uri, out_headers, out_body = client.sign(url, http_method=http_method, body=body, headers=headers)
        authorization = out_headers.get('Authorization', '')
        if (transport == 'header') != bool(authorization):
            raise SystemExit('oauthlib_provider.py: unexpected Authorization header for transport %s' % transport)
        content_type = out_headers.get('Content-Type', '')
        body_bytes = (out_body or '').encode('utf-8')
        # The realm travels only in the Authorization header.
        realm_sent = realm if transport == 'header' and realm else ''
        yield [http_method, out_uri, content_type, body_bytes, authorization, consumer_key, consumer_secret, token,
               token_secret, method, requirement, transport, realm_sent, callback, verifier, nonce, ts]


# ------------------------------------------------------------------------------------------------------------
# verify
# ------------------------------------------------------------------------------------------------------------

class Validator(RequestValidator):
    """Knows one record's credentials; relaxes oauthlib's format checks (key/nonce length and alphabet) that RFC
    5849 does not impose, and SSL enforcement (the requests are not sent anywhere)."""

    def __init__(self, consumer_key, consumer_secret, token, token_secret, rsa_pub, seen):
        super().__init__()
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.token = token
        self.token_secret = token_secret
        self.rsa_pub = rsa_pub
        self.seen = seen

    enforce_ssl = False

    def check_client_key(self, client_key):
        return bool(client_key)

    def check_nonce(self, nonce):
        return bool(nonce)

    @property
    def dummy_client(self):
        return 'dummy-client'

    @property
    def dummy_access_token(self):
        return 'dummy-token'

    def validate_client_key(self, client_key, request):
        return client_key == self.consumer_key

    def get_client_secret(self, client_key, request):
        return self.consumer_secret if client_key == self.consumer_key else 'dummy'

    def get_access_token_secret(self, client_key, token, request):
        if client_key == self.consumer_key and token == self.token:
            return self.token_secret
        return 'dummy'

    def get_rsa_key(self, client_key, request):
        return self.rsa_pub

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, request_token=None,
                                     access_token=None):
        key = (client_key, timestamp, nonce, request.resource_owner_key or '')
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage().replace('\n', ' ').replace('\t', ' '))


def verify(path, rsa_pub):
    log = logging.getLogger('oauthlib')
    log.setLevel(logging.DEBUG)
    collect = Collect()
    log.addHandler(collect)
    log.propagate = False
    seen = set()
    out = []
    with open(path, 'r', encoding='ascii') as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line:
                continue
            fields = line.split('\t')
            if len(fields) != 9:
                sys.stderr.write('oauthlib_provider.py: %s:%d: %d fields, expected 9\n' % (path, number, len(fields)))
                return 2
            method, url, content_type, body, authorization, ck, cs, tok, ts = (unhexf(x) for x in fields)
            headers = {}
            if authorization:
                headers['Authorization'] = authorization.decode('utf-8')
            if content_type:
                headers['Content-Type'] = content_type.decode('utf-8')
            validator = Validator(ck.decode('utf-8'), cs.decode('utf-8'), tok.decode('utf-8'), ts.decode('utf-8'),
                                  rsa_pub, seen)
            endpoint = SignatureOnlyEndpoint(validator)
            collect.messages = []
            try:
                valid, _ = endpoint.validate_request(url.decode('utf-8'), method.decode('ascii'),
                                                     body.decode('utf-8'), headers)
            except Exception as exc:  # a crash in oauthlib is a failure of that record, not of the run
                valid = False
                collect.messages.append('exception %s: %s' % (type(exc).__name__, exc))
            out.append('ok' if valid else 'fail ' + (' | '.join(collect.messages) or 'no reason logged'))
    sys.stdout.write(''.join(o + '\n' for o in out))
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='command', required=True)
    s = sub.add_parser('sign', help='print requests signed by oauthlib')
    s.add_argument('--count', type=int, default=280)
    s.add_argument('--seed', type=int, default=1)
    s.add_argument('--timestamp', type=int, default=1700000000, help='T: timestamps are T..T+99')
    s.add_argument('--methods', default=','.join(ALL_METHODS))
    s.add_argument('--rsa-key', default='tests/data/keys/oauthlib_key.pem')
    v = sub.add_parser('verify', help='verify requests with oauthlib SignatureOnlyEndpoint')
    v.add_argument('file')
    v.add_argument('--rsa-pub', default='tests/data/keys/oauthlib_pub.pem')
    args = ap.parse_args(argv)

    if args.command == 'sign':
        methods = [m.strip() for m in args.methods.split(',') if m.strip()]
        if not methods or any(m not in ALL_METHODS for m in methods):
            ap.error('--methods: choose from %s' % ','.join(ALL_METHODS))
        with open(args.rsa_key, 'r', encoding='ascii') as f:
            rsa_pem = f.read()
        out = sys.stdout
        for record in gen_signed(args.count, args.seed, args.timestamp, methods, rsa_pem):
            out.write('\t'.join(hexf(x) for x in record) + '\n')
        out.flush()
        return 0
    with open(args.rsa_pub, 'r', encoding='ascii') as f:
        rsa_pub = f.read()
    return verify(args.file, rsa_pub)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
