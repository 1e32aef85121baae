#!/usr/bin/python3
"""An independent OAuth 1.0a provider over HTTP, built on python3-oauthlib 3.2.2 (JIRA-style paths).

The C++ tests use it as the "independent verifier" for the HTTP adapters and for the full three-legged dance.
Run it with Debian's interpreter (python3-oauthlib + python3-cryptography + python3-jwt):

    /usr/bin/python3 tests/interop/oauthlib_server.py --keys-dir tests/data/keys \
        [--request-token-lifetime 600] [--log FILE]

The first line on stdout is `listening 127.0.0.1:<port>` (port chosen by the kernel). The server then answers
until its stdin reaches EOF or it receives SIGTERM/SIGINT, and exits 0. Exit status 3: oauthlib (or
cryptography/jwt) cannot be imported; 2: bad arguments or unreadable keys. Logs (one line per request, the
oauth_problem of every refusal and oauthlib's own debug messages) go to stderr, or to --log FILE.

Credentials (as tests/unit/support/verifying_server.hpp):
    consumer "hmac-consumer", secret "kd94hf93k423kf44"    HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, PLAINTEXT
    consumer "rsa-consumer", key <keys-dir>/wiki_cert.pem   RSA-SHA1, RSA-SHA256, RSA-SHA512
    consumer "OauthKey" (JIRA's default), same key          RSA-SHA1, RSA-SHA256, RSA-SHA512
    access token "nnch734d00sl2jdk", secret "pfkkdhi9sl3r4s00", valid with every consumer

Endpoints:
    POST /plugins/servlet/oauth/request-token   oauthlib RequestTokenEndpoint (oauth_callback required; "oob" ok)
    GET  /plugins/servlet/oauth/authorize       auto-approves ?oauth_token=T (oauthlib AuthorizationEndpoint):
                                                200 HTML "Your verification code is '<verifier>'" for "oob",
                                                else 302 to callback?oauth_token=T&oauth_verifier=V
    POST /plugins/servlet/oauth/access-token    oauthlib AccessTokenEndpoint (+ oauth_expires_in,
                                                oauth_session_handle, oauth_authorization_expires_in as JIRA)
    anything else, any method                   oauthlib ResourceEndpoint (an access token is required): 200 JSON
                                                {"verified": true, "consumer": ..., "method": ..., "path": ...}

Refusals: `WWW-Authenticate: OAuth realm="oauthlib", oauth_problem="..."` and the problem as a form body
(oauth_problem=...&oauth_problem_advice=...&oauth_parameters_absent=...). Status as JIRA (net.oauth) and
oauth1::httplib::refuse: 400 for parameter_absent, parameter_rejected, version_rejected and
signature_method_rejected, 401 for everything else.

The URI given to oauthlib is http://<Host header as sent, or 127.0.0.1:port> + the request-target exactly as
received (taken from the request line: http.server itself collapses a leading "//" of the path).
"""

import argparse
import hmac
import html
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
import urllib.parse

try:
    from oauthlib.common import urlencode as oauthlib_urlencode
    from oauthlib.oauth1 import (AccessTokenEndpoint, AuthorizationEndpoint, RequestTokenEndpoint,
                                 RequestValidator, ResourceEndpoint)
    from oauthlib.oauth1.rfc5849 import errors as oauth_errors
    from oauthlib.oauth1.rfc5849 import signature as oauth_signature
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    import jwt.algorithms  # noqa: F401  (oauthlib imports it lazily for the RSA methods)
except ImportError as exc:
    sys.stderr.write('oauthlib_server.py: cannot import oauthlib / cryptography / jwt (%s).\n'
                     'Run it with Debian\'s /usr/bin/python3 (packages python3-oauthlib, python3-cryptography, '
                     'python3-jwt), not with another python3 on PATH.\n' % exc)
    sys.exit(3)

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REQUEST_TOKEN_PATH = '/plugins/servlet/oauth/request-token'
AUTHORIZE_PATH = '/plugins/servlet/oauth/authorize'
ACCESS_TOKEN_PATH = '/plugins/servlet/oauth/access-token'
ISSUE_PATHS = ('/rest/api/latest/issue/JJ-2', '/rest/api/2/issue/JJ-2')

