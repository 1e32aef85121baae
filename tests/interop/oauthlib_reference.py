#!/usr/bin/python3
"""Independent OAuth 1.0a reference vectors computed with python3-oauthlib.

Run with Debian's interpreter (python3-oauthlib 3.2.2 + python3-cryptography + python3-jwt):

    /usr/bin/python3 tests/interop/oauthlib_reference.py --count 2000 --seed 1 \
        --rsa-key tests/data/keys/oauthlib_key.pem [--methods HMAC-SHA1,HMAC-SHA256,RSA-SHA1,PLAINTEXT]
    /usr/bin/python3 tests/interop/oauthlib_reference.py --self-test
    /usr/bin/python3 tests/interop/oauthlib_reference.py --deviations

It generates pseudo-random but deterministic (seeded) OAuth 1.0a requests and prints, for each, the signature
base string, the normalised parameter string and the signature that oauthlib computes.  One record per line,
18 TAB-separated fields, every field the lowercase hex of its UTF-8 bytes (see tests/interop/README.md):

     1 signature_method   2 http method        3 url (as sent)      4 content_type       5 body (raw bytes)
     6 consumer_key       7 consumer_secret    8 token              9 token_secret      10 nonce
    11 timestamp         12 include_version   13 realm             14 callback         15 verifier
    16 base string       17 signature         18 normalised parameters

The protocol parameters are oauth_consumer_key, oauth_signature_method, oauth_timestamp, oauth_nonce, plus
oauth_version=1.0 when include_version is 1, oauth_token when the token is non-empty, oauth_callback /
oauth_verifier when those are non-empty.  The realm is sent in the Authorization header but never signed.
The form body is signed only when the content type is application/x-www-form-urlencoded (charset suffix
allowed).  No oauth_body_hash.

How the reference is computed (all oauthlib's own building blocks, oauthlib.oauth1.rfc5849.signature):
  parameters.prepare_headers (builds the Authorization header from the protocol params and the realm)
  -> signature.collect_parameters(uri_query=urlparse(url).query, body=<form body or None>, headers=...,
                                  exclude_oauth_signature=True, with_realm=False)
  -> signature.normalize_parameters -> signature.base_string_uri(url) -> signature.signature_base_string
  -> signature.sign_{hmac_sha1,hmac_sha256,hmac_sha512,rsa_sha1,rsa_sha256,rsa_sha512}_with_client / sign_plaintext.
Every record is cross-checked against oauthlib.oauth1.Client(..., nonce=, timestamp=).sign() (the header it
produces must carry the same protocol parameters and the same signature), and against a few RFC facts that
are independent of oauthlib (the base string URI; the decoded parameter list that the generator intended), so
that an input class on which oauthlib deviates from RFC 5849 cannot slip into the output silently.

Input classes deliberately NOT generated (oauthlib 3.2.2 deviates from RFC 5849 on them, rejects them, or RFC
5849 does not define the answer).  `--deviations` prints the concrete evidence for each:
  D1  Path whose last segment's first ';' is its last character (`/a;`, `/x;y/b;`): oauthlib's base_string_uri
      uses urllib.parse.urlparse, which splits ";params" off the last segment, and urlunparse drops an empty
      params part: `http://example.com/a;` -> `http://example.com/a`.  RFC 5849 3.4.1.2 keeps the path of the
      request URI as is: `http://example.com/a;`.  (`/a;b`, `/a;b;`, `;` in earlier segments are fine and ARE
      generated.)
  D2  Non-canonical IPv6 literals (`[2001:db8:0:0:0:0:0:1]`, `[::ffff:127.0.0.1]`): base_string_uri
      round-trips the host through ipaddress.ip_address, which compresses it (`[2001:db8::1]`,
      `[::ffff:7f00:1]`).  RFC 5849 3.4.1.2 only lower-cases the host, which must match the Host header as
      sent.  Canonical literals (`[::1]`, `[2001:db8::1]`, and upper-case `[2001:DB8::1]`, which only gets
      lower-cased) ARE generated.
  D3  Percent-encoded octets that are not valid UTF-8 in the query or form body (`a=%FF`): urldecode uses
      urllib.parse.parse_qsl, which decodes to str with errors='replace', so the value becomes U+FFFD and is
      re-encoded as `%EF%BF%BD`.  RFC 5849 3.4.1.3 / 3.6 work on octets: `a=%FF`.
  D4  Non-protocol parameters whose name starts with `oauth_` in the query or body (`oauth_x=%2541`):
      collect_parameters unescapes every `oauth_*` value a second time after parse_qsl already decoded it,
      giving `oauth_x=A`; RFC 5849 3.4.1.3.1 decodes once: `oauth_x=%2541`.  (The protocol parameters
      themselves travel in the Authorization header, where oauthlib decodes once, correctly.)  The same bug
      breaks oauthlib's own Client with signature_type=QUERY or BODY (RFC 5849 3.5.2/3.5.3) whenever a
      protocol value contains '%': callback `http://printer.example.com/ready?x=a%20b`, consumer key `k`,
      secret `s`, nonce `n`, timestamp `1`, POST http://example.com/initiate: the header form signs
      `ANttmauQGnzivzH0zaQyZWC7/Yc=` (correct), the query/body forms sign `fcrx/nmXdwCznACjWXPvKaPDg84=` over
      `...ready%3Fx%3Da%20b` although an RFC server decodes `...a%2520b` once and expects `ANttmauQ...`.
  D5  Characters outside oauthlib's urldecode whitelist in the query or form body (raw `[`, `]`, space, `"`,
      `<`, `>`, `{`, `}`, `|`, `\\`, `^`, backquote, raw non-ASCII): for the query oauthlib raises ValueError;
      for the body extract_params silently returns None and the body parameters are silently NOT signed
      (oauthlib.oauth1.Client raises "body was not decodable" instead).  RFC 3986 does not allow these
      characters unencoded in a query and HTML 4.0 17.13.4 form encoding escapes them, so a conforming client
      sends `%5B%5D`, `+`/`%20`, `%C3%A9` ... which ARE generated.
  D6  Empty pairs (`a=1&&b=2`, leading/trailing `&`) and empty names (`=v`): parse_qsl drops empty pairs and
      keeps an empty name; RFC 5849 / HTML 4.0 do not say what an empty pair is, so there is no single right
      answer.
  D7  Path forms whose meaning depends on RFC 3986 6.2 normalisation, about which RFC 5849 says nothing:
      lower-case hex digits (`%c3%a9`) and percent-encoded unreserved characters (`%7E`, `%41`) in the
      path, dot-segments (`/a/../b`), an empty port (`http://example.com:/`), ports with leading zeros
      (`:080`, which oauthlib treats as the default port 80 and drops), userinfo, IDN hosts, fragments.
      oauthlib keeps the path verbatim.  (Lower-case hex and encoded unreserved characters in the QUERY and
      BODY are well defined - decode once, encode once - and ARE generated.)
Limitations of oauthlib.oauth1.Client (used only for the cross-check; the reference values come from the
building blocks above):
  C1  Client compares Content-Type by exact string equality with "application/x-www-form-urlencoded", so
      with `application/x-www-form-urlencoded; charset=UTF-8` and a decodable body it raises "Body contains
      parameters but Content-Type header was ...".  RFC 5849 3.4.1.3.1 requires the Content-Type to be that
      media type; a charset parameter does not change the media type (RFC 7231 3.1.1.1).  The cross-check
      therefore passes the bare media type to Client; the building blocks sign the body for both forms.
  C2  Client adds oauth_body_hash (draft-eaton-oauth-bodyhash) whenever a body is present and the
      Content-Type is not form-encoded, and raises "Body contains parameters but Content-Type header was
      text/plain" for a non-form body that happens to parse as a form (`hello`).  The cross-check passes
      body=None and no Content-Type to Client for non-form requests (their body is never signed anyway).
  C3  Client always adds oauth_version="1.0"; a small subclass drops it when include_version is 0.
  C4  Client raises "GET/HEAD requests should not include body" for a GET with form parameters in the body:
      the generator gives GET requests no body.
  C5  oauthlib's collect_parameters ignores the Content-Type completely (a text/plain body `hello` would be
      signed as `hello=`): the script passes the body to it only for form content types.
"""

