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
`example` runs the example program, which prints `listening 127.0.0.1:PORT` and serves one tool
endpoint, POSTs it a launch and its replay, checks the answers (200 naming the user, then 401
nonce_used) and stops it; exit status 0 when both are as expected.
"""

import argparse
import subprocess
import sys
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


def post(to, body, headers):
    req = urllib.request.Request(to, data=body.encode('utf-8'), method='POST')
    req.add_header('Content-Type', FORM)
    for h in headers:
        name, _, value = h.partition(':')
        req.add_header(name.strip(), value.strip())
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=30) as resp:
            return resp.status, resp.headers.get('Location', ''), resp.read().decode('utf-8')
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get('Location', ''), err.read().decode('utf-8')


def run_example(exe):
    proc = subprocess.Popen([exe], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        prefix = 'listening 127.0.0.1:'
        if not line.startswith(prefix):
            print('example did not start: %r' % line)
            return 1
        port = int(line[len(prefix):])
        args = argparse.Namespace(url='http://127.0.0.1:%d/launch' % port, key='lms.example.edu',
                                  secret='lms-secret', method='HMAC-SHA1', nonce=None, timestamp=None, omit=[],
                                  param=[])
        body = sign(args)
        ok = True
        status, _loc, text = post(args.url, body, [])
        print('launch: %d %s' % (status, text.strip()))
        ok = ok and status == 200 and 'Jane Q. Public' in text and 'Instructor' in text
        status, _loc, text = post(args.url, body, [])
        print('replay: %d %s' % (status, text.strip()))
        ok = ok and status == 401 and 'nonce_used' in text
        print('all outcomes as expected' if ok else 'UNEXPECTED outcome')
        return 0 if ok else 1
    finally:
        proc.stdin.close()  # the example stops when its stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