HMAC_CONSUMER = 'hmac-consumer'
HMAC_SECRET = 'kd94hf93k423kf44'
RSA_CONSUMERS = ('rsa-consumer', 'OauthKey')
PRE_ACCESS_TOKEN = 'nnch734d00sl2jdk'
PRE_ACCESS_SECRET = 'pfkkdhi9sl3r4s00'

HMAC_METHODS = ('HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT')
RSA_METHODS = ('RSA-SHA1', 'RSA-SHA256', 'RSA-SHA512')

REALM = 'oauthlib'
JIRA_EXPIRES_IN = '157680000'  # what JIRA answers for oauth_expires_in / oauth_authorization_expires_in
# Problems answered with 400 (net.oauth OAuth.Problems.TO_HTTP_CODE, as JIRA; oauth1::httplib::refuse).
STATUS_400 = ('parameter_absent', 'parameter_rejected', 'version_rejected', 'signature_method_rejected')
MANDATORY = (('client_key', 'oauth_consumer_key'), ('signature_method', 'oauth_signature_method'),
             ('signature', 'oauth_signature'), ('timestamp', 'oauth_timestamp'), ('nonce', 'oauth_nonce'))

log = logging.getLogger('oauthlib_server')


def new_secret():
    """Random, URL-safe, 30 characters of [A-Za-z0-9] (passes oauthlib's default 20..30 format checks)."""
    alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    return ''.join(secrets.choice(alphabet) for _ in range(30))


# ------------------------------------------------------------------------------------------------------------
# Per-request problem notes (one handler thread per request, so thread-local is per request)
# ------------------------------------------------------------------------------------------------------------

_ctx = threading.local()


class Problem:
    def __init__(self, name, advice='', absent=(), rejected=(), timestamps=None, versions='', base_string=''):
        self.name = name
        self.advice = advice
        self.absent = list(absent)
        self.rejected = list(rejected)
        self.timestamps = timestamps
        self.versions = versions
        self.base_string = base_string

    def pairs(self, with_base_string):
        out = [('oauth_problem', self.name)]
        if self.advice:
            out.append(('oauth_problem_advice', self.advice))
        if self.absent:
            out.append(('oauth_parameters_absent', '&'.join(self.absent)))
        if self.rejected:
            out.append(('oauth_parameters_rejected', '&'.join(self.rejected)))
        if self.timestamps:
            out.append(('oauth_acceptable_timestamps', '%d-%d' % self.timestamps))
        if self.versions:
            out.append(('oauth_acceptable_versions', self.versions))
        if with_base_string and self.base_string:
            out.append(('oauth_signature_base_string', self.base_string))
        return out

    @property
    def status(self):
        return 400 if self.name in STATUS_400 else 401


def ctx_reset():
    _ctx.problems = []


def note(problem):
    """Records a reason for refusal; the first one recorded is the one answered."""
    if not hasattr(_ctx, 'problems'):
        _ctx.problems = []
    _ctx.problems.append(problem)
    log.info('problem noted: %s%s', problem.name, (' (%s)' % problem.advice) if problem.advice else '')


def first_problem():
    problems = getattr(_ctx, 'problems', [])
    return problems[0] if problems else None


