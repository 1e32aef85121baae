#!/usr/bin/env bash
# End-to-end tests of jira-oauth (tools/jira-oauth): the JIRA OAuth dance against real local
# servers, and its failure paths. Registered by tests/dance/CMakeLists.txt.
#
#   dance_test.sh SCENARIO JIRA_OAUTH JIRA_PROVIDER|- [TRANSPORT]
#
# Scenarios:
#   provider TRANSPORT     keygen -> jira-provider -> requestToken -> Allow -> accessToken ->
#                          request JJ-2 -> POST (create) -> PUT (--data @file --body-hash) -> GET
#   oauthlib TRANSPORT     the same dance against tests/interop/oauthlib_server.py (python3-oauthlib);
#                          exit 77 (SKIPPED) when /usr/bin/python3 cannot import oauthlib
#   wrong_verifier, expired_request_token, reused_verifier, revoked_token, wrong_key
#                          failure paths against jira-provider: exit status 1 and the message
#   clock_skew             jira-provider's clock an hour ahead: the skew clock corrects it (one
#                          retry, "your clock is 3,600 s behind") and the dance completes
#   no_config, usage       exit status 2 and the messages (no server)
#   script                 scripts/dance on this build ($OAUTH1_BUILD_DIR)
#   dance_redirect         `jira-oauth dance` against jira-provider --auto-approve (redirects to the
#                          callback at once, no page); $BROWSER is curl following the redirect
#   dance_form             `jira-oauth dance` against jira-provider; $BROWSER is form_browser.py
#                          (python, no browser) posting Allow, then Deny (exit 1, message)
#   dance_failures         the dance's own failures: timeout, no browser, port in use, usage
#   browser_allow, browser_deny
#                          `jira-oauth dance` with a real browser: $BROWSER is browser.py (Selenium,
#                          headless Chromium) clicking Allow (then a signed REST call with the
#                          token) or Deny (exit 1, message); exit 77 (SKIPPED) when chromium,
#                          chromedriver or python3-selenium is missing
#
# Every server is started with its stdin on a FIFO held by this shell (so it also stops when
# this shell dies) and killed by the EXIT trap; the work directory is a mktemp -d, removed too.
set -euo pipefail

scenario=${1:?scenario}
jira_oauth=${2:?jira-oauth executable}
provider_bin=${3:?jira-provider executable or -}
transport=${4:-curl}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=${OAUTH1_PYTHON:-/usr/bin/python3}

work=$(mktemp -d "${TMPDIR:-/tmp}/jira-dance.XXXXXX")
server_pid=""
cleanup() {
    local rc=$?
    exec 3>&- 2>/dev/null || true
    # The browser's process group (browser.py, chromedriver, chromium), if any is left.
    if [ -s "$work/browser.pgid" ]; then
        kill -- "-$(cat "$work/browser.pgid")" 2>/dev/null || true
    fi
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -s "$work/server.log" ]; then
        echo "---- server log (last 30 lines) ----" >&2
        tail -n 30 "$work/server.log" >&2
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "FAIL [$scenario $transport]: $*" >&2
    if [ -n "${out+x}" ]; then echo "---- stdout ----" >&2; printf '%s\n' "$out" >&2; fi
    if [ -n "${err+x}" ]; then echo "---- stderr ----" >&2; printf '%s\n' "$err" >&2; fi
    exit 1
}
skip() {
    echo "SKIPPED [$scenario $transport]: $*"
    exit 77
}
step() { echo "-- $*"; }