import argparse
import os
import random
import sys
import time
import types
import urllib.parse
import warnings

try:
    import oauthlib
    from oauthlib import common as oauth_common
    from oauthlib.oauth1 import Client
    from oauthlib.oauth1.rfc5849 import parameters as oauth_parameters
    from oauthlib.oauth1.rfc5849 import signature as oauth_signature
    from oauthlib.oauth1.rfc5849 import utils as oauth_utils
except ImportError as exc:  # pragma: no cover
    sys.stderr.write('oauthlib_reference.py: cannot import oauthlib (%s); run it with /usr/bin/python3 '
                     '(Debian python3-oauthlib)\n' % exc)
    sys.exit(2)

FORM = 'application/x-www-form-urlencoded'

SIGNERS = {
    'HMAC-SHA1': oauth_signature.sign_hmac_sha1_with_client,
    'HMAC-SHA256': oauth_signature.sign_hmac_sha256_with_client,
    'HMAC-SHA512': oauth_signature.sign_hmac_sha512_with_client,
    'RSA-SHA1': oauth_signature.sign_rsa_sha1_with_client,
    'RSA-SHA256': oauth_signature.sign_rsa_sha256_with_client,
    'RSA-SHA512': oauth_signature.sign_rsa_sha512_with_client,
    'PLAINTEXT': None,  # signature.sign_plaintext(client_secret, resource_owner_secret)
}
DEFAULT_METHODS = ['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'PLAINTEXT']

FIELDS = ['signature_method', 'http_method', 'url', 'content_type', 'body', 'consumer_key', 'consumer_secret',
          'token', 'token_secret', 'nonce', 'timestamp', 'include_version', 'realm', 'callback', 'verifier',
          'base_string', 'signature', 'normalized_params']


class ReferenceMismatch(Exception):
    pass


def is_form(content_type):
    """RFC 5849 3.4.1.3.1: the body is a parameter source only for application/x-www-form-urlencoded.
    Media types are case-insensitive and may carry parameters (charset=...), which do not change the type."""
    return content_type.split(';', 1)[0].strip().lower() == FORM


# ----------------------------------------------------------------------------------------------------------
# Computing a request with oauthlib
# ----------------------------------------------------------------------------------------------------------

def protocol_params(req, method_in_params=None):
    params = [
        ('oauth_consumer_key', req['consumer_key']),
        ('oauth_signature_method', method_in_params or req['signature_method']),
        ('oauth_timestamp', req['timestamp']),
        ('oauth_nonce', req['nonce']),
    ]
    if req['include_version'] == '1':
        params.append(('oauth_version', '1.0'))
    if req['token']:
        params.append(('oauth_token', req['token']))
    if req['callback']:
        params.append(('oauth_callback', req['callback']))
    if req['verifier']:
        params.append(('oauth_verifier', req['verifier']))
    return params


def load_rsa_key(pem):
    """The key object that oauthlib's _sign_rsa would build from the PEM text on every call (it hands the key
    to PyJWT's RSAAlgorithm.prepare_key, which parses and checks the PEM each time - ~80% of the run time -
    and returns an already-loaded key object unchanged).  Built once here with that same prepare_key."""
    return oauth_signature._get_jwt_rsa_algorithm('SHA-1').prepare_key(pem)


def oauthlib_sign(signature_method, base_string, req, rsa_key):
    if signature_method == 'PLAINTEXT':
        return oauth_signature.sign_plaintext(req['consumer_secret'], req['token_secret'])
    creds = types.SimpleNamespace(client_secret=req['consumer_secret'],
                                  resource_owner_secret=req['token_secret'],
                                  rsa_key=rsa_key if signature_method.startswith('RSA-') else None)
    return SIGNERS[signature_method](base_string, creds)


def compute(req, rsa_key, method_in_params=None, signer=None):
    """oauthlib's building blocks -> (normalized params, base string, signature, collected params)."""
    headers = oauth_parameters.prepare_headers(protocol_params(req, method_in_params), {},
                                               realm=req['realm'] or None)
    body_params = None
    if is_form(req['content_type']):
        body_params = req['body'].decode('ascii')
        # collect_parameters -> extract_params silently returns None (body NOT signed) for a body outside
        # oauthlib's urldecode whitelist; call urldecode directly so that such a body raises instead (D5).
        oauth_common.urldecode(body_params)
    collected = oauth_signature.collect_parameters(
        uri_query=urllib.parse.urlparse(req['url']).query, body=body_params, headers=headers,
        exclude_oauth_signature=True, with_realm=False)
    normalized = oauth_signature.normalize_parameters(collected)
    base_uri = oauth_signature.base_string_uri(req['url'])
    base_string = oauth_signature.signature_base_string(req['http_method'], base_uri, normalized)
    sig = oauthlib_sign(signer or req['signature_method'], base_string, req, rsa_key)
    return normalized, base_string, sig, collected, base_uri


class _Client(Client):
    """oauthlib's Client, except that oauth_version is left out when include_version is 0 (C3)."""

    def __init__(self, *args, include_version=True, **kwargs):
        super().__init__(*args, **kwargs)
        self._include_version = include_version

    def get_oauth_params(self, request):
        params = super().get_oauth_params(request)
        if any(k == 'oauth_body_hash' for k, _ in params):
            raise ReferenceMismatch('oauthlib Client added oauth_body_hash')
        if not self._include_version:
            params = [(k, v) for k, v in params if k != 'oauth_version']
        return params


def client_sign(req, rsa_key):
    """Sign with oauthlib.oauth1.Client; returns the protocol parameters from its Authorization header."""
    client = _Client(req['consumer_key'],
                     client_secret=req['consumer_secret'],
                     resource_owner_key=req['token'] or None,
                     resource_owner_secret=req['token_secret'] or None,
                     callback_uri=req['callback'] or None,
                     signature_method=req['signature_method'],
                     rsa_key=rsa_key if req['signature_method'].startswith('RSA-') else None,
                     verifier=req['verifier'] or None,
                     realm=req['realm'] or None,
                     nonce=req['nonce'], timestamp=req['timestamp'],
                     include_version=req['include_version'] == '1')
    if is_form(req['content_type']):
        # C1: the Client only accepts the bare media type.
        body, headers = req['body'].decode('ascii'), {'Content-Type': FORM}
    else:
        # C2: a non-form body is never signed; giving it to Client would add oauth_body_hash.
        body, headers = None, {}
    uri, out_headers, _ = client.sign(req['url'], http_method=req['http_method'], body=body, headers=headers)
    if uri != req['url']:
        raise ReferenceMismatch('Client changed the URL: %r -> %r' % (req['url'], uri))
    items = oauth_utils.parse_authorization_header(out_headers['Authorization'])
    realm = [v for k, v in items if k == 'realm']
    if realm != ([req['realm']] if req['realm'] else []):
        raise ReferenceMismatch('Client realm %r, wanted %r' % (realm, req['realm']))
    return sorted((k, oauth_utils.unescape(v)) for k, v in items if k != 'realm')


# ----------------------------------------------------------------------------------------------------------
# Independent guards (RFC facts that do not come from oauthlib)
# ----------------------------------------------------------------------------------------------------------

def expected_base_uri(parts):
    """RFC 5849 3.4.1.2: lower-case scheme and host, drop :80 for http and :443 for https, empty path is /,
    the path is otherwise the request URI's path as sent; no query, no fragment."""
    scheme = parts['scheme'].lower()
    host = parts['host'].lower()
    port = parts['port']
    if port is None or (scheme, port) in (('http', 80), ('https', 443)):
        netloc = host
    else:
        netloc = '%s:%d' % (host, port)
    return '%s://%s%s' % (scheme, netloc, parts['path'] or '/')


def check_record(req, parts, collected, base_uri):
    want_uri = expected_base_uri(parts)
    if base_uri != want_uri:
        raise ReferenceMismatch('base string URI: oauthlib %r, RFC %r' % (base_uri, want_uri))
    want = sorted(parts['query_pairs'] + parts['body_pairs'] + protocol_params(req))
    if sorted(collected) != want:
        raise ReferenceMismatch('collected parameters: oauthlib %r, intended %r' % (sorted(collected), want))


# ----------------------------------------------------------------------------------------------------------
# Request generator
# ----------------------------------------------------------------------------------------------------------

HOSTS = ['example.com', 'Example.COM', 'EXAMPLE.COM', 'api.Test.org', 'photos.example.net',
         'Photos.Example.Net', 'sub-1.x-y.example', 'localhost', 'jira.Atlassian.example']
IP_HOSTS = ['127.0.0.1', '127.0.0.1', '[::1]', '[2001:db8::1]', '[2001:DB8::1]', '[2001:db8::a:b]']

PATH_WORDS = ['request', 'photos', 'rest', 'api', 'latest', 'issue', 'JJ-2', 'v1', 'initiate', 'token',
              'Users', 'r', 'X', 'a', 'b', 'file.json', '2023', 'plugins', 'servlet', 'oauth']
# Percent-encoded reserved characters and UTF-8 (upper-case hex only, D7), sub-delims and ':' '@' that are
# legal unencoded in a path segment, unreserved marks.
PATH_ATOMS = ['%20', '%2F', '%3A', '%40', '%25', '%3F', '%23', '%2B', '%26', '%3D', '%3B', '%2C',
              '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', ':', '@', '~', '-', '.', '_',
              '%C3%A9', '%E2%82%AC', '%F0%9F%98%80', '%E3%80%81']

NAME_WORDS = ['a', 'a2', 'a3', 'A', 'b5', 'c2', 'c', 'Z', '_x', 'x-y', 'x.y', 'x~y', 'file', 'size', 'q',
              'page', 'jql', 'fields', 'expand', 'n', 'flag', 'status', 'startAt', 'maxResults']
VALUE_WORDS = ['1', '2', 'r', 'a', 'b', 'vacation.jpg', 'original', 'abc', 'XYZ', '0', 'true', '2q', 'JJ-2',
               'summary', '10', 'project']
# (as written in the query / form body, decoded value).  '+' is a space in both (RFC 5849 3.4.1.3.1, W3C
# HTML 4.0 17.13.4); lower-case hex and encoded unreserved characters decode like their canonical forms.
FORM_ATOMS = [
    ('+', ' '), ('%20', ' '), ('%2B', '+'), ('%2b', '+'), ('%3D', '='), ('%3d', '='), ('%26', '&'),
    ('%25', '%'), ('%2520', '%20'), ('%252B', '%2B'), ('%3D%253D', '=%3D'),
    ('%C3%A9', '\u00e9'), ('%c3%a9', '\u00e9'), ('%E2%82%AC', '\u20ac'), ('%F0%9F%98%80', '\U0001F600'),
    ('%E3%80%81', '\u3001'), ('%C2%80', '\u0080'),
    ('-', '-'), ('.', '.'), ('_', '_'), ('~', '~'), ('%7E', '~'), ('%7e', '~'), ('%41', 'A'), ('%2D', '-'),
    ('%5F', '_'),
    (':', ':'), ('@', '@'), ('/', '/'), ('?', '?'), ('!', '!'), ('$', '$'), ("'", "'"), ('(', '('),
    (')', ')'), ('*', '*'), (',', ','), (';', ';'),
    ('%21', '!'), ('%2A', '*'), ('%27', "'"), ('%28', '('), ('%29', ')'), ('%3A', ':'), ('%2F', '/'),
    ('%40', '@'), ('%3F', '?'), ('%23', '#'), ('%5B%5D', '[]'), ('%0A', '\n'), ('%00', '\x00'),
    ('%7F', '\x7f'), ('%22', '"'), ('%09', '\t'),
]
VALUE_ONLY_ATOMS = [('=', '=')]  # a raw '=' after the first one belongs to the value

SECRET_CHARS = list('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') + \
    [' ', ' ', '&', '&', '%', '%', '+', '=', '~', '/', '"', '-', '.', '_', '\u00e9', '\u20ac', '\U0001F600']
SECRETS = ['kd94hf93k423kf44', 'just-a-string    asdasd', 'ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ',
           '100%&done', ' leading and trailing ', 'caf\u00e9 \u20ac&%20']
CONSUMER_KEYS = ['OauthKey', '9djdj82h48djs9d2', 'dpf43f3p2l4k3l03', 'key with space', 'k&y=1%',
                 'cl\u00e9\u20ac', 'a+b/c==']
TOKENS = ['kkk9d7dh3k39sjv7', 'nnch734d00sl2jdk', 'hh5s93j4hdidpola', 'tok+en/==', 'token with space',
          't\u00f6k\u00e9n']
CALLBACKS = ['oob', 'http://printer.example.com/ready', 'https://Client.example.com/cb?state=a%20b&x=1',
             'myapp://oauth/done?x=y+z', 'http://localhost:8080/callback/caf%C3%A9']
REALMS = ['Example', 'Photos', 'http://sp.example.com/', 'JIRA, Inc. realm']
JSON_BODIES = ['{"a":1}', '{"fields":{"summary":"caf\u00e9 \u20ac","project":{"key":"JJ"}}}',
               '[1,2,3]', '{"q":"a=1&b=2"}', '{}']
TEXT_BODIES = ['hello world', 'a=1&b=2', 'x', 'caf\u00e9 \u20ac \u00fcn\u00efc\u00f6d\u00e9', 'c2&a3=2+q', '']
ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'


def _oauthlib_drops_semicolon(path):
    # D1: urlparse splits params at the first ';' after the last '/', urlunparse drops them when empty.
    last = path[path.rfind('/') + 1:]
    i = last.find(';')
    return i != -1 and i == len(last) - 1


class Generator:
    def __init__(self, seed, methods):
        self.rng = random.Random(seed)
        self.methods = methods

    def word(self, n_min, n_max, alphabet=ALNUM):
        return ''.join(self.rng.choice(alphabet) for _ in range(self.rng.randint(n_min, n_max)))

    # --- URL -----------------------------------------------------------------------------------------
    def scheme(self):
        s = self.rng.choice(['http', 'https'])
        if self.rng.random() < 0.04:
            s = self.rng.choice([s.upper(), s.capitalize()])
        return s

    def host(self):
        if self.rng.random() < 0.15:
            return self.rng.choice(IP_HOSTS)
        return self.rng.choice(HOSTS)

    def port(self, scheme):
        scheme = scheme.lower()
        r = self.rng.random()
        if r < 0.55:
            return None
        if r < 0.72:
            return 80 if scheme == 'http' else 443        # default port written explicitly -> dropped
        if r < 0.84:
            return self.rng.choice([8080, 8443])
        if r < 0.94:
            return 443 if scheme == 'http' else 80        # the other scheme's default -> kept
        return self.rng.choice([1, 3000, 8000, 65535])

    def segment(self):
        rng = self.rng
        while True:
            if rng.random() < 0.55:
                seg = rng.choice(PATH_WORDS)
            else:
                seg = ''.join(rng.choice(PATH_ATOMS) if rng.random() < 0.6 else rng.choice(PATH_WORDS)
                              for _ in range(rng.randint(1, 4)))
            if seg not in ('.', '..'):                     # no dot-segments (D7)
                return seg

    def path(self):
        rng = self.rng
        r = rng.random()
        if r < 0.10:
            return ''
        if r < 0.20:
            return '/'
        segs = [self.segment() for _ in range(rng.randint(1, 5))]
        if len(segs) > 1 and rng.random() < 0.08:
            segs.insert(rng.randrange(1, len(segs)), '')   # empty segment: '//'
        path = '/' + '/'.join(segs)
        if rng.random() < 0.15:
            path += '/'
        if _oauthlib_drops_semicolon(path):
            path += rng.choice(PATH_WORDS)                 # D1
        return path

    # --- form-encoded strings (query and body) ---------------------------------------------------------
    def component(self, words, allow_eq):
        rng = self.rng
        atoms = FORM_ATOMS + VALUE_ONLY_ATOMS if allow_eq else FORM_ATOMS
        wire, dec = [], []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
            if rng.random() < 0.5:
                w = rng.choice(words)
                wire.append(w)
                dec.append(w)
            else:
                a = rng.choice(atoms)
                wire.append(a[0])
                dec.append(a[1])
        return ''.join(wire), ''.join(dec)

    def form_string(self, max_pairs):
        """-> (wire string, [(decoded name, decoded value)]).  No empty pairs, no empty names (D6), no
        oauth_ names (D4)."""
        rng = self.rng
        wire_parts, pairs, names = [], [], []
        for _ in range(rng.randint(1, max_pairs)):
            if wire_parts and rng.random() < 0.15:            # exact duplicate pair
                i = rng.randrange(len(wire_parts))
                wire_parts.append(wire_parts[i])
                pairs.append(pairs[i])
                continue
            if names and rng.random() < 0.25:                  # duplicate name, different value
                name = rng.choice(names)
            else:
                name = self.component(NAME_WORDS, False)
                if not name[1] or name[1].startswith('oauth_'):
                    raise AssertionError('generator produced an excluded name %r' % (name,))
                names.append(name)
            r = rng.random()
            if r < 0.12:
                wire_parts.append(name[0])                     # 'flag'  -> flag=
                pairs.append((name[1], ''))
            elif r < 0.25:
                wire_parts.append(name[0] + '=')               # 'a='    -> a=
                pairs.append((name[1], ''))
            else:
                value = self.component(VALUE_WORDS, True)
                wire_parts.append(name[0] + '=' + value[0])
                pairs.append((name[1], value[1]))
        return '&'.join(wire_parts), pairs

    # --- credentials ---------------------------------------------------------------------------------
    def secret(self, allow_empty):
        rng = self.rng
        r = rng.random()
        if allow_empty and r < 0.06:
            return ''
        if r < 0.35:
            return rng.choice(SECRETS)
        return ''.join(rng.choice(SECRET_CHARS) for _ in range(rng.randint(1, 24)))

    def nonce(self):
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            return self.word(6, 32)
        if r < 0.7:
            return self.word(8, 24, ALNUM + '+/') + rng.choice(['', '=', '=='])   # base64-style
        if r < 0.85:
            return self.word(8, 24, ALNUM + '-._~')
        return str(rng.randrange(10 ** 19))

    def timestamp(self):
        if self.rng.random() < 0.1:
            return self.rng.choice(['137131200', '137131201', '1191242096', '1'])
        return str(self.rng.randint(1000000000, 2147483647))

    # --- one request ---------------------------------------------------------------------------------
    def request(self):
        rng = self.rng
        sm = rng.choice(self.methods)
        method = rng.choice(['GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'])
        if rng.random() < 0.12:
            method = rng.choice([method.lower(), method.capitalize()])

        scheme = self.scheme()
        host = self.host()
        port = self.port(scheme)
        path = self.path()
        url = '%s://%s%s%s' % (scheme, host, '' if port is None else ':%d' % port, path)
        r = rng.random()
        query_pairs = []
        if r < 0.05:
            url += '?'                                         # empty query
        elif r >= 0.25:
            query, query_pairs = self.form_string(6)
            url += '?' + query

        content_type, body, body_pairs = '', b'', []
        if method.upper() != 'GET':                            # C4
            r = rng.random()
            if r < 0.50:
                content_type = FORM if r < 0.35 else FORM + '; charset=UTF-8'
                if rng.random() >= 0.12:
                    wire, body_pairs = self.form_string(6)
                    body = wire.encode('ascii')
            elif r < 0.62:
                content_type = 'application/json'
                body = rng.choice(JSON_BODIES).encode('utf-8')
            elif r < 0.70:
                content_type = 'text/plain'
                body = rng.choice(TEXT_BODIES).encode('utf-8')
            elif r < 0.74:
                body = b'a=1&b=2'                              # a body without Content-Type: not signed

        flow = rng.random()
        token = token_secret = callback = verifier = ''
        if flow < 0.15:                                        # temporary credentials request
            callback = rng.choice(CALLBACKS)
        elif flow < 0.85:                                      # token request / resource request
            token = rng.choice(TOKENS) if rng.random() < 0.3 else self.word(8, 32)
            token_secret = self.secret(allow_empty=True)
            if flow < 0.30:
                verifier = rng.choice(['hfdp7dh39dks9884', self.word(4, 16), self.word(6, 12, ALNUM + '-')])
        # else: two-legged, no token

        req = {
            'signature_method': sm,
            'http_method': method,
            'url': url,
            'content_type': content_type,
            'body': body,
            'consumer_key': rng.choice(CONSUMER_KEYS) if rng.random() < 0.5 else self.word(8, 24),
            'consumer_secret': self.secret(allow_empty=True),
            'token': token,
            'token_secret': token_secret,
            'nonce': self.nonce(),
            'timestamp': self.timestamp(),
            'include_version': '1' if rng.random() < 0.6 else '0',
            'realm': rng.choice(REALMS) if rng.random() < 0.3 else '',
            'callback': callback,
            'verifier': verifier,
        }
        parts = {'scheme': scheme, 'host': host, 'port': port, 'path': path,
                 'query_pairs': query_pairs, 'body_pairs': body_pairs if is_form(content_type) else []}
        return req, parts


def hexf(value):
    return (value if isinstance(value, bytes) else value.encode('utf-8')).hex()


def make_record(req, parts, rsa_key):
    normalized, base_string, sig, collected, base_uri = compute(req, rsa_key)
    check_record(req, parts, collected, base_uri)
    client_params = client_sign(req, rsa_key)
    want = sorted(protocol_params(req) + [('oauth_signature', sig)])
    if client_params != want:
        raise ReferenceMismatch('oauthlib Client vs building blocks: %r != %r' % (client_params, want))
    values = dict(req, base_string=base_string, signature=sig, normalized_params=normalized)
    return '\t'.join(hexf(values[f]) for f in FIELDS)


def generate(count, seed, methods, rsa_key, out):
    gen = Generator(seed, methods)
    chunk = []
    for i in range(count):
        req, parts = gen.request()
        try:
            chunk.append(make_record(req, parts, rsa_key))
        except Exception as exc:
            raise ReferenceMismatch('record %d (%r): %s: %s' % (i, req, type(exc).__name__, exc)) from exc
        if len(chunk) == 256:
            out.write(('\n'.join(chunk) + '\n').encode('ascii'))
            chunk = []
    if chunk:
        out.write(('\n'.join(chunk) + '\n').encode('ascii'))


# ----------------------------------------------------------------------------------------------------------
# --self-test: VECTORS.md sections 4-7
# ----------------------------------------------------------------------------------------------------------

def _req(**kw):
    base = {'signature_method': 'HMAC-SHA1', 'http_method': 'GET', 'url': '', 'content_type': '', 'body': b'',
            'consumer_key': '', 'consumer_secret': '', 'token': '', 'token_secret': '', 'nonce': '',
            'timestamp': '', 'include_version': '0', 'realm': '', 'callback': '', 'verifier': ''}
    base.update(kw)
    return base


def self_test(rsa_key, wiki_key, rsa_pem):
    failures = []

    def expect(what, got, want):
        status = 'ok  ' if got == want else 'FAIL'
        print('%s %s' % (status, what))
        if got != want:
            print('      got  %s\n      want %s' % (got, want))
            failures.append(what)

    # Section 4: RFC 5849 3.4.1 worked example (base string keeps HMAC-SHA1 for every row).
    req = _req(http_method='POST', url='http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
               content_type=FORM, body=b'c2&a3=2+q', consumer_key='9djdj82h48djs9d2',
               consumer_secret='ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ', token='kkk9d7dh3k39sjv7',
               token_secret='just-a-string    asdasd', nonce='7d8f3e4a', timestamp='137131201',
               realm='Example')
    norm4 = ('a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce='
             '7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7')
    bs4 = ('POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D'
           '%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signat'
           'ure_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7')
    rows4 = [
        ('HMAC-SHA1', 'wsdNmjGB7lvis0UJuPAmjvX/PXw='),
        ('HMAC-SHA256', 'wdfdHUKXHbOnOGZP8WFAWMSAmWzN3EVBWWgXGlC/Eo4='),
        ('HMAC-SHA512', 'u/vlyZFDxOWOZ9UUXwRBJHvq8/T4jCA74ocRmn2ECnjUBTAeJiZIRU8hDTjS88Tz1fGONffMpdZxUkUTW3k1kg=='),
        ('PLAINTEXT', 'ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ&just-a-string%20%20%20%20asdasd'),
        ('RSA-SHA1', 'mFY2KOEnlYWsTvUA+5kxuBIcvBYXu+ljw9ttVJQxKduMueGSVPCB1tK1PlqVLK738HK0t19ecBJfb6rMxUwrriw+'
                     'MlBO+jpojkZIWccw1J4cAb4qu4M81DbpUAq4j/1w/QyTR4TWCODlEfN7Zfgy8+pf+TjiXfIwRC1jEWbuL1E='),
        ('RSA-SHA256', 'jqKl6m0WS69tiVJV8ZQ6aQEfJqISoZkiPBXRv6Al2+iFSaDpfeXjYm+Hbx6m1azRdrZ/35PM3cvuid3LwW/siAkz'
                       'b0xQcGnTyAPH8YcGWzmnKGY7LsB7fkqThchNxvRK/N7s9M1WMnfZZ+1dQbbwtTs1TG1+iexUcV7r3M7Heec='),
        ('RSA-SHA512', 'jL1CnjlsNd25qoZVHZ2oJft47IRYTjpF5CvCUjL3LY0NTnbEeVhE4amWXUFBe9GLDWdUh/79ZWNOrCirBFIP26cH'
                       'LApjYdt4ZG7EVK0/GubS2v8wT1QPRsog8zyiMZkmg4JXdWCGXG8YRvRJTg+QKhXuXwS6TcMNakrgzgFIVhA='),
    ]
    for method, want_sig in rows4:
        norm, bs, sig, _, _ = compute(req, rsa_key, method_in_params='HMAC-SHA1', signer=method)
        if method == 'HMAC-SHA1':
            expect('4 normalized parameters', norm, norm4)
            expect('4 base string', bs, bs4)
            expect('4 oauthlib.Client HMAC-SHA1', dict(client_sign(req, rsa_key))['oauth_signature'], want_sig)
        expect('4 %s' % method, sig, want_sig)
        if method.startswith('RSA-'):  # the PEM text itself, as oauthlib users pass it
            expect('4 %s (PEM string)' % method,
                   compute(req, rsa_pem, method_in_params='HMAC-SHA1', signer=method)[2], want_sig)
    # The same request through the generator's record path (realm unsigned, form body signed, Client check)
    # with a charset suffix on the content type.
    req_cs = dict(req, content_type=FORM + '; charset=UTF-8')
    expect('4 charset suffix: base string', compute(req_cs, rsa_key)[1], bs4)
    parts = {'scheme': 'http', 'host': 'example.com', 'port': None, 'path': '/request',
             'query_pairs': [('b5', '=%3D'), ('a3', 'a'), ('c@', ''), ('a2', 'r b')],
             'body_pairs': [('c2', ''), ('a3', '2 q')]}
    for ct in (FORM, FORM + '; charset=UTF-8'):
        fields = make_record(dict(req, content_type=ct), parts, rsa_key).split('\t')
        expect('4 record path (%s): signature' % ct, bytes.fromhex(fields[16]).decode(), rows4[0][1])

    # Section 5: RFC 5849 1.2 (HMAC-SHA1, no oauth_version, realm "Photos" not signed).
    common5 = dict(consumer_key='dpf43f3p2l4k3l03', consumer_secret='kd94hf93k423kf44', realm='Photos')
    rows5 = [
        ('initiate', _req(http_method='POST', url='https://photos.example.net/initiate', timestamp='137131200',
                          nonce='wIjqoS', callback='http://printer.example.com/ready', **common5),
         '74KNZJeDHnMBp0EMJ9ZHt/XKycU='),
        ('token', _req(http_method='POST', url='https://photos.example.net/token', token='hh5s93j4hdidpola',
                       token_secret='hdhd0244k9j7ao03', timestamp='137131201', nonce='walatlh',
                       verifier='hfdp7dh39dks9884', **common5),
         'gKgrFCywp7rO0OXSjdot/IHF7IU='),
        ('resource', _req(http_method='GET', url='http://photos.example.net/photos?file=vacation.jpg&size=original',
                          token='nnch734d00sl2jdk', token_secret='pfkkdhi9sl3r4s00', timestamp='137131202',
                          nonce='chapoH', **common5),
         'MdpQcU8iPSUjWoN/UDMsK2sui9I='),
    ]
    for name, r5, want_sig in rows5:
        expect('5 %s' % name, compute(r5, rsa_key)[2], want_sig)
        expect('5 %s oauthlib.Client' % name, dict(client_sign(r5, rsa_key))['oauth_signature'], want_sig)

    # Section 6: OAuth wiki HMAC-SHA1 cases.
    hm = lambda cs, ts, bs: SIGNERS['HMAC-SHA1'](bs, types.SimpleNamespace(client_secret=cs,
                                                                        resource_owner_secret=ts))
    expect('6 cs/(empty)/bs', hm('cs', '', 'bs'), 'egQqG5AJep5sJ7anhXju1unge2I=')
    expect('6 cs/ts/bs', hm('cs', 'ts', 'bs'), 'VZVjXceV7JgPq/dOTnNmEfO0Fv8=')
    r6 = _req(url='http://photos.example.net/photos?file=vacation.jpg&size=original',
              consumer_key='dpf43f3p2l4k3l03', consumer_secret='kd94hf93k423kf44', token='nnch734d00sl2jdk',
              token_secret='pfkkdhi9sl3r4s00', nonce='kllo9940pd9333jh', timestamp='1191242096',
              include_version='1')
    _, bs6, sig6, _, _ = compute(r6, rsa_key)
    expect('6 photos base string', bs6,
           'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4'
           'k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191'
           '242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal')
    expect('6 photos signature', sig6, 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=')

    # Section 7: OAuth wiki RSA-SHA1 case (only if wiki_key.pem is beside the oauthlib key).
    if wiki_key:
        r7 = _req(signature_method='RSA-SHA1',
                  url='http://photos.example.net/photos?file=vacaction.jpg&size=original',
                  consumer_key='dpf43f3p2l4k3l03', nonce='13917289812797014437', timestamp='1196666512',
                  include_version='1')
        _, bs7, sig7, _, _ = compute(r7, wiki_key)
        expect('7 wiki RSA base string', bs7,
               'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%3Ddpf43f'
               '3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA1%26oauth_time'
               'stamp%3D1196666512%26oauth_version%3D1.0%26size%3Doriginal')
        expect('7 wiki RSA-SHA1', sig7,
               'jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LV'
               'TGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE=')
        expect('7 wiki RSA-SHA1 oauthlib.Client', dict(client_sign(r7, wiki_key))['oauth_signature'], sig7)
    else:
        print('skip 7 (wiki_key.pem not found beside the RSA key)')

    # VECTORS.md 2/3 facts through oauthlib.
    expect('2 name without =', oauth_signature.normalize_parameters(
        oauth_signature.collect_parameters(uri_query='name')), 'name=')
    expect('2 a=x!y&a=x+y', oauth_signature.normalize_parameters(
        oauth_signature.collect_parameters(uri_query='a=x!y&a=x+y')), 'a=x%20y&a=x%21y')
    expect('2 x!y=a&x=a', oauth_signature.normalize_parameters(
        oauth_signature.collect_parameters(uri_query='x!y=a&x=a')), 'x=a&x%21y=a')
    expect('2 a2=1&a=1', oauth_signature.normalize_parameters(
        oauth_signature.collect_parameters(uri_query='a2=1&a=1')), 'a=1&a2=1')
    for u in ('http://example.com?n=v', 'http://example.com/?n=v'):
        expect('3 ' + u, oauth_signature.signature_base_string(
            'GET', oauth_signature.base_string_uri(u),
            oauth_signature.normalize_parameters(oauth_signature.collect_parameters(
                uri_query=urllib.parse.urlparse(u).query))), 'GET&http%3A%2F%2Fexample.com%2F&n%3Dv')

    # Generator: determinism and a short run with all cross-checks.
    import io
    outs = []
    for _ in range(2):
        buf = io.BytesIO()
        generate(300, 12345, list(SIGNERS), rsa_key, buf)
        outs.append(buf.getvalue())
    expect('generator: 300 records, same seed -> identical bytes', outs[0] == outs[1], True)
    expect('generator: 300 records, 18 fields each',
           all(len(l.split(b'\t')) == 18 for l in outs[0].splitlines()) and len(outs[0].splitlines()) == 300, True)

    print('self-test: %d failure(s)' % len(failures))
    return 1 if failures else 0


# ----------------------------------------------------------------------------------------------------------
# --deviations: evidence for the excluded classes
# ----------------------------------------------------------------------------------------------------------

def _try(fn):
    try:
        return repr(fn())
    except Exception as exc:
        return 'raises %s: %s' % (type(exc).__name__, exc)


def deviations(rsa_key):
    S = oauth_signature
    norm_q = lambda q: S.normalize_parameters(S.collect_parameters(uri_query=q))
    norm_b = lambda b: S.normalize_parameters(S.collect_parameters(body=b))
    cases = [
        ('D1 trailing ";" in last path segment', 'base_string_uri("http://example.com/a;")',
         lambda: S.base_string_uri('http://example.com/a;'), "'http://example.com/a;'"),
        ('D1', 'base_string_uri("http://example.com/x;y/b;")',
         lambda: S.base_string_uri('http://example.com/x;y/b;'), "'http://example.com/x;y/b;'"),
        ('D2 non-canonical IPv6', 'base_string_uri("http://[2001:db8:0:0:0:0:0:1]/")',
         lambda: S.base_string_uri('http://[2001:db8:0:0:0:0:0:1]/'), "'http://[2001:db8:0:0:0:0:0:1]/'"),
        ('D2', 'base_string_uri("http://[::ffff:127.0.0.1]:8080/")',
         lambda: S.base_string_uri('http://[::ffff:127.0.0.1]:8080/'), "'http://[::ffff:127.0.0.1]:8080/'"),
        ('D3 invalid UTF-8 octet', 'normalize(collect(uri_query="a=%FF"))', lambda: norm_q('a=%FF'), "'a=%FF'"),
        ('D3', 'normalize(collect(body="a=%E9t%E9"))', lambda: norm_b('a=%E9t%E9'), "'a=%E9t%E9'"),
        ('D4 oauth_ name in query double-decoded', 'normalize(collect(uri_query="oauth_x=%2541"))',
         lambda: norm_q('oauth_x=%2541'), "'oauth_x=%2541'"),
        ('D4', 'normalize(collect(body="oauth_callback=a%252Fb"))', lambda: norm_b('oauth_callback=a%252Fb'),
         "'oauth_callback=a%252Fb'"),
        ('D4 Client signature_type=QUERY, callback with %20',
         'Client("k", client_secret="s", callback_uri="http://printer.example.com/ready?x=a%20b", '
         'signature_type="QUERY", nonce="n", timestamp="1").sign("http://example.com/initiate", "POST")',
         lambda: Client('k', client_secret='s', callback_uri='http://printer.example.com/ready?x=a%20b',
                        signature_type='QUERY', nonce='n', timestamp='1').sign(
             'http://example.com/initiate', 'POST')[0].rsplit('oauth_signature=', 1)[1],
         "'ANttmauQGnzivzH0zaQyZWC7%2FYc%3D' (= the AUTH_HEADER signature; decode once)"),
        ('D5 outside whitelist (query)', 'collect(uri_query="a[]=1")',
         lambda: S.collect_parameters(uri_query='a[]=1'), "(not RFC 3986; a client sends a%5B%5D=1)"),
        ('D5 outside whitelist (body)', 'collect(body="a=1&b=x y")',
         lambda: S.collect_parameters(body='a=1&b=x y'), "[('a', '1'), ('b', 'x y')] or an error, never []"),
        ('D6 empty pair', 'normalize(collect(uri_query="a=1&&b=2&"))', lambda: norm_q('a=1&&b=2&'),
         '(undefined by RFC 5849 / HTML 4.0)'),
        ('D6 empty name', 'normalize(collect(uri_query="=v"))', lambda: norm_q('=v'),
         '(undefined by RFC 5849 / HTML 4.0)'),
        ('D7 lower-case hex in path', 'base_string_uri("http://example.com/caf%c3%a9/%7Ex")',
         lambda: S.base_string_uri('http://example.com/caf%c3%a9/%7Ex'), '(RFC 5849 silent; RFC 3986 6.2.2 '
         'normalisation would give /caf%C3%A9/~x)'),
        ('D7 dot-segments', 'base_string_uri("http://example.com/a/../b")',
         lambda: S.base_string_uri('http://example.com/a/../b'), '(RFC 5849 silent; clients normally remove '
         'dot-segments before sending)'),
        ('D7 leading-zero port', 'base_string_uri("http://example.com:080/")',
         lambda: S.base_string_uri('http://example.com:080/'), '(undefined)'),
        ('D7 empty port', 'base_string_uri("http://example.com:/p")',
         lambda: S.base_string_uri('http://example.com:/p'), "'http://example.com/p' (RFC 3986 6.2.3)"),
        ('C1 Client + charset suffix', 'Client("k").sign(..., "POST", body="a=1", Content-Type: '
         'application/x-www-form-urlencoded; charset=UTF-8)',
         lambda: Client('k', nonce='n', timestamp='1').sign(
             'http://example.com/', 'POST', body='a=1',
             headers={'Content-Type': FORM + '; charset=UTF-8'})[1]['Authorization'],
         '(a signature over a=1)'),
        ('C2 Client + JSON body', 'Client("k").sign(..., "POST", body=\'{"a":1}\', Content-Type: application/json)',
         lambda: Client('k', nonce='n', timestamp='1').sign(
             'http://example.com/', 'POST', body='{"a":1}',
             headers={'Content-Type': 'application/json'})[1]['Authorization'], '(no oauth_body_hash wanted)'),
        ('C2 Client + text/plain', 'Client("k").sign(..., "POST", body="hello", Content-Type: text/plain)',
         lambda: Client('k', nonce='n', timestamp='1').sign(
             'http://example.com/', 'POST', body='hello', headers={'Content-Type': 'text/plain'}),
         '(a signature; the body is not a parameter source)'),
        ('C5 collect_parameters ignores Content-Type', 'collect(body="hello")',
         lambda: S.collect_parameters(body='hello'), '(caller must not pass a non-form body)'),
    ]
    print('oauthlib %s, Python %s' % (oauthlib.__version__, sys.version.split()[0]))
    for cls, what, fn, rfc in cases:
        print('%s\n    input:    %s\n    oauthlib: %s\n    RFC:      %s' % (cls, what, _try(fn), rfc))
    return 0


# ----------------------------------------------------------------------------------------------------------

def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    default_key = os.path.normpath(os.path.join(here, '..', 'data', 'keys', 'oauthlib_key.pem'))
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--count', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--rsa-key', default=default_key, help='PEM private key for RSA-* (default: %(default)s)')
    ap.add_argument('--methods', default=','.join(DEFAULT_METHODS),
                    help='comma-separated subset of ' + ','.join(SIGNERS))
    ap.add_argument('--self-test', action='store_true', help='check VECTORS.md sections 4-7 and exit')
    ap.add_argument('--deviations', action='store_true',
                    help='print what oauthlib does on the excluded input classes and exit')
    args = ap.parse_args(argv)

    methods = [m.strip() for m in args.methods.split(',') if m.strip()]
    unknown = [m for m in methods if m not in SIGNERS]
    if unknown or not methods:
        ap.error('unknown signature method(s): %s' % ','.join(unknown))
    if args.count < 0:
        ap.error('--count must be >= 0')
    with open(args.rsa_key, 'r', encoding='ascii') as f:
        rsa_pem = f.read()
    rsa_key = load_rsa_key(rsa_pem)
    warnings.simplefilter('error', DeprecationWarning)  # we only call non-deprecated oauthlib functions

    if args.self_test:
        wiki_path = os.path.join(os.path.dirname(os.path.abspath(args.rsa_key)), 'wiki_key.pem')
        wiki_key = open(wiki_path, encoding='ascii').read() if os.path.exists(wiki_path) else None
        return self_test(rsa_key, load_rsa_key(wiki_key) if wiki_key else None, rsa_pem)
    if args.deviations:
        return deviations(rsa_key)

    start = time.monotonic()
    out = sys.stdout.buffer
    try:
        generate(args.count, args.seed, methods, rsa_key, out)
    except ReferenceMismatch as exc:
        out.flush()
        sys.stderr.write('oauthlib_reference.py: %s\n' % exc)
        return 1
    out.flush()
    sys.stderr.write('oauthlib_reference.py: %d records (seed %d, %s) in %.2f s\n'
                     % (args.count, args.seed, ','.join(methods), time.monotonic() - start))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