def problem_from_oauth_error(exc, request=None, timestamp_lifetime=600):
    """Maps an oauthlib OAuth1Error (raised by _create_request / _check_mandatory_parameters / the endpoints)."""
    description = exc.description
    if isinstance(description, tuple):  # oauthlib bug: ('... %s', 'AUTH_HEADER, QUERY') is never %-formatted
        try:
            description = description[0] % description[1:]
        except (TypeError, ValueError):
            description = ' '.join(str(d) for d in description)
    description = str(description or '')
    if isinstance(exc, oauth_errors.InvalidSignatureMethodError):
        return Problem('signature_method_rejected', description)
    if isinstance(exc, oauth_errors.InsecureTransportError):
        return Problem('parameter_rejected', description)
    if description == 'Missing mandatory OAuth parameters.':
        absent = [name for attr, name in MANDATORY if request is None or not getattr(request, attr, None)]
        return Problem('parameter_absent', description, absent=absent)
    if description == 'Missing resource owner.':
        return Problem('parameter_absent', description, absent=['oauth_token'])
    if description == 'Missing verifier.':
        return Problem('parameter_absent', description, absent=['oauth_verifier'])
    if description == 'Missing callback URI.':
        return Problem('parameter_absent', description, absent=['oauth_callback'])
    if description == 'Invalid OAuth version.':
        return Problem('version_rejected', description, versions='1.0-1.0')
    now = int(time.time())
    window = (now - timestamp_lifetime, now + timestamp_lifetime)
    if description.startswith('Timestamp given is invalid'):
        return Problem('timestamp_refused', description, timestamps=window)
    if description == 'Invalid timestamp size':
        ts = getattr(request, 'timestamp', '') or ''
        if ts.isdigit():  # a positive integer, just not 10 digits: out of the window
            return Problem('timestamp_refused', description, timestamps=window)
        return Problem('parameter_rejected', description, rejected=['oauth_timestamp'])
    if description == 'Timestamp must be an integer.':
        return Problem('parameter_rejected', description, rejected=['oauth_timestamp'])
    if description == 'Invalid client key format.':
        return Problem('consumer_key_rejected', description)
    if description == 'Invalid nonce format.':
        return Problem('parameter_rejected', description, rejected=['oauth_nonce'])
    if description == 'Invalid resource owner key format.':
        return Problem('token_rejected', description)
    if description == 'Invalid verifier format.':
        return Problem('parameter_rejected', description, rejected=['oauth_verifier'])
    if description.startswith('Invalid realm'):
        return Problem('parameter_rejected', description, rejected=['realm'])
    return Problem('parameter_rejected', description or exc.error or 'invalid request')


# ------------------------------------------------------------------------------------------------------------
# Request validator
# ------------------------------------------------------------------------------------------------------------

def _plain_text(value, limit=1024):
    """Non-empty, not too long, no control characters (RFC 5849 puts no other constraint on these values)."""
    return bool(value) and len(value) <= limit and all(ord(c) >= 0x20 and c != '\x7f' for c in value)