# jo ARGS...: runs jira-oauth in $work (--transport added for the network commands), setting
# $out, $err and $status; never fails by itself.
jo() {
    local args=("$@")
    if [ "${1:-}" != keygen ]; then args=(--transport "$transport" "${args[@]}"); fi
    set +e
    (cd "$work" && "$jira_oauth" "${args[@]}") >"$work/stdout" 2>"$work/stderr"
    status=$?
    set -e
    out=$(cat "$work/stdout")
    err=$(cat "$work/stderr")
}
expect_status() {
    [ "$status" -eq "$1" ] || fail "expected exit status $1, got $status"
}
expect_out() { [[ $out == *"$1"* ]] || fail "stdout lacks: $1"; }
expect_err() { [[ $err == *"$1"* ]] || fail "stderr lacks: $1"; }
# No secret in any message: private key bytes, token secrets.
expect_no_secrets() {
    local s
    for s in "$@"; do
        [ -n "$s" ] || continue
        [[ $err != *"$s"* ]] || fail "stderr contains a secret"
        [[ $out != *"$s"* ]] || fail "stdout contains a secret"
    done
}
prop() { # prop KEY: the value of KEY in $work/config.properties (simple key=value lines)
    sed -n "s/^$1=//p" "$work/config.properties" | tail -n 1
}
set_prop() { # set_prop KEY VALUE: replaces (or appends) a key=value line
    local f=$work/config.properties
    if grep -q "^$1=" "$f"; then
        local tmp=$f.tmp
        awk -v k="$1" -v v="$2" 'index($0, k "=") == 1 { print k "=" v; next } { print }' "$f" >"$tmp"
        cat "$tmp" >"$f" # (keeps the file's mode)
        rm -f "$tmp"
    else
        printf '%s=%s\n' "$1" "$2" >>"$f"
    fi
}
file_mode() { stat -c %a "$1"; }
http() { curl -sS --noproxy '*' --max-time 30 "$@"; }

# ---- servers --------------------------------------------------------------------------------

