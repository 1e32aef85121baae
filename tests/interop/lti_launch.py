#!/usr/bin/python3
"""An LMS (IMS LTI 1.1 tool consumer) signing launches with python3-oauthlib, for
tests/unit/lti.cpp, tests/unit/lti_server.cpp and the example_lti_launch test.

Run with Debian's interpreter (python3-oauthlib 3.2.2):

    /usr/bin/python3 tests/interop/lti_launch.py sign --url https://public.example/launch \\
        --key lms-key --secret lms-secret [--timestamp T --nonce N] [--omit NAME] [--param NAME=VALUE]
    /usr/bin/python3 tests/interop/lti_launch.py post --url https://public.example/launch \\
        --to http://127.0.0.1:PORT/launch --header 'X-Forwarded-Proto: https' ... (same options)
    /usr/bin/python3 tests/interop/lti_launch.py example PATH-TO-oauth1-lti-launch-example

The launch is signed as an LMS signs it (LTI 1.1 Implementation Guide §4, RFC 5849 §3.5.2):
oauthlib.oauth1.Client with HMAC-SHA1, the protocol parameters in the form body
(SIGNATURE_TYPE_BODY; --method for another method), oauth_callback=about:blank and oauth_version=1.0, over a typical set of
launch parameters (below); --omit drops one of them before signing, --param NAME=VALUE sets or
adds one (an empty VALUE is sent empty).

`sign` prints the signed application/x-www-form-urlencoded body (no newline).
`post` signs for --url and POSTs the body to --to with urllib (redirects are not followed), with
the extra header fields given; it prints the status on the first line, the Location field (or
an empty line) on the second, then the body.
`example` runs the example program with --trust-proxy 127.0.0.1 (it prints `listening
127.0.0.1:PORT` and serves one tool endpoint) and a TLS-terminating reverse proxy in front of it
(`TlsProxy` below: https on another loopback port, a fresh self-signed certificate for
127.0.0.1 made with the openssl command, the request forwarded over plain http with
X-Forwarded-Proto: https and X-Forwarded-Host set from the Host the LMS sent, as nginx's
`proxy_set_header` lines do). It checks, each on its own launch:
  1. a launch to the tool's own http URL: 200 naming the user; its replay: 401 nonce_used;
  2. a launch signed for the proxy's public https URL, sent through the proxy: 200;
  3. the same kind of launch (public https URL) sent to the tool directly, without the proxy's
     headers: 401 signature_invalid (verified against the internal http URL, the classic LTI
     failure), and the example's log names the URL it checked;
  4. a launch through the proxy whose body was changed after signing: 401 signature_invalid.
Exit status 0 when every outcome is as expected.
"""

import argparse
import http.client
import http.server
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

try:
    from oauthlib.oauth1 import Client, SIGNATURE_TYPE_BODY
except ImportError as exc:  # pragma: no cover
    sys.stderr.write('lti_launch.py: cannot import oauthlib (%s); run it with /usr/bin/python3 '
                     '(Debian python3-oauthlib)\n' % exc)
    sys.exit(2)

FORM = 'application/x-www-form-urlencoded'

# A launch as Moodle, Canvas or Sakai send it (LTI 1.1 Implementation Guide, basic launch data).
LAUNCH = [
    ('lti_message_type', 'basic-lti-launch-request'),
    ('lti_version', 'LTI-1p0'),
    ('resource_link_id', '88391-e1919-bb3456'),
    ('resource_link_title', 'Week 1: Quiz'),
    ('user_id', '0ae836b9-7fc9-4060-006f-27b2066ac545'),
    ('roles', 'Instructor,urn:lti:instrole:ims/lis/Administrator'),
    ('lis_person_name_full', 'Jane Q. Public'),
    ('lis_person_contact_email_primary', 'jane@school.example.edu'),
    ('context_id', '8213060-006f-27b2066ac545'),
    ('context_title', 'Design of Personal Environments'),
    ('context_label', 'SI182'),
    ('launch_presentation_locale', 'en-US'),
    ('launch_presentation_return_url', 'https://lms.example.edu/portal/return?course=7'),
    ('tool_consumer_instance_guid', 'lms.example.edu'),
    ('tool_consumer_info_product_family_code', 'moodle'),
    ('custom_chapter', '3'),
    ('custom_review_mode', 'a b&c=d \u00fc+%'),
]


def launch_parameters(omit, params):
    out = [(k, v) for (k, v) in LAUNCH if k not in omit]
    for item in params:
        name, _, value = item.partition('=')
        replaced = False
        for i, (k, _v) in enumerate(out):
            if k == name:
                out[i] = (name, value)
                replaced = True
        if not replaced:
            out.append((name, value))
    return out


def sign(args):
    client = Client(args.key, client_secret=args.secret, signature_method=args.method,
                    signature_type=SIGNATURE_TYPE_BODY, callback_uri='about:blank',
                    nonce=args.nonce, timestamp=args.timestamp)
    _uri, _headers, body = client.sign(args.url, http_method='POST',
                                       body=launch_parameters(args.omit, args.param),
                                       headers={'Content-Type': FORM})
    return body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def post(to, body, headers, tls=None):
    req = urllib.request.Request(to, data=body.encode('utf-8'), method='POST')
    req.add_header('Content-Type', FORM)
    for h in headers:
        name, _, value = h.partition(':')
        req.add_header(name.strip(), value.strip())
    handlers = [NoRedirect]
    if tls is not None:
        handlers.append(urllib.request.HTTPSHandler(context=tls))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.headers.get('Location', ''), resp.read().decode('utf-8')
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get('Location', ''), err.read().decode('utf-8')