class Validator(RequestValidator):
    def __init__(self, rsa_public_pem, request_token_lifetime):
        super().__init__()
        self.rsa_public_pem = rsa_public_pem
        self.request_token_lifetime = request_token_lifetime
        self.lock = threading.RLock()
        self.nonces = {}  # (client_key, timestamp, nonce, token) -> time seen
        self.nonce_prune_at = time.time() + 60
        # request token -> dict(client_key, secret, callback, realms, created, verifier, used)
        self.request_tokens = {}
        # access token -> dict(client_key (None: every consumer), secret, realms)
        self.access_tokens = {PRE_ACCESS_TOKEN: {'client_key': None, 'secret': PRE_ACCESS_SECRET, 'realms': []}}

    # --- format checks and configuration ------------------------------------------------------------------
    enforce_ssl = False

    @property
    def allowed_signature_methods(self):
        return HMAC_METHODS + RSA_METHODS

    def check_client_key(self, client_key):
        return _plain_text(client_key)

    def check_request_token(self, request_token):
        ok = _plain_text(request_token)
        if not ok:
            note(Problem('token_rejected', 'malformed oauth_token'))
        return ok

    def check_access_token(self, request_token):
        ok = _plain_text(request_token)
        if not ok:
            note(Problem('token_rejected', 'malformed oauth_token'))
        return ok

    def check_nonce(self, nonce):
        return _plain_text(nonce)

    def check_verifier(self, verifier):
        return _plain_text(verifier)

    def check_realms(self, realms):
        return True  # any realm may be requested; realms are recorded, never enforced

    @property
    def dummy_client(self):
        return 'dummy-client-key'

    @property
    def dummy_request_token(self):
        return 'dummy-request-token'

    @property
    def dummy_access_token(self):
        return 'dummy-access-token'

    # --- consumers ----------------------------------------------------------------------------------------
    def validate_client_key(self, client_key, request):
        if client_key == HMAC_CONSUMER:
            allowed = HMAC_METHODS
        elif client_key in RSA_CONSUMERS:
            allowed = RSA_METHODS
        else:
            note(Problem('consumer_key_unknown', 'unknown consumer %r' % client_key))
            return False
        if request.signature_method not in allowed:
            note(Problem('signature_method_rejected', '%s is not allowed for consumer %s (allowed: %s)'
                         % (request.signature_method, client_key, ' '.join(allowed))))
            return False
        return True

    def get_client_secret(self, client_key, request):
        return HMAC_SECRET if client_key == HMAC_CONSUMER else 'dummy-client-secret'

    def get_rsa_key(self, client_key, request):
        return self.rsa_public_pem  # the dummy client gets the same key: the signature check still runs

    # --- nonces -------------------------------------------------------------------------------------------
    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, request_token=None,
                                     access_token=None):
        key = (client_key, timestamp, nonce, request_token or access_token or '')
        now = time.time()
        with self.lock:
            if now >= self.nonce_prune_at:  # entries older than the timestamp window can never match again
                horizon = now - 2 * self.timestamp_lifetime - 60
                self.nonces = {k: t for k, t in self.nonces.items() if t >= horizon}
                self.nonce_prune_at = now + 60
            if key in self.nonces:
                note(Problem('nonce_used', 'nonce %r already used with this timestamp' % nonce))
                return False
            self.nonces[key] = now
            return True

    # --- realms -------------------------------------------------------------------------------------------
    def get_default_realms(self, client_key, request):
        return []

    def validate_requested_realms(self, client_key, realms, request):
        return True

    def validate_realms(self, client_key, token, request, uri=None, realms=None):
        return True

    def verify_realms(self, token, realms, request):
        return True

    def get_realms(self, token, request):
        with self.lock:
            entry = self.request_tokens.get(token)
            return list(entry['realms']) if entry else []

    # --- temporary credentials ----------------------------------------------------------------------------
    def validate_redirect_uri(self, client_key, redirect_uri, request):
        if redirect_uri == 'oob':
            return True
        parts = urllib.parse.urlsplit(redirect_uri)
        ok = parts.scheme.lower() in ('http', 'https') and bool(parts.netloc)
        if not ok:
            note(Problem('parameter_rejected', 'oauth_callback must be "oob" or an absolute http(s) URI',
                         rejected=['oauth_callback']))
        return ok

    def save_request_token(self, token, request):
        with self.lock:
            self.request_tokens[token['oauth_token']] = {
                'client_key': request.client_key, 'secret': token['oauth_token_secret'],
                'callback': request.redirect_uri, 'realms': list(getattr(request, 'realms', None) or []),
                'created': time.time(), 'verifier': None, 'used': False}

    def _request_token_state(self, token):
        """(entry, problem name or None) for a request token."""
        entry = self.request_tokens.get(token)
        if entry is None:
            return None, 'token_rejected'
        if entry['used']:
            return entry, 'token_used'
        if time.time() - entry['created'] > self.request_token_lifetime:
            return entry, 'token_expired'
        return entry, None

    def verify_request_token(self, token, request):  # authorize step
        with self.lock:
            entry, problem = self._request_token_state(token)
            if problem:
                note(Problem(problem, 'request token %r cannot be authorized' % token))
            return problem is None

    def save_verifier(self, token, verifier, request):
        with self.lock:
            self.request_tokens[token]['verifier'] = verifier['oauth_verifier']

    def get_redirect_uri(self, token, request):
        with self.lock:
            return self.request_tokens[token]['callback']

    def get_request_token_secret(self, client_key, token, request):
        with self.lock:
            entry = self.request_tokens.get(token)
            if entry and entry['client_key'] == client_key:
                return entry['secret']
            return 'dummy-request-token-secret'

    def validate_request_token(self, client_key, token, request):  # access-token step
        with self.lock:
            entry, problem = self._request_token_state(token)
            if problem is None and entry['client_key'] != client_key:
                problem = 'token_rejected'
            if problem:
                note(Problem(problem, 'request token %r' % token))
            return problem is None

    def validate_verifier(self, client_key, token, verifier, request):
        with self.lock:
            entry = self.request_tokens.get(token)
            expected = entry['verifier'] if entry else None
        if expected is None:
            note(Problem('permission_unknown', 'the request token has not been authorized'))
            return False
        if not hmac.compare_digest(expected.encode('utf-8'), verifier.encode('utf-8')):
            note(Problem('token_rejected', 'oauth_verifier does not match'))
            return False
        return True

    def invalidate_request_token(self, client_key, token, request):
        with self.lock:
            entry = self.request_tokens.get(token)
            if entry:
                entry['used'] = True

    # --- token credentials --------------------------------------------------------------------------------
    def save_access_token(self, token, request):
        with self.lock:
            self.access_tokens[token['oauth_token']] = {
                'client_key': request.client_key, 'secret': token['oauth_token_secret'],
                'realms': list(getattr(request, 'realms', None) or [])}

    def validate_access_token(self, client_key, token, request):
        with self.lock:
            entry = self.access_tokens.get(token)
        ok = entry is not None and entry['client_key'] in (None, client_key)
        if not ok:
            note(Problem('token_rejected', 'unknown access token %r' % token))
        return ok

    def get_access_token_secret(self, client_key, token, request):
        with self.lock:
            entry = self.access_tokens.get(token)
        if entry is not None and entry['client_key'] in (None, client_key):
            return entry['secret']
        return 'dummy-access-token-secret'


