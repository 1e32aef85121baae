#!/usr/bin/python3
"""Real JIRA clients against jira-provider (tools/jira-provider), on 127.0.0.1, no mocks.

    /usr/bin/python3 tests/interop/jira_clients.py JIRA_PROVIDER KEYS_DIR [--client python|ruby|perl|node]

It starts JIRA_PROVIDER (consumer OauthKey, RSA-SHA1, the public key of KEYS_DIR/wiki_cert.pem;
the clients sign with KEYS_DIR/wiki_key.pem) and checks, with --client python (the default):

  1. the OAuth 1.0a dance with requests-oauthlib's OAuth1Session (RSA-SHA1, callback "oob"; the
     authorize page is opened and its form submitted with its atl_token, as a browser would);
  2. the `jira` library with that access token: JIRA(server, oauth={...}) (which reads
     /rest/api/2/serverInfo), server_info(), project('JJ'), create_issue(project='JJ', ...) (the
     issue type as a dict, by name through the project, by name through /rest/api/2/issuetype),
     search_issues('project = JJ'), search_issues with AND and a quoted key, issue(key), and
     a JQL jira-provider does not understand (JIRAError 400 with JIRA's errorMessages);
  3. the OAuth 1.0 dance without oauth_callback, as `jirashell --oauth-dance` does it
     (jira.jirashell.oauth_dance itself: no callback, no verifier), then the jira library;
  4. the same dance against a provider started with --oauth10a-only: refused with
     parameter_absent (oauth_callback), which jirashell reports.

With --client ruby or perl, the dance of 1. (Python) gets an access token, then a short signed
GET /rest/api/2/myself is made by Ruby's oauth gem (jira_get.rb, Debian ruby-oauth) or Perl's
Net::OAuth (jira_get.pl, Debian libnet-oauth-perl); with --client node, by node's oauth-1.0a
(jira_get.js; npm package installed into tests/interop/node by scripts/setup-deps).

Exit status 0: every check passed; 1: a check failed, or a client library cannot be loaded (the
message names the Debian package: python3-jira, python3-keyring (jirashell imports it),
python3-requests-oauthlib, ruby-oauth, libnet-oauth-perl). Run it with Debian's /usr/bin/python3,
not another python3 on PATH.
"""

import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

try:
    import requests
    from oauthlib.oauth1 import SIGNATURE_RSA
    from requests_oauthlib import OAuth1, OAuth1Session
except ImportError as exc:
    sys.stderr.write('jira_clients.py: FAIL: cannot import requests-oauthlib (%s).\n'
                     'Install Debian\'s python3-requests-oauthlib and run this script with /usr/bin/python3 '
                     '(not another python3 on PATH).\n' % exc)
    sys.exit(1)
try:
    import jira
    import jira.jirashell
except ImportError as exc:
    sys.stderr.write('jira_clients.py: FAIL: cannot import the jira library or its jirashell (%s).\n'
                     'Install Debian\'s python3-jira and python3-keyring (jirashell imports it) and run '
                     'this script with /usr/bin/python3 (not another python3 on PATH).\n' % exc)
    sys.exit(1)

REQUEST_TOKEN = '/plugins/servlet/oauth/request-token'
AUTHORIZE = '/plugins/servlet/oauth/authorize'
ACCESS_TOKEN = '/plugins/servlet/oauth/access-token'
CONSUMER_KEY = 'OauthKey'
HERE = os.path.dirname(os.path.abspath(__file__))

failures = []


def check(ok, what, got=None):
    """Prints and counts one check; `got` (what was seen) is printed when it fails."""
    # sys.__stdout__: jirashell's output is captured while it runs (see jirashell_dance).
    print('%s: %s' % ('ok  ' if ok else 'FAIL', what), file=sys.__stdout__, flush=True)
    if not ok:
        if got is not None:
            print('      got: %s' % (got,), file=sys.__stdout__, flush=True)
        failures.append(what)
    return ok


class Fatal(Exception):
    """A check whose failure stops the run."""


def require(ok, what, got=None):
    if not check(ok, what, got):
        raise Fatal(what)


