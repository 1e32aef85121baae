#!/bin/sh
# A browser without a page for `jira-oauth dance` (dance_test.sh): GETs the URL and follows the
# redirects (jira-provider --auto-approve sends the browser to the loopback callback at once).
exec curl -sS --noproxy '*' --max-time 30 -L -o /dev/null "$1"