# ------------------------------------------------------------------------------------------------------------
# Endpoints: oauthlib's, plus notes of the errors they raise and of the signature check result
# ------------------------------------------------------------------------------------------------------------

def _base_string(request):
    try:
        return oauth_signature.signature_base_string(
            request.http_method, oauth_signature.base_string_uri(request.uri),
            oauth_signature.normalize_parameters(request.params))
    except Exception:  # diagnostic only
        return ''


class Noting:
    """Mixin over an oauthlib endpoint: records why a request fails in the per-request notes."""

    def _create_request(self, uri, http_method, body, headers):
        try:
            return super()._create_request(uri, http_method, body, headers)
        except oauth_errors.OAuth1Error as exc:
            note(problem_from_oauth_error(exc))
            raise

    def _check_mandatory_parameters(self, request):
        try:
            return super()._check_mandatory_parameters(request)
        except oauth_errors.OAuth1Error as exc:
            note(problem_from_oauth_error(exc, request, self.request_validator.timestamp_lifetime))
            raise

    def _check_signature(self, request, is_token_request=False):
        try:
            ok = super()._check_signature(request, is_token_request=is_token_request)
        except Exception as exc:  # e.g. binascii.Error: a malformed base64 RSA signature is not caught by oauthlib
            log.debug('signature check raised %s: %s', type(exc).__name__, exc)
            ok = False
        if not ok:
            base = '' if request.signature_method == 'PLAINTEXT' else _base_string(request)
            note(Problem('signature_invalid', 'signature does not match', base_string=base))
        return ok


def _noting(validate):
    """Wraps an endpoint's validate_*_request: oauthlib raises some OAuth1Errors there (missing callback, token
    or verifier, bad token or verifier format, bad realm)."""

    def wrapper(self, request):
        try:
            return validate(self, request)
        except oauth_errors.OAuth1Error as exc:
            note(problem_from_oauth_error(exc, request, self.request_validator.timestamp_lifetime))
            raise
    return wrapper