# start_server PATTERN CMD...: starts CMD with stdout to $work/server.out, stderr to
# $work/server.log and stdin on a FIFO held open by fd 3; waits for a first stdout line matching
# PATTERN (a sed -n expression printing the base URL) and sets $base.
start_server() {
    local pattern=$1
    shift
    mkfifo "$work/server.stdin"
    : >"$work/server.out" # (exists before the server's shell opens it, for the loop below)
    "$@" <"$work/server.stdin" >"$work/server.out" 2>"$work/server.log" &
    server_pid=$!
    exec 3>"$work/server.stdin"
    base=""
    for _ in $(seq 1 200); do
        base=$(head -n 1 "$work/server.out" | sed -n "$pattern")
        [ -n "$base" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || {
            wait "$server_pid" || true
            server_pid=""
            fail "the server exited before listening: $(tail -n 5 "$work/server.log")"
        }
        sleep 0.05
    done
    fail "the server did not print its address within 10 s"
}

start_provider() { # start_provider [jira-provider options...]
    [ "$provider_bin" != - ] || skip "jira-provider was not built"
    [ -x "$provider_bin" ] || fail "$provider_bin does not exist: build the jira-provider target"
    start_server 's|^jira-provider listening on \(http://127\.0\.0\.1:[0-9]*\)$|\1|p' \
        "$provider_bin" --consumers "$work/consumers.properties" --port 0 --stop-on-eof "$@"
}

start_oauthlib() {
    "$python" -c 'import oauthlib, cryptography' 2>/dev/null ||
        skip "$python cannot import oauthlib and cryptography (Debian: apt-get install python3-oauthlib python3-cryptography)"
    start_server 's|^listening \(127\.0\.0\.1:[0-9]*\)$|http://\1|p' \
        "$python" "$root/tests/interop/oauthlib_server.py" --keys-dir "$root/tests/data/keys"
}

# ---- the dance, step by step ----------------------------------------------------------------

# keygen_into DIR: a key pair in DIR; sets $private_line.
keygen_into() {
    mkdir -p "$1"
    jo keygen --bits 2048 --out-dir "$1"
    expect_status 0
    expect_out "jira_privatekey.pcks8"
    expect_out "jira_publickey.pem"
    private_line=$(cat "$1/jira_privatekey.pcks8")
    [ "$(file_mode "$1/jira_privatekey.pcks8")" = 600 ] || fail "jira_privatekey.pcks8 is not mode 0600"
    [[ $private_line =~ ^MII[A-Za-z0-9+/=]+$ ]] || fail "jira_privatekey.pcks8 is not one base64 line"
    grep -q -- '-----BEGIN PUBLIC KEY-----' "$1/jira_publickey.pem" || fail "jira_publickey.pem is not a PEM public key"
}

# provider_setup: key pair (keygen --write-config), consumers file, config.properties with a
# comment and an unknown key that must survive the rewrites.
provider_setup() {
    jo keygen --out-dir keys --write-config # (keys/ does not exist yet: keygen makes it)
    expect_status 0
    expect_out "stored private_key"
    private_line=$(cat "$work/keys/jira_privatekey.pcks8")
    [ "$(prop private_key)" = "$private_line" ] || fail "keygen --write-config did not store private_key"
    [ "$(file_mode "$work/config.properties")" = 600 ] || fail "config.properties is not mode 0600"
    cat >"$work/consumers.properties" <<EOF
consumer.OauthKey.name=jira-oauth dance test
consumer.OauthKey.public_key=$work/keys/jira_publickey.pem
consumer.OauthKey.methods=RSA-SHA1
EOF
}

configure_home() { # configure_home URL: jira_home, plus a comment and an unknown key
    set_prop jira_home "$1"
    printf '# a comment of mine\nmy.own.key = kept\\\n    across lines\n' >>"$work/config.properties"
}

# request_token: runs requestToken and checks the tutorial's output; sets $authorize_url, $rt.
request_token() {
    jo requestToken
    expect_status 0
    [[ $out =~ Token:\ {10}([^[:space:]]+) ]] || fail "no 'Token:' line"
    rt=${BASH_REMATCH[1]}
    [[ $out =~ Token\ secret:\ {3}([^[:space:]]+) ]] || fail "no 'Token secret:' line"
    local rts=${BASH_REMATCH[1]}
    authorize_url=$(sed -n 's/^Retrieved request token\. go to \(.*\) to authorize it\.$/\1/p' <<<"$out")
    [ "$authorize_url" = "$base/plugins/servlet/oauth/authorize?oauth_token=$rt" ] ||
        fail "unexpected authorize URL: $authorize_url"
    [ "$(prop request_token)" = "$rt" ] || fail "request_token not stored"
    [ "$(prop secret)" = "$rts" ] || fail "secret (request token secret) not stored"
}

# page_form_token PAGE: the anti-CSRF token of a page's form (jira-provider's atl_token input),
# as "-d atl_token=..." arguments for curl; nothing when the page has none.
page_form_token() {
    local atl
    atl=$(sed -n 's/.*name="atl_token" value="\([^"]*\)".*/\1/p' <<<"$1" | head -n 1)
    [ -z "$atl" ] || printf '%s\n' -d "atl_token=$atl"
}

# approve: opens the authorize URL like a browser; clicks Allow when there is a form (sending the
# page's anti-CSRF token back, as a browser does); sets $code from "Your verification code is
# 'XXXXXX'".
approve() {
    local page
    local -a token_args
    page=$(http "$authorize_url")
    if [[ $page != *"verification code is"* ]]; then
        [[ $page == *'name="decision" value="allow"'* ]] || fail "authorize page has no Allow button: $page"
        mapfile -t token_args < <(page_form_token "$page")
        page=$(http -d "oauth_token=$rt" "${token_args[@]}" -d decision=allow "${authorize_url%%\?*}")
    fi
    code=$(sed -n "s/.*Your verification code is '\([^']*\)'.*/\1/p" <<<"$page")
    [ -n "$code" ] || fail "no verification code on the page: $page"
}

access_token() {
    jo accessToken "$code"
    expect_status 0
    [[ $out =~ ^Access\ token:\ \ ([^[:space:]]+)$ ]] || fail "unexpected accessToken output"
    at=${BASH_REMATCH[1]}
    [ "$(prop access_token)" = "$at" ] || fail "access_token not stored"
    at_secret=$(prop secret)
    [ -n "$at_secret" ] || fail "secret (access token secret) not stored"
}

check_config_kept() { # check_config_kept [MODE]: comments, unknown keys and the mode kept
    grep -q '^# a comment of mine$' "$work/config.properties" || fail "comment lost"
    grep -q '^my.own.key = kept\\$' "$work/config.properties" || fail "unknown key lost or reformatted"
    grep -q '^    across lines$' "$work/config.properties" || fail "continuation line lost"
    [ "$(file_mode "$work/config.properties")" = "${1:-600}" ] ||
        fail "config.properties is not mode ${1:-600} any more"
    local leftovers=("$work"/.config.properties.*)
    [ ! -e "${leftovers[0]}" ] || fail "temporary file left behind"
}

# The dance up to an access token, against the server at $base.
dance_to_access_token() {
    configure_home "$base"
    step "requestToken"
    request_token
    step "approve"
    approve
    step "accessToken $code"
    access_token
}

# ---- scenarios ------------------------------------------------------------------------------

scenario_provider() {
    provider_setup
    start_provider
    dance_to_access_token

    step "request JJ-2"
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    expect_out '"key":"JJ-2"'
    expect_out '"summary":'

    step "POST a new issue (--data JSON)"
    jo request --method POST --data '{"fields":{"project":{"key":"JJ"},"summary":"Created by jira-oauth","issuetype":{"name":"Bug"}}}' \
        "$base/rest/api/2/issue"
    expect_status 0
    [[ $out =~ \"key\":\"(JJ-[0-9]+)\" ]] || fail "no key in the create answer"
    local new=${BASH_REMATCH[1]}

    step "PUT $new (--data @file --body-hash)"
    printf '{"fields":{"summary":"Renamed by jira-oauth"}}' >"$work/update.json"
    jo request --method PUT --data @update.json --body-hash "$base/rest/api/2/issue/$new"
    expect_status 0

    step "GET $new (path relative to jira_home)"
    jo request "/rest/api/2/issue/$new"
    expect_status 0
    expect_out '"summary":"Renamed by jira-oauth"'

    step "a missing issue: HTTP 404, exit 1"
    jo request "$base/rest/api/2/issue/JJ-999"
    expect_status 1
    expect_err "HTTP 404"
    expect_no_secrets "$private_line" "$at_secret"
    check_config_kept
}

scenario_oauthlib() {
    # oauthlib_server.py knows consumer OauthKey with tests/data/keys/wiki_cert.pem, whose private
    # key is wiki_key_jira.txt (one line of base64 PKCS#8, as JIRA's config.properties has it).
    start_oauthlib
    private_line=$(tr -d '\n' <"$root/tests/data/keys/wiki_key_jira.txt")
    printf 'consumer_key=OauthKey\nprivate_key=%s\njira_home=%s\n' "$private_line" "$base" \
        >"$work/config.properties"
    # A config that others may read keeps its mode, with a warning at each rewrite.
    chmod 644 "$work/config.properties"
    dance_to_access_token
    expect_err "warning: other users may read config.properties"
    expect_no_secrets "$private_line" "$at_secret"

    step "request JJ-2"
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    expect_out '"verified": true'
    expect_out '"consumer": "OauthKey"'
    expect_out '"key": "JJ-2"'

    step "POST with --data"
    jo request --data '{"fields":{"summary":"x"}}' "$base/rest/api/2/issue"
    expect_status 0
    expect_out '"verified": true'
    expect_out '"method": "POST"'

    step "RSA-SHA256 (--signature-method)"
    jo --signature-method RSA-SHA256 request "$base/rest/api/2/myself"
    expect_status 0
    expect_out '"verified": true'
    check_config_kept 644

    # HMAC-SHA1 signs with the token secrets too: the request token's secret in accessToken,
    # the access token's in request (jira-oauth keeps each under its own key besides `secret`).
    step "the dance with HMAC-SHA1 (consumer hmac-consumer, --config hmac.properties)"
    printf 'jira_home=%s\nconsumer_key=hmac-consumer\nsignature_method=HMAC-SHA1\nconsumer_secret=%s\n' \
        "$base" kd94hf93k423kf44 >"$work/hmac.properties"
    jo --config hmac.properties requestToken
    expect_status 0
    authorize_url=$(sed -n 's/^Retrieved request token\. go to \(.*\) to authorize it\.$/\1/p' <<<"$out")
    rt=${authorize_url##*oauth_token=}
    local rts
    rts=$(sed -n 's/^secret=//p' "$work/hmac.properties")
    approve
    jo --config hmac.properties accessToken "$code"
    expect_status 0
    jo --config hmac.properties request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    expect_out '"consumer": "hmac-consumer"'
    expect_out '"key": "JJ-2"'
    grep -q "^request_token_secret=$rts\$" "$work/hmac.properties" || fail "request_token_secret not kept"
    # A new requestToken overwrites `secret` (as the Java client does); the access token still
    # signs with its own secret.
    jo --config hmac.properties requestToken
    expect_status 0
    jo --config hmac.properties request "$base/rest/api/2/myself"
    expect_status 0
    expect_out '"consumer": "hmac-consumer"'
    # A wrong consumer secret: signature_invalid (exit 1), the secret never printed.
    sed -i 's/^consumer_secret=.*/consumer_secret=wrong-secret-value/' "$work/hmac.properties"
    jo --config hmac.properties request "$base/rest/api/latest/issue/JJ-2"
    expect_status 1
    expect_err "oauth_problem=signature_invalid"
    expect_no_secrets wrong-secret-value kd94hf93k423kf44 "$(sed -n 's/^access_token_secret=//p' "$work/hmac.properties")"
}

scenario_wrong_verifier() {
    provider_setup
    start_provider
    configure_home "$base"
    request_token
    approve
    local wrong=ZZZZZZ
    [ "$code" != "$wrong" ] || wrong=YYYYYY
    jo accessToken "$wrong"
    expect_status 1
    expect_err "token credentials (access token) failed"
    expect_err "oauth_problem=token_rejected"
    expect_err "check the code"
    expect_no_secrets "$private_line" "$(prop secret)"
    [ -z "$(prop access_token)" ] || fail "an access token was stored after a failure"
    # The right code still works afterwards.
    access_token
}

scenario_expired_request_token() {
    provider_setup
    # 3 s: long enough to approve on a loaded 2-core machine (1 s was not, under a parallel
    # build), short enough to wait out below.
    start_provider --request-token-lifetime 3
    configure_home "$base"
    # Approving may itself come too late; try again then.
    local ok=""
    for _ in 1 2 3 4 5; do
        request_token
        if page=$(http "$authorize_url") && [[ $page != *token_expired* && $page != *expired* ]]; then
            local -a token_args
            mapfile -t token_args < <(page_form_token "$page")
            page=$(http -d "oauth_token=$rt" "${token_args[@]}" -d decision=allow "${authorize_url%%\?*}")
            code=$(sed -n "s/.*Your verification code is '\([^']*\)'.*/\1/p" <<<"$page")
            if [ -n "$code" ]; then ok=1; break; fi
        fi
    done
    [ -n "$ok" ] || fail "could not approve a request token within its 3 s lifetime in 5 attempts"
    sleep 4 # more than the lifetime since the token was issued
    jo accessToken "$code"
    expect_status 1
    expect_err "oauth_problem=token_expired"
    expect_err "start the dance again"
}

scenario_reused_verifier() {
    provider_setup
    start_provider
    dance_to_access_token
    jo accessToken "$code"
    expect_status 1
    expect_err "oauth_problem=token_used"
    expect_err "already exchanged"
    expect_no_secrets "$private_line" "$at_secret"
    [ "$(prop access_token)" = "$at" ] || fail "the first access token was lost"
    # The first access token still works.
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    expect_out '"key":"JJ-2"'
}

scenario_revoked_token() {
    provider_setup
    start_provider
    dance_to_access_token
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    step "GET /admin/revoke?oauth_token=..., then POST its form"
    local page status
    local -a token_args
    page=$(http "$base/admin/revoke?oauth_token=$at")
    mapfile -t token_args < <(page_form_token "$page")
    [ "${#token_args[@]}" -eq 2 ] || fail "the revoke page has no atl_token: $page"
    # Without the page's token (a cross-site form post) nothing is revoked.
    status=$(http -o /dev/null -w '%{http_code}' -d "oauth_token=$at" "$base/admin/revoke")
    [ "$status" = 403 ] || fail "POST /admin/revoke without atl_token answered $status, not 403"
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    status=$(http -o /dev/null -w '%{http_code}' -d "oauth_token=$at" "${token_args[@]}" "$base/admin/revoke")
    [ "$status" = 204 ] || fail "POST /admin/revoke answered $status, not 204"
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 1
    expect_err "oauth_problem=token_revoked"
    expect_err "run the dance again"
    expect_no_secrets "$private_line" "$at_secret"
}

scenario_wrong_key() {
    provider_setup
    # The provider knows the first key; config.properties gets another one.
    keygen_into "$work/other"
    local registered=$private_line
    start_provider
    configure_home "$base"
    set_prop private_key "$(cat "$work/other/jira_privatekey.pcks8")"
    jo requestToken
    expect_status 1
    expect_err "oauth_problem=signature_invalid"
    expect_err "the provider's signature base string is the same as ours, so the key is what differs"
    expect_err "the public key registered for consumer 'OauthKey'"
    expect_no_secrets "$registered" "$(cat "$work/other/jira_privatekey.pcks8")"
    [ -z "$(prop request_token)" ] || fail "a request token was stored after a failure"

    # A key that is not base64 PKCS#8 at all: a config problem (exit 2), key bytes not echoed.
    set_prop private_key "MIIB-not-a-key-ABCDEFGHIJKLMNOP"
    jo requestToken
    expect_status 2
    expect_err "private_key cannot be loaded"
    [[ $err != *ABCDEFGHIJKLMNOP* ]] || fail "the private_key value was echoed"
}

scenario_clock_skew() {
    # jira-provider's clock an hour ahead: jira-oauth's skew_clock learns the offset from the
    # refusal, retries once and says so; the whole dance then works.
    provider_setup
    start_provider --clock-offset 3600
    configure_home "$base"
    request_token
    expect_err "your clock is 3,600 s behind the provider's"
    expect_no_secrets "$private_line"
    approve
    access_token
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    expect_out '"key":"JJ-2"'
    expect_err "your clock is 3,600 s behind the provider's"
}

scenario_no_config() {
    jo requestToken
    expect_status 2
    expect_err "config.properties did not exist: created it with placeholders"
    [[ $err != *Exception* && $err != *terminate* ]] || fail "an exception trace was printed"
    [ -f "$work/config.properties" ] || fail "no config.properties created"
    [ "$(file_mode "$work/config.properties")" = 600 ] || fail "config.properties is not mode 0600"
    grep -q '^jira_home=REPLACE_WITH_' "$work/config.properties" || fail "no jira_home placeholder"
    grep -q '^private_key=REPLACE_WITH_' "$work/config.properties" || fail "no private_key placeholder"
    grep -q '^consumer_key=OauthKey$' "$work/config.properties" || fail "no consumer_key=OauthKey"
    grep -q 'jira-oauth keygen --write-config' "$work/config.properties" || fail "no keygen hint"

    # With the placeholders still there: exit 2, naming the setting to fill in.
    jo requestToken
    expect_status 2
    expect_err "jira_home is not set"
    set_prop jira_home http://127.0.0.1:9
    jo requestToken
    expect_status 2
    expect_err "private_key is not set"
    jo accessToken ABCDEF
    expect_status 2
    expect_err "private_key is not set"

    # --config names another file; keygen --write-config fills in the placeholder.
    jo --config sub.properties request http://127.0.0.1:9/x
    expect_status 2
    expect_err "sub.properties did not exist"
    jo keygen --out-dir k --write-config --config sub.properties
    expect_status 0
    expect_out "stored private_key"
    jo --config sub.properties accessToken ABCDEF
    expect_status 2
    expect_err "jira_home is not set"
    # keygen never overwrites a key pair.
    jo keygen --out-dir k
    expect_status 2
    expect_err "already exists"
}

scenario_usage() {
    jo --help
    expect_status 0
    expect_out "Usage: jira-oauth"
    expect_out "Exit status"
    expect_out "$transport"
    jo
    expect_status 2
    expect_err "no command given"
    jo requesttoken
    expect_status 2
    expect_err "did you mean requestToken?"
    jo accessToken
    expect_status 2
    expect_err "verification code"
    jo request
    expect_status 2
    expect_err "request needs one URL"
    jo --frobnicate requestToken
    expect_status 2
    expect_err "unknown option '--frobnicate'"
    jo requestToken --data x
    expect_status 2
    expect_err "request command only"
    # (a later --transport wins over the one jo adds)
    jo --transport nosuch requestToken
    expect_status 2
    expect_err "unknown transport 'nosuch'"
    [ ! -e "$work/config.properties" ] || fail "a usage error created config.properties"
    printf 'jira_home=http://127.0.0.1:9\nprivate_key=%s\n' "$(tr -d '\n' <"$root/tests/data/keys/wiki_key_jira.txt")" \
        >"$work/config.properties"
    jo --signature-method RSA-MD5 requestToken
    expect_status 2
    expect_err "unknown signature method 'RSA-MD5'"
    jo --signature-method HMAC-SHA1 requestToken
    expect_status 2
    expect_err "consumer_secret is not set"
    # Nothing listens on port 9 (discard): a transport failure, exit 1, naming jira_home.
    jo requestToken
    expect_status 1
    expect_err "temporary credentials (request token) failed"
    expect_err "check jira_home"
    jo keygen --bits 512
    expect_status 2
    expect_err "--bits needs a number from 1024 to 16384"
}

scenario_script() {
    [ "$provider_bin" != - ] || skip "jira-provider was not built"
    local build=${OAUTH1_BUILD_DIR:?OAUTH1_BUILD_DIR}
    set +e
    JIRA_OAUTH="$jira_oauth" JIRA_PROVIDER="$provider_bin" "$root/scripts/dance" "$build" \
        >"$work/stdout" 2>"$work/stderr"
    status=$?
    set -e
    out=$(cat "$work/stdout")
    err=$(cat "$work/stderr")
    expect_status 0
    expect_out '$ jira-oauth keygen'
    expect_out '$ jira-oauth requestToken'
    expect_out 'Retrieved request token. go to http://127.0.0.1:'
    expect_out 'clicking Allow' # the authorize form, with its atl_token
    expect_out '$ jira-oauth accessToken '
    expect_out 'Access token:  '
    expect_out '$ jira-oauth request http://127.0.0.1:'
    expect_out '"key":"JJ-2"'
}

# ---- the desktop dance (jira-oauth dance, loopback callback) ----------------------------------

# dance_with BROWSER_COMMAND [jira-oauth options...]: runs `jira-oauth dance` with $BROWSER set.
dance_with() {
    local browser=$1
    shift
    BROWSER=$browser jo dance "$@"
}

# expect_danced: the dance succeeded and stored the access token as accessToken does; then the
# token works for a signed REST call.
expect_danced() {
    expect_status 0
    expect_out "Retrieved request token. Allow access at $base/plugins/servlet/oauth/authorize?oauth_token="
    expect_out "Waiting up to "
    expect_out "http://127.0.0.1:"
    expect_out "Received the verifier on the callback."
    [[ $out =~ Access\ token:\ \ ([^[:space:]]+) ]] || fail "no 'Access token:' line"
    at=${BASH_REMATCH[1]}
    [ "$(prop access_token)" = "$at" ] || fail "access_token not stored"
    at_secret=$(prop access_token_secret)
    [ -n "$at_secret" ] && [ "$(prop secret)" = "$at_secret" ] || fail "secret not stored"
    expect_no_secrets "$private_line" "$at_secret"
    check_config_kept
    step "request JJ-2 with the access token of the dance"
    jo request "$base/rest/api/latest/issue/JJ-2"
    expect_status 0
    expect_out '"key":"JJ-2"'
}

expect_denied() {
    expect_status 1
    expect_err "access denied: the authorization was refused on the provider's page"
    expect_err "oauth_verifier=denied"
    expect_err "Run 'jira-oauth dance' again and choose Allow"
    expect_no_secrets "$private_line"
}

scenario_dance_redirect() {
    provider_setup
    start_provider --auto-approve
    configure_home "$base"
    step "dance, \$BROWSER = curl -L (the provider redirects at once)"
    dance_with "$root/tests/dance/curl_browser.sh"
    expect_out "Opened that page in your browser ($root/tests/dance/curl_browser.sh)"
    expect_danced
}

scenario_dance_form() {
    [ -x "$python" ] || skip "$python is missing"
    provider_setup
    start_provider
    configure_home "$base"
    step "dance, \$BROWSER = form_browser.py clicking Allow"
    dance_with "$python $root/tests/dance/form_browser.py"
    expect_danced
    local first=$at
    step "dance, \$BROWSER = form_browser.py clicking Deny"
    DANCE_BROWSER_CLICK=deny dance_with "$python $root/tests/dance/form_browser.py"
    expect_denied
    [ "$(prop access_token)" = "$first" ] || fail "a denied dance changed access_token"
    step "\$BROWSER as a ':'-list with %s: the first command that runs is used"
    dance_with "/nonexistent/browser %s:$python $root/tests/dance/form_browser.py %s"
    expect_danced
}

scenario_dance_failures() {
    provider_setup
    start_provider
    configure_home "$base"
    step "a browser that does nothing: the wait times out"
    dance_with true --timeout 2
    expect_status 1
    expect_err "no authorization arrived within 2 s"
    expect_err "requestToken and accessToken VERIFIER"
    [ -z "$(prop access_token)" ] || fail "an access token was stored after a timeout"
    step "--no-browser: the URL is printed, nothing is started"
    dance_with "touch $work/started" --no-browser --timeout 1
    expect_status 1
    expect_out "Open that URL in your browser."
    [ ! -e "$work/started" ] || fail "--no-browser started the browser command"
    step "no browser command can be started"
    PATH=/nonexistent BROWSER=/nonexistent/browser "$jira_oauth" --transport "$transport" \
        --config "$work/config.properties" dance --timeout 1 >"$work/stdout" 2>"$work/stderr" &&
        status=0 || status=$?
    out=$(cat "$work/stdout")
    err=$(cat "$work/stderr")
    expect_status 1
    expect_out "No browser could be started"
    step "--callback-port in use (the provider's port)"
    local port=${base##*:}
    dance_with true --callback-port "$port"
    expect_status 1
    expect_err "cannot listen for the callback on 127.0.0.1:$port"
    expect_err "choose another --callback-port"
    step "usage"
    jo requestToken --timeout 5
    expect_status 2
    expect_err "apply to the dance command only"
    jo dance --timeout 0
    expect_status 2
    expect_err "--timeout needs a number of seconds"
    jo dance extra
    expect_status 2
    expect_err "dance takes no argument"
    jo --help
    expect_out "  dance "
    expect_out "--callback-port N"
}

# browser_prerequisites: exit 77 (SKIPPED, with the reason) unless the real browser can run.
browser_prerequisites() {
    [ -x /usr/bin/chromium ] || skip "/usr/bin/chromium is missing (Debian: apt-get install chromium; scripts/setup-deps installs it)"
    [ -x /usr/bin/chromedriver ] || skip "/usr/bin/chromedriver is missing (Debian: apt-get install chromium-driver; scripts/setup-deps installs it)"
    "$python" -c 'import selenium' 2>/dev/null ||
        skip "$python cannot import selenium (Debian: apt-get install python3-selenium; scripts/setup-deps installs it)"
}

scenario_browser_allow() {
    browser_prerequisites
    provider_setup
    start_provider
    configure_home "$base"
    step "dance, \$BROWSER = browser.py (Selenium + headless Chromium) clicking Allow"
    DANCE_BROWSER_CLICK=allow DANCE_SCREENSHOT="$work/authorize-page.png" \
        DANCE_BROWSER_PGID="$work/browser.pgid" dance_with "$python $root/tests/dance/browser.py"
    expect_err "browser.py: authorize page: Welcome to JIRA - jira-provider"
    expect_err "browser.py: clicked Allow; the browser landed on http://127.0.0.1:"
    expect_danced
    [ "$(head -c 8 "$work/authorize-page.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
        fail "no PNG screenshot of the authorize page"
    if [ -n "${OAUTH1_DANCE_SCREENSHOT:-}" ]; then cp "$work/authorize-page.png" "$OAUTH1_DANCE_SCREENSHOT"; fi
}

scenario_browser_deny() {
    browser_prerequisites
    provider_setup
    start_provider
    configure_home "$base"
    step "dance, \$BROWSER = browser.py (Selenium + headless Chromium) clicking Deny"
    DANCE_BROWSER_CLICK=deny DANCE_BROWSER_PGID="$work/browser.pgid" \
        dance_with "$python $root/tests/dance/browser.py"
    expect_err "browser.py: clicked Deny; the browser landed on http://127.0.0.1:"
    expect_denied
    [ -z "$(prop access_token)" ] || fail "an access token was stored after Deny"
}

[ -x "$jira_oauth" ] || fail "$jira_oauth does not exist: build the jira-oauth target"

case $scenario in
provider | oauthlib | wrong_verifier | expired_request_token | reused_verifier | revoked_token | \
    wrong_key | clock_skew | no_config | usage | script | dance_redirect | dance_form | \
    dance_failures | browser_allow | browser_deny)
    "scenario_$scenario"
    ;;
*)
    echo "dance_test.sh: unknown scenario '$scenario'" >&2
    exit 2
    ;;
esac
echo "PASS [$scenario $transport]"
