#!/usr/bin/python3
"""A browser without a browser for `jira-oauth dance`: used as $BROWSER by dance_test.sh.

    BROWSER="/usr/bin/python3 tests/dance/form_browser.py" jira-oauth dance

GETs the URL; when the answer is jira-provider's authorize page, posts its form (with the page's
atl_token) with decision=allow, or deny when DANCE_BROWSER_CLICK=deny; follows the provider's
redirect to the loopback callback as a browser does, and prints where it ended. Never uses a
proxy. Exit status 0 when the last page says "close this window", else 1.
"""
import os
import re
import sys
import urllib.parse
import urllib.request


def main():
    url = sys.argv[1]
    click = os.environ.get("DANCE_BROWSER_CLICK", "allow")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as r:
        page = r.read().decode("utf-8", "replace")
        where = r.geturl()
    form = re.search(r'<form method="post" action="([^"]+)">', page)
    if form:
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
        fields["decision"] = click
        action = urllib.parse.urljoin(where, form.group(1))
        body = urllib.parse.urlencode(fields).encode()
        with opener.open(action, data=body, timeout=30) as r:
            page = r.read().decode("utf-8", "replace")
            where = r.geturl()
    print("form_browser.py: ended on", where.split("?")[0], file=sys.stderr)
    return 0 if "close this window" in page else 1


if __name__ == "__main__":
    sys.exit(main())