class NotingRequestTokenEndpoint(Noting, RequestTokenEndpoint):
    validate_request_token_request = _noting(RequestTokenEndpoint.validate_request_token_request)


class NotingAuthorizationEndpoint(Noting, AuthorizationEndpoint):
    pass


class NotingAccessTokenEndpoint(Noting, AccessTokenEndpoint):
    validate_access_token_request = _noting(AccessTokenEndpoint.validate_access_token_request)


class NotingResourceEndpoint(Noting, ResourceEndpoint):
    pass


class Provider:
    def __init__(self, validator):
        self.validator = validator
        self.request_token = NotingRequestTokenEndpoint(validator, token_generator=new_secret)
        self.authorization = NotingAuthorizationEndpoint(validator, token_generator=new_secret)
        self.access_token = NotingAccessTokenEndpoint(validator, token_generator=new_secret)
        self.resource = NotingResourceEndpoint(validator)
        self.dance_lock = threading.Lock()  # authorize and access-token steps are atomic


# ------------------------------------------------------------------------------------------------------------
# HTTP
# ------------------------------------------------------------------------------------------------------------

class BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'oauthlib-server/1'
    provider = None  # set on the class by main()

    # -- plumbing ----------------------------------------------------------------------------------------
    def log_message(self, fmt, *args):
        log.info('%s - %s', self.address_string(), fmt % args)

    def raw_target(self):
        words = self.requestline.split()
        return words[1] if len(words) >= 2 else self.path

    def read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b';', 1)[0].strip(), 16)
                except ValueError:
                    raise BadRequest('malformed chunked body')
                if size == 0:
                    while self.rfile.readline(65537) not in (b'\r\n', b'\n', b''):
                        pass  # trailers
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b''.join(chunks)
        length = self.headers.get('Content-Length')
        if not length:
            return b''
        try:
            n = int(length)
        except ValueError:
            raise BadRequest('malformed Content-Length')
        return self.rfile.read(n) if n > 0 else b''

    def send(self, status, body=b'', content_type='text/plain; charset=utf-8', headers=()):
        if isinstance(body, str):
            body = body.encode('utf-8')
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body or content_type:
            self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def refuse(self, problem=None):
        problem = problem or first_problem() or Problem('signature_invalid')
        challenge = 'OAuth realm="%s"' % REALM + ''.join(
            ', %s="%s"' % (n, urllib.parse.quote(v, safe='-._~'))
            for n, v in problem.pairs(with_base_string=False))
        body = oauthlib_urlencode(problem.pairs(with_base_string=True))
        log.info('refused %s %s: %d %s%s', self.command, self.raw_target(), problem.status, problem.name,
                 (' (%s)' % problem.advice) if problem.advice else '')
        if problem.base_string:
            log.info('  oauthlib base string: %s', problem.base_string)
        self.send(problem.status, body, 'application/x-www-form-urlencoded',
                  headers=[('WWW-Authenticate', challenge)])

    def oauth_request(self):
        """(uri, method, body str, headers dict) as oauthlib needs them."""
        target = self.raw_target()
        if target.startswith('http://') or target.startswith('https://'):
            uri = target  # absolute-form request-target
        else:
            host = self.headers.get('Host') or '127.0.0.1:%d' % self.server.server_address[1]
            uri = 'http://' + host + target
        authorizations = self.headers.get_all('Authorization') or []
        if len(authorizations) > 1:
            raise BadRequest('more than one Authorization header')
        headers = {}
        for name in self.headers.keys():
            if name.lower() not in (n.lower() for n in headers):
                headers[name] = ', '.join(self.headers.get_all(name))
        raw = self.read_body()
        try:
            body = raw.decode('utf-8')
        except UnicodeDecodeError:
            if 'application/x-www-form-urlencoded' in headers.get('Content-Type', ''):
                raise BadRequest('form body is not UTF-8')
            body = raw.decode('latin-1')  # not signed anyway (oauthlib passes '' for non-form bodies)
        return uri, self.command, body, headers

    # -- dispatch ------------------------------------------------------------------------------------------
    def handle_any(self):
        ctx_reset()
        try:
            path = urllib.parse.urlsplit(self.raw_target()).path
            if path == REQUEST_TOKEN_PATH:
                self.do_request_token()
            elif path == AUTHORIZE_PATH:
                self.do_authorize()
            elif path == ACCESS_TOKEN_PATH:
                self.do_access_token()
            else:
                self.do_resource()
        except BadRequest as exc:
            self.refuse(Problem('parameter_rejected', str(exc)))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except ValueError as exc:
            # oauthlib raises ValueError on query characters outside its urldecode whitelist (README D5)
            log.info('oauthlib raised ValueError: %s', exc)
            self.refuse(Problem('parameter_rejected', 'oauthlib: %s' % exc))
        except Exception as exc:
            log.exception('internal error on %s %s', self.command, self.raw_target())
            self.send(500, 'internal error: %s: %s\n' % (type(exc).__name__, exc))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

    def do_request_token(self):
        uri, method, body, headers = self.oauth_request()
        h, b, s = self.provider.request_token.create_request_token_response(uri, method, body, headers)
        if s == 200:
            log.info('request token issued: %s', b)
            self.send(200, b, 'application/x-www-form-urlencoded')
        else:
            log.info('oauthlib answered %s %r', s, b)
            self.refuse()

    def do_authorize(self):
        uri, method, body, headers = self.oauth_request()
        p = self.provider
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
        if not query.get('oauth_token', [''])[0] and 'oauth_token=' not in body:
            problem = Problem('parameter_absent', 'oauth_token is required', absent=['oauth_token'])
            self.send(400, oauthlib_urlencode(problem.pairs(with_base_string=False)),
                      'application/x-www-form-urlencoded')
            return
        try:
            with p.dance_lock:
                h, b, s = p.authorization.create_authorization_response(uri, method, body, headers)
        except oauth_errors.OAuth1Error as exc:
            problem = first_problem() or problem_from_oauth_error(exc)
            log.info('authorize refused: %s', problem.name)
            self.send(400, oauthlib_urlencode(problem.pairs(with_base_string=False)),
                      'application/x-www-form-urlencoded')
            return
        if s == 302:
            log.info('authorized, redirect to %s', h['Location'])
            self.send(302, b'', None, headers=[('Location', h['Location'])])
            return
        values = dict(urllib.parse.parse_qsl(b))
        verifier = values.get('oauth_verifier', '')
        log.info('authorized (oob) %s, verifier %s', values.get('oauth_token', ''), verifier)
        page = ('<!DOCTYPE html>\n<html><head><title>OAuth access approved</title></head><body>\n'
                '<h1>Access approved</h1>\n'
                '<p>You have successfully authorized the application. Your verification code is \'%s\'. '
                'You will need to enter this exact text when prompted.</p>\n'
                '<p id="oauth_verifier">%s</p>\n</body></html>\n' % (html.escape(verifier), html.escape(verifier)))
        self.send(200, page, 'text/html; charset=utf-8')

    def do_access_token(self):
        uri, method, body, headers = self.oauth_request()
        credentials = {'oauth_expires_in': JIRA_EXPIRES_IN, 'oauth_session_handle': new_secret(),
                       'oauth_authorization_expires_in': JIRA_EXPIRES_IN}
        with self.provider.dance_lock:
            h, b, s = self.provider.access_token.create_access_token_response(uri, method, body, headers,
                                                                              credentials=credentials)
        if s == 200:
            log.info('access token issued: %s', b)
            self.send(200, b, 'application/x-www-form-urlencoded')
        else:
            log.info('oauthlib answered %s %r', s, b)
            self.refuse()

    def do_resource(self):
        uri, method, body, headers = self.oauth_request()
        valid, request = self.provider.resource.validate_protected_resource_request(uri, method, body, headers)
        if not valid:
            if not first_problem() and request is not None and not request.resource_owner_key:
                note(Problem('parameter_absent', 'an access token is required', absent=['oauth_token']))
            self.refuse()
            return
        target = self.raw_target()
        result = {'verified': True, 'consumer': request.client_key, 'method': self.command, 'path': target}
        path = urllib.parse.urlsplit(target).path
        if path in ISSUE_PATHS and self.command in ('GET', 'HEAD'):
            result.update({
                'id': '10002', 'key': 'JJ-2',
                'self': 'http://%s/rest/api/2/issue/10002' % (self.headers.get('Host') or '127.0.0.1'),
                'fields': {'summary': 'Second issue of project JJ', 'issuetype': {'name': 'Task'},
                           'status': {'name': 'Open'}, 'project': {'key': 'JJ', 'name': 'JJ project'}}})
        log.info('verified %s %s (consumer %s)', self.command, target, request.client_key)
        self.send(200, json.dumps(result), 'application/json', headers=[('X-Seen-Target', target)])