class Provider:
    """jira-provider on a kernel-chosen port, stdin on a pipe (--stop-on-eof), log in a file."""

    def __init__(self, exe, consumers, workdir, name, *options):
        self.log_path = os.path.join(workdir, name + '.log')
        self.log = open(self.log_path, 'w')
        self.proc = subprocess.Popen([exe, '--consumers', consumers, '--stop-on-eof'] + list(options),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        line = b''
        deadline = time.monotonic() + 20
        while not line.endswith(b'\n') and time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if ready:
                c = os.read(self.proc.stdout.fileno(), 1)  # unbuffered: select() sees the rest
                if not c:
                    break
                line += c
        m = re.fullmatch(r'jira-provider listening on (http://127\.0\.0\.1:[0-9]+)\n', line.decode())
        if not m:
            self.stop()
            raise Fatal('jira-provider %s did not start (first line %r); its log:\n%s'
                        % (name, line, open(self.log_path).read()))
        self.base = m.group(1)

    def stop(self):
        """Closes its stdin; returns its exit status (it stops on EOF with status 0)."""
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            status = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
        self.log.close()
        return status


def allow(base, token):
    """The authorize page of `token`, then its Allow button (the form with the page's atl_token);
    returns the answer to the form (the page after Allow)."""
    page = requests.get(base + AUTHORIZE, params={'oauth_token': token}, timeout=20)
    require(page.status_code == 200, 'the authorize page answers 200', '%d %s' % (page.status_code, page.text))
    m = re.search(r'name="atl_token" value="([^"]+)"', page.text)
    require(m is not None, 'the authorize page has its atl_token')
    r = requests.post(base + AUTHORIZE, data={'oauth_token': token, 'atl_token': m.group(1), 'decision': 'allow'},
                      allow_redirects=False, timeout=20)
    require(r.status_code == 200, 'Allow answers 200', '%d %s' % (r.status_code, r.text))
    return r


def dance_oauth10a(base, key_pem):
    """The OAuth 1.0a dance with requests-oauthlib's OAuth1Session; returns the access token."""
    s = OAuth1Session(CONSUMER_KEY, signature_method=SIGNATURE_RSA, rsa_key=key_pem, callback_uri='oob')
    request_token = s.fetch_request_token(base + REQUEST_TOKEN)
    check(request_token.get('oauth_callback_confirmed') == 'true', 'OAuth1Session: request token, '
          'oauth_callback_confirmed=true')
    page = allow(base, request_token['oauth_token'])
    m = re.search(r"Your verification code is '([^']+)'", page.text)
    require(m is not None, 'OAuth1Session: the page after Allow shows the verification code')
    access = s.fetch_access_token(base + ACCESS_TOKEN, verifier=m.group(1))
    require(bool(access.get('oauth_token')) and bool(access.get('oauth_token_secret')),
            'OAuth1Session: access token')
    check(access.get('oauth_expires_in') == '157680000', 'OAuth1Session: oauth_expires_in as JIRA')
    return access['oauth_token'], access['oauth_token_secret']


def jira_library(base, key_pem, token, secret, label):
    """The jira library with an access token: server info, project, create, search, read."""
    j = jira.JIRA(server=base, oauth={'access_token': token, 'access_token_secret': secret,
                                      'consumer_key': CONSUMER_KEY, 'key_cert': key_pem})
    info = j.server_info()
    check(info.get('baseUrl') == base, '%s: server_info() baseUrl is the provider\'s' % label)
    check(info.get('deploymentType') == 'Server' and len(info.get('versionNumbers', [])) == 3
          and info.get('version') == '.'.join(str(n) for n in info['versionNumbers']),
          '%s: server_info() version, versionNumbers, deploymentType' % label, info)
    check(isinstance(info.get('buildNumber'), int) and bool(info.get('serverTitle')),
          '%s: server_info() buildNumber, serverTitle' % label)
    check(j.myself().get('name') == 'admin', '%s: myself() is admin' % label)

    project = j.project('JJ')
    check((project.key, project.id, project.name) == ('JJ', '10000', 'JIRA Junior'),
          '%s: project(\'JJ\') -> JJ, 10000, JIRA Junior' % label)
    check('Bug' in [t.name for t in project.issueTypes], '%s: project JJ has issue type Bug' % label)

    summary = 'Created by the jira library (%s)' % label
    created = j.create_issue(project='JJ', summary=summary, issuetype={'name': 'Bug'})
    check(re.fullmatch(r'JJ-[0-9]+', created.key) is not None, '%s: create_issue() -> %s' % (label, created.key))
    check(created.fields.summary == summary and created.fields.issuetype.name == 'Bug'
          and created.fields.project.key == 'JJ', '%s: the created issue read back (prefetch)' % label)

    # The issue type by name: the library looks it up in the project (expand=issueTypes) or, with
    # the project given in a dict, in /rest/api/2/issuetype.
    task = j.create_issue(project='JJ', summary=summary, issuetype='Task')
    check(task.fields.issuetype.name == 'Task', '%s: create_issue(issuetype=\'Task\') -> %s' % (label, task.key))
    story = j.create_issue(fields={'project': {'key': 'JJ'}, 'summary': summary, 'issuetype': 'Story'})
    check(story.fields.issuetype.name == 'Story', '%s: create_issue(fields={... \'issuetype\': \'Story\'}) -> %s'
          % (label, story.key))

    found = j.search_issues('project = JJ')
    keys = [i.key for i in found]
    check(created.key in keys and 'JJ-2' in keys and found.total == len(keys),
          '%s: search_issues(\'project = JJ\') finds %s and JJ-2' % (label, created.key), keys)
    one = j.search_issues('project = "JJ" AND key = \'%s\'' % created.key)
    check([i.key for i in one] == [created.key] and one.total == 1,
          '%s: search_issues with AND and quoted values finds exactly %s' % (label, created.key))
    page = j.search_issues('project = JJ', startAt=1, maxResults=1)
    check(len(page) == 1 and page.startAt == 1 and page.maxResults == 1 and page.total == len(keys),
          '%s: search_issues startAt=1 maxResults=1: one issue of %d' % (label, len(keys)))

    again = j.issue(created.key)
    check(again.fields.summary == summary and again.fields.issuetype.name == 'Bug',
          '%s: issue(%s)' % (label, created.key))

    try:
        j.search_issues('status = Open OR project = JJ')
        check(False, '%s: a JQL jira-provider does not understand is refused' % label)
    except jira.JIRAError as e:
        check(e.status_code == 400 and 'Error in the JQL Query' in (e.text or ''),
              '%s: a JQL jira-provider does not understand: JIRAError 400' % label, e)
    try:
        j.project('XX')
        check(False, '%s: project(\'XX\') is refused' % label)
    except jira.JIRAError as e:
        check(e.status_code == 404 and "No project could be found with key 'XX'." in (e.text or ''),
              '%s: project(\'XX\'): JIRAError 404 naming the key' % label, e)
    j.close()


class Approver:
    """Stands for the user of jirashell's oauth_dance, which prints the authorize URL and then
    asks input() whether the user authorized: this opens the URL and presses Allow first."""

    def __init__(self, base):
        self.base = base
        self.printed = ''
        self.page = None

    def write(self, s):  # jirashell's stdout
        self.printed += s
        return len(s)

    def flush(self):
        pass

    def __call__(self, prompt=''):  # jirashell's input()
        m = re.search(r'oauth_token=([A-Za-z0-9]+)', self.printed)
        require(m is not None, 'jirashell printed the authorize URL')
        self.page = allow(self.base, m.group(1))
        return 'y'


def jirashell_dance(base, key_pem):
    """jira.jirashell.oauth_dance (the code behind `jirashell --oauth-dance`), its input()
    answered by an Approver; returns its dict or the message it exits with, and the Approver."""
    approver = Approver(base)
    saved_stdout = sys.stdout
    jira.jirashell.input = approver  # found before the builtin
    sys.stdout = approver
    try:
        return jira.jirashell.oauth_dance(base, CONSUMER_KEY, key_pem, print_tokens=True), approver
    except SystemExit as e:
        return str(e.code), approver
    finally:
        sys.stdout = saved_stdout
        del jira.jirashell.input


def run_python(exe, consumers, workdir, key_pem):
    p = Provider(exe, consumers, workdir, 'provider')
    try:
        # 1 and 2: OAuth 1.0a, then the jira library.
        token, secret = dance_oauth10a(p.base, key_pem)
        jira_library(p.base, key_pem, token, secret, 'jira (1.0a token)')

        # 3: OAuth 1.0 as jirashell does it.
        result, approver = jirashell_dance(p.base, key_pem)
        require(isinstance(result, dict), 'jirashell oauth_dance (no oauth_callback, no oauth_verifier) '
                'gets an access token', 'its result %r; it printed %r' % (result, approver.printed))
        check(approver.page is not None and 'Your verification code is' not in approver.page.text,
              'OAuth 1.0: the page after Allow shows no verification code')
        jira_library(p.base, result['key_cert'], result['access_token'], result['access_token_secret'],
                     'jira (1.0 token from jirashell)')

        # A 1.0a token still needs its verifier, even from a client that sends none.
        s = OAuth1Session(CONSUMER_KEY, signature_method=SIGNATURE_RSA, rsa_key=key_pem, callback_uri='oob')
        rt = s.fetch_request_token(p.base + REQUEST_TOKEN)
        allow(p.base, rt['oauth_token'])
        r = requests.post(p.base + ACCESS_TOKEN, timeout=20,
                          auth=OAuth1(CONSUMER_KEY, signature_method=SIGNATURE_RSA, rsa_key=key_pem,
                                      resource_owner_key=rt['oauth_token'],
                                      resource_owner_secret=rt['oauth_token_secret']))
        check(r.status_code == 401 and 'oauth_problem=parameter_absent' in r.text
              and 'oauth_verifier' in r.text,
              'a 1.0a request token (issued with oauth_callback) without oauth_verifier: 401 '
              'parameter_absent oauth_verifier', '%d %s' % (r.status_code, r.text))
    finally:
        check(p.stop() == 0, 'jira-provider stops on EOF with status 0')

    # 4: --oauth10a-only refuses the 1.0 flow; jirashell says why.
    strict = Provider(exe, consumers, workdir, 'provider_oauth10a_only', '--oauth10a-only')
    try:
        result, _ = jirashell_dance(strict.base, key_pem)
        check(result == 'OAuth error: parameter_absent',
              '--oauth10a-only: jirashell oauth_dance exits with "OAuth error: parameter_absent"', result)
        r = requests.post(strict.base + REQUEST_TOKEN, timeout=20,
                          auth=OAuth1(CONSUMER_KEY, signature_method=SIGNATURE_RSA, rsa_key=key_pem))
        check(r.status_code == 401 and 'oauth_parameters_absent=oauth_callback' in r.text
              and '--oauth10a-only' in requests.utils.unquote(r.text),
              '--oauth10a-only: request token without oauth_callback: 401, oauth_callback absent, '
              'advice naming the option', '%d %s' % (r.status_code, r.text))
        # The 1.0a flow still works.
        token, secret = dance_oauth10a(strict.base, key_pem)
        check(bool(token), '--oauth10a-only: the OAuth 1.0a dance works')
    finally:
        check(strict.stop() == 0, 'jira-provider --oauth10a-only stops on EOF with status 0')


def run_other(kind, exe, consumers, workdir, key_pem, key_file):
    """A signed GET /rest/api/2/myself from Ruby's oauth gem, Perl's Net::OAuth or node's oauth-1.0a."""
    if kind == 'ruby':
        interpreter, script, package = shutil.which('ruby'), 'jira_get.rb', 'ruby-oauth'
    elif kind == 'node':
        interpreter, script, package = shutil.which('node'), 'jira_get.js', 'nodejs (+ npm oauth-1.0a)'
    else:
        interpreter, script, package = '/usr/bin/perl', 'jira_get.pl', 'libnet-oauth-perl'
    require(interpreter is not None and os.path.exists(interpreter),
            '%s is installed (Debian package %s)' % (kind, package))
    p = Provider(exe, consumers, workdir, 'provider')
    try:
        token, secret = dance_oauth10a(p.base, key_pem)
        for path in ('/rest/api/2/myself', '/rest/api/2/issue/JJ-2?fields=summary,status'):
            r = subprocess.run([interpreter, os.path.join(HERE, script), p.base, CONSUMER_KEY, key_file,
                                token, secret, path], capture_output=True, text=True, timeout=60)
            if r.returncode == 3:
                raise Fatal('%s: %s' % (script, r.stderr.strip()))
            lines = r.stdout.split('\n', 1)
            ok = r.returncode == 0 and lines[0] == '200'
            expect = '"name":"admin"' if 'myself' in path else '"key":"JJ-2"'
            check(ok and expect in lines[-1], '%s (%s): signed GET %s -> 200 with %s' % (kind, package, path, expect),
                  'exit status %d, stdout %r, stderr %r' % (r.returncode, r.stdout[:300], r.stderr[:500]))
    finally:
        check(p.stop() == 0, 'jira-provider stops on EOF with status 0')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    ap.add_argument('provider', help='the jira-provider executable')
    ap.add_argument('keys_dir', help='tests/data/keys (wiki_cert.pem, wiki_key.pem)')
    ap.add_argument('--client', choices=('python', 'ruby', 'perl', 'node'), default='python')
    args = ap.parse_args()

    key_file = os.path.join(args.keys_dir, 'wiki_key.pem')
    with open(key_file) as f:
        key_pem = f.read()
    workdir = tempfile.mkdtemp(prefix='jira_clients.')
    consumers = os.path.join(workdir, 'consumers.properties')
    with open(consumers, 'w') as f:
        f.write('consumer.OauthKey.name=jira_clients.py\n'
                'consumer.OauthKey.public_key=%s\n'
                'consumer.OauthKey.methods=RSA-SHA1\n' % os.path.join(os.path.abspath(args.keys_dir), 'wiki_cert.pem'))
    try:
        if args.client == 'python':
            run_python(args.provider, consumers, workdir, key_pem)
        else:
            run_other(args.client, args.provider, consumers, workdir, key_pem, key_file)
    except Fatal as e:
        failures.append(str(e))
        print('FAIL: stopped: %s' % e)
    except Exception:  # a client raised: that is a failure too, with its traceback
        failures.append('exception')
        traceback.print_exc(file=sys.stdout)
    if failures:
        for name in sorted(os.listdir(workdir)):
            if name.endswith('.log'):
                with open(os.path.join(workdir, name)) as f:
                    print('---- %s (last 40 lines) ----\n%s' % (name, ''.join(f.readlines()[-40:])))
    shutil.rmtree(workdir, ignore_errors=True)
    print('%d check(s) failed' % len(failures) if failures else 'all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