# Hop-by-hop fields (RFC 9110 §7.6.1) a proxy does not forward.
HOP_BY_HOP = {'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer',
              'transfer-encoding', 'upgrade'}


class TlsProxy:
    """A reverse proxy terminating TLS on 127.0.0.1: https in, plain http to `upstream_port`
    out, with X-Forwarded-Proto: https, X-Forwarded-Host (the Host the client sent) and
    X-Forwarded-For added, as a deployment's nginx or load balancer adds them."""

    def __init__(self, upstream_port, certfile, keyfile):
        upstream = upstream_port

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, fmt, *args):  # keep the test's output to its own lines
                pass

            def do_POST(self):
                length = int(self.headers.get('Content-Length', '0'))
                body = self.rfile.read(length)
                headers = {k: v for (k, v) in self.headers.items()
                           if k.lower() not in HOP_BY_HOP and not k.lower().startswith('x-forwarded')}
                headers['X-Forwarded-Proto'] = 'https'
                headers['X-Forwarded-Host'] = self.headers.get('Host', '')
                headers['X-Forwarded-For'] = self.client_address[0]
                conn = http.client.HTTPConnection('127.0.0.1', upstream, timeout=30)
                try:
                    conn.request('POST', self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    self.send_response(resp.status)
                    for k, v in resp.getheaders():
                        if k.lower() not in HOP_BY_HOP and k.lower() != 'content-length':
                            self.send_header(k, v)
                    self.send_header('Content-Length', str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    conn.close()

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certfile, keyfile)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def self_signed_certificate(directory):
    cert = os.path.join(directory, 'proxy-cert.pem')
    key = os.path.join(directory, 'proxy-key.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
                    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                    '-keyout', key, '-out', cert], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return cert, key


def launch_args(url):
    return argparse.Namespace(url=url, key='lms.example.edu', secret='lms-secret',
                              method='HMAC-SHA1', nonce=None, timestamp=None, omit=[], param=[])


def run_example(exe):
    proc = subprocess.Popen([exe, '--trust-proxy', '127.0.0.1'], stdout=subprocess.PIPE,
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proxy = None
    try:
        line = proc.stdout.readline().strip()
        prefix = 'listening 127.0.0.1:'
        if not line.startswith(prefix):
            print('example did not start: %r' % line)
            return 1
        port = int(line[len(prefix):])
        with tempfile.TemporaryDirectory() as tmp:
            cert, key = self_signed_certificate(tmp)
            proxy = TlsProxy(port, cert, key)
            tls = ssl.create_default_context(cafile=cert)
            direct = 'http://127.0.0.1:%d/launch' % port
            public = 'https://127.0.0.1:%d/launch' % proxy.port
            ok = True

            body = sign(launch_args(direct))
            status, _loc, text = post(direct, body, [])
            print('launch to %s: %d %s' % (direct, status, text.strip()))
            ok = ok and status == 200 and 'Jane Q. Public' in text and 'Instructor' in text
            status, _loc, text = post(direct, body, [])
            print('replay: %d %s' % (status, text.strip()))
            ok = ok and status == 401 and 'nonce_used' in text

            status, _loc, text = post(public, sign(launch_args(public)), [], tls)
            print('launch to %s through the TLS proxy: %d %s' % (public, status, text.strip()))
            ok = ok and status == 200 and 'Jane Q. Public' in text

            status, _loc, text = post(direct, sign(launch_args(public)), [])
            print('launch signed for %s sent to %s without the proxy: %d %s'
                  % (public, direct, status, text.strip()))
            ok = ok and status == 401 and 'signature_invalid' in text

            tampered = sign(launch_args(public)).replace('Instructor', 'Learner', 1)
            status, _loc, text = post(public, tampered, [], tls)
            print('tampered launch through the TLS proxy: %d %s' % (status, text.strip()))
            ok = ok and status == 401 and 'signature_invalid' in text
    finally:
        if proxy is not None:
            proxy.stop()
        proc.stdin.close()  # the example stops when its stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log = proc.stderr.read()
    print('example log:\n' + log.rstrip())
    # The refusal of case 3 names the URL the tool verified against.
    ok = ok and ('http://127.0.0.1:%d/launch' % port) in log
    print('all outcomes as expected' if ok else 'UNEXPECTED outcome')
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='command', required=True)
    for name in ('sign', 'post'):
        p = sub.add_parser(name)
        p.add_argument('--url', required=True, help='the launch URL the LMS signs')
        p.add_argument('--key', default='lms.example.edu')
        p.add_argument('--secret', default='lms-secret')
        p.add_argument('--method', default='HMAC-SHA1', help='oauth_signature_method')
        p.add_argument('--timestamp', default=None)
        p.add_argument('--nonce', default=None)
        p.add_argument('--omit', action='append', default=[])
        p.add_argument('--param', action='append', default=[])
        if name == 'post':
            p.add_argument('--to', required=True, help='where to POST it')
            p.add_argument('--header', action='append', default=[])
    p = sub.add_parser('example')
    p.add_argument('exe')
    args = ap.parse_args()
    if args.command == 'sign':
        sys.stdout.write(sign(args))
        return 0
    if args.command == 'post':
        status, location, text = post(args.to, sign(args), args.header)
        sys.stdout.write('%d\n%s\n%s' % (status, location, text))
        return 0
    return run_example(args.exe)


if __name__ == '__main__':
    sys.exit(main())