# ------------------------------------------------------------------------------------------------------------
# main
# ------------------------------------------------------------------------------------------------------------

class SafeFormat(logging.Filter):
    """oauthlib 3.2.2 logs the RSA failure with '%s' and no argument (and the base string, full of '%',
    concatenated into the format): render such records verbatim instead of printing 'Logging error'."""

    def filter(self, record):
        try:
            record.getMessage()
        except Exception:
            record.args = ()
        return True


def load_rsa_public_pem(keys_dir):
    path = os.path.join(keys_dir, 'wiki_cert.pem')
    with open(path, 'rb') as f:
        cert = x509.load_pem_x509_certificate(f.read())
    return cert.public_key().public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')


def main(argv):
    ap = argparse.ArgumentParser(description='OAuth 1.0a provider (JIRA paths) built on python3-oauthlib')
    ap.add_argument('--keys-dir', required=True, help='directory holding wiki_cert.pem')
    ap.add_argument('--request-token-lifetime', type=int, default=600, metavar='SECONDS')
    ap.add_argument('--log', metavar='FILE', help='log here instead of stderr')
    args = ap.parse_args(argv)

    handler = logging.FileHandler(args.log, encoding='utf-8') if args.log else logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('%(asctime)s %(threadName)s %(name)s %(levelname)s %(message)s'))
    handler.addFilter(SafeFormat())
    for name in ('oauthlib', 'oauthlib_server'):
        lg = logging.getLogger(name)
        lg.setLevel(logging.DEBUG)
        lg.addHandler(handler)
        lg.propagate = False

    try:
        rsa_pem = load_rsa_public_pem(args.keys_dir)
    except (OSError, ValueError) as exc:
        sys.stderr.write('oauthlib_server.py: cannot load %s/wiki_cert.pem: %s\n' % (args.keys_dir, exc))
        return 2

    Handler.provider = Provider(Validator(rsa_pem, args.request_token_lifetime))
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]

    stop = threading.Event()

    def on_signal(signum, frame):
        log.info('signal %d: stopping', signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def watch_stdin():
        # os.read on the descriptor, not sys.stdin: a daemon thread blocked in the BufferedReader holds its lock,
        # and the interpreter aborts at exit ("could not acquire lock for <stdin> at interpreter shutdown").
        try:
            while os.read(0, 65536):
                pass
        except OSError:  # no stdin at all counts as EOF
            pass
        log.info('stdin closed: stopping')
        stop.set()

    serve = threading.Thread(target=server.serve_forever, name='serve', daemon=True)
    serve.start()
    sys.stdout.write('listening 127.0.0.1:%d\n' % port)
    sys.stdout.flush()
    log.info('listening 127.0.0.1:%d (request token lifetime %d s)', port, args.request_token_lifetime)
    threading.Thread(target=watch_stdin, name='stdin', daemon=True).start()

    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    log.info('stopped')
    handler.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
