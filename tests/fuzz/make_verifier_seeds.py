#!/usr/bin/python3
"""Writes the seed corpus of tests/fuzz/verifier.cpp: requests signed by python3-oauthlib (an
independent implementation) for the fuzz target's consumers, at its fixed clock, in each
transmission, so that mutations start from requests that verify.

Usage: /usr/bin/python3 tests/fuzz/make_verifier_seeds.py tests/fuzz/corpus/verifier
Input format: selector byte, then method NUL url NUL content-type NUL authorization NUL body.
"""
import os
import sys

from oauthlib import oauth1

here = os.path.dirname(os.path.abspath(__file__))
rsa_key = open(os.path.join(here, "..", "data", "keys", "oauthlib_key.pem")).read()
NOW = "1700000000"
FORM = "application/x-www-form-urlencoded"
# (selector, consumer, secret, token, token secret, method, callback, verifier)
ACCESS, OPTIONAL, NONE, REQUEST = 0, 1, 2, 3
cases = [
    (ACCESS, "hmac", "cs", "tok", "ts", oauth1.SIGNATURE_HMAC_SHA1, None, None),
    (ACCESS, "hmac", "cs", "tok", "ts", oauth1.SIGNATURE_HMAC_SHA256, None, None),
    (ACCESS | 8, "hmac", "cs", "tok", "ts", oauth1.SIGNATURE_HMAC_SHA512, None, None),
    (ACCESS, "rsa", None, "rtok", "", oauth1.SIGNATURE_RSA_SHA1, None, None),
    (ACCESS, "rsa", None, "rtok", "", oauth1.SIGNATURE_RSA_SHA256, None, None),
    (OPTIONAL, "rsa", None, None, None, oauth1.SIGNATURE_RSA_SHA512, None, None),
    (ACCESS, "plain", "ps", "ptok", "pts", oauth1.SIGNATURE_PLAINTEXT, None, None),
    (NONE, "hmac", "cs", None, None, oauth1.SIGNATURE_HMAC_SHA1, "oob", None),
    (REQUEST, "hmac", "cs", "req", "rs", oauth1.SIGNATURE_HMAC_SHA1, None, "verif"),
    (OPTIONAL, "hmac", "cs", None, None, oauth1.SIGNATURE_HMAC_SHA1, None, None),
]
requests = [
    ("GET", "https://jira.example.com/rest/api/2/issue/JJ-2?fields=summary&a=b%20c", None, None),
    ("POST", "https://example.com:8443/a%2Fb/c?x=1&x=2", FORM, "b=2&a=%C3%A9&c=&d=a+b"),
    ("PUT", "http://Example.COM:80/", "application/json", '{"k": "v"}'),
]


def main(out):
    os.makedirs(out, exist_ok=True)
    n = 0
    for sel, ck, cs, tok, ts, method, callback, verifier in cases:
        for verb, url, ctype, body in requests:
            if method == oauth1.SIGNATURE_PLAINTEXT and url.startswith("http:"):
                sel |= 4  # PLAINTEXT over http only when allowed
            for where in (oauth1.SIGNATURE_TYPE_AUTH_HEADER, oauth1.SIGNATURE_TYPE_QUERY,
                          oauth1.SIGNATURE_TYPE_BODY):
                if where == oauth1.SIGNATURE_TYPE_BODY and ctype != FORM:
                    continue
                client = oauth1.Client(ck, client_secret=cs, resource_owner_key=tok,
                                       resource_owner_secret=ts, signature_method=method,
                                       rsa_key=rsa_key if method.startswith("RSA") else None,
                                       signature_type=where, callback_uri=callback,
                                       verifier=verifier, timestamp=NOW,
                                       nonce="seed%04d" % n, realm="JIRA" if n % 2 else None)
                headers = {"Content-Type": ctype} if ctype else {}
                uri, headers, sbody = client.sign(url, http_method=verb, body=body,
                                                  headers=headers)
                auth = headers.get("Authorization", "")
                blob = bytes([sel]) + b"\0".join(
                    x.encode() for x in (verb, uri, ctype or "", auth, sbody or ""))
                with open(os.path.join(out, "seed-%03d" % n), "wb") as f:
                    f.write(blob)
                n += 1
    print("wrote %d seeds to %s" % (n, out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "verifier"))
