#!/usr/bin/python3
"""Recomputes, with python3-oauthlib's building blocks, the signature of a request exactly as oauth1 sent it
for a service profile (tests/unit/profiles.cpp): what a service's RFC 5849 verifier does.

Run with Debian's interpreter (python3-oauthlib 3.2.2 + python3-cryptography + python3-jwt).  Reads one request
per line on stdin, TAB-separated fields, each the lowercase hex of its UTF-8 bytes:

     1 id                 2 http method        3 url as sent (protocol parameters in its query for
                                                 parameter_placement::query)
     4 content_type       5 body as sent       6 Authorization header value (empty: none)
     7 consumer_secret    8 token_secret       9 RSA private key file (PEM; empty for HMAC)
    10 body hash digest (empty, sha1 or sha256): oauth_body_hash must be there and equal base64(digest(body)),
       computed here with hashlib
    11 where the protocol parameters must be: header or query

and prints one line per request, the same way: id, oauthlib's signature base string, oauthlib's signature,
the oauth_signature that was sent, the realm sent (empty: none), the body hash verdict (ok, absent, or what
was wrong), the protocol parameter names found (comma-separated, sorted).

The parameters are collected with oauthlib.oauth1.rfc5849.signature.collect_parameters (query, form body
only for application/x-www-form-urlencoded - never multipart/form-data -, Authorization header,
oauth_signature excluded, realm excluded), then normalize_parameters, base_string_uri,
signature_base_string and sign_{hmac_sha1,hmac_sha256,rsa_sha1,rsa_sha256}_with_client: nothing of oauth1's.
"""

import base64
import hashlib
import sys
import types
import urllib.parse

try:
    from oauthlib.oauth1.rfc5849 import signature as oauth_signature
    from oauthlib.oauth1.rfc5849 import utils as oauth_utils
except ImportError as exc:  # pragma: no cover
    sys.stderr.write('oauthlib_profiles.py: cannot import oauthlib (%s); run it with /usr/bin/python3\n' % exc)
    sys.exit(2)

SIGNERS = {
    'HMAC-SHA1': oauth_signature.sign_hmac_sha1_with_client,
    'HMAC-SHA256': oauth_signature.sign_hmac_sha256_with_client,
    'RSA-SHA1': oauth_signature.sign_rsa_sha1_with_client,
    'RSA-SHA256': oauth_signature.sign_rsa_sha256_with_client,
}


def unhex(s):
    return bytes.fromhex(s).decode('utf-8')


def tohex(s):
    return s.encode('utf-8').hex()


def is_form(content_type):
    return content_type.split(';', 1)[0].strip().lower() == 'application/x-www-form-urlencoded'


def check(fields):
    (rid, method, url, content_type, body, authorization, consumer_secret, token_secret, key_file,
     digest, placement) = fields
    query = urllib.parse.urlparse(url).query
    headers = {'Authorization': authorization} if authorization else None
    params = oauth_signature.collect_parameters(uri_query=query,
                                                body=body if is_form(content_type) else None,
                                                headers=headers, exclude_oauth_signature=True,
                                                with_realm=False)
    if placement == 'header':
        # parse_authorization_header leaves the values percent-encoded (RFC 5849 3.5.1: decode them)
        sent = {k: oauth_utils.unescape(v) for k, v in oauth_utils.parse_authorization_header(authorization)}
        if any(k.startswith('oauth_') for k, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)):
            raise ValueError('protocol parameters in the query of a header request')
    else:
        if authorization:
            raise ValueError('an Authorization header for a query request')
        sent = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    names = sorted(k for k in sent if k.startswith('oauth_'))
    realm = sent.get('realm', '')
    pdict = dict(params)
    if digest:
        expected = base64.b64encode(hashlib.new(digest, body.encode('utf-8')).digest()).decode('ascii')
        verdict = 'ok' if pdict.get('oauth_body_hash') == expected else \
            'oauth_body_hash %r, hashlib says %r' % (pdict.get('oauth_body_hash'), expected)
    else:
        verdict = 'absent' if 'oauth_body_hash' not in pdict else 'unexpected oauth_body_hash'
    normalized = oauth_signature.normalize_parameters(params)
    base_string = oauth_signature.signature_base_string(method, oauth_signature.base_string_uri(url),
                                                        normalized)
    rsa_key = open(key_file).read() if key_file else None
    creds = types.SimpleNamespace(client_secret=consumer_secret, resource_owner_secret=token_secret,
                                  rsa_key=rsa_key)
    sig = SIGNERS[pdict['oauth_signature_method']](base_string, creds)
    return [rid, base_string, sig, sent.get('oauth_signature', ''), realm, verdict, ','.join(names)]


def main():
    for line in sys.stdin:
        line = line.rstrip('\n')
        if not line:
            continue
        fields = [unhex(f) for f in line.split('\t')]
        out = check(fields)
        sys.stdout.write('\t'.join(tohex(f) for f in out) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
