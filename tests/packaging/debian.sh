#!/usr/bin/env bash
# Builds oauth1's Debian packages (debian/) from a copy of the source tree, checks them with
# lintian, installs them on this machine with apt-get, builds and runs a find_package() consumer
# and a pkg-config consumer against the installed library, runs the installed tools (oauth1-sign
# --version, RFC 5849 §1.2's vector, the man pages), then removes the packages again and checks
# that nothing is left. Needs root (apt-get install/purge); run by `scripts/test-all packages`.
#
# Usage: tests/packaging/debian.sh [WORKDIR]     (kept; default: a temporary directory, removed
#                                                 when every step passed)
# Exit status 0 when every step passed; the failing step is named otherwise. The packages are
# removed on every exit path once they were installed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
keep=${1:+1}
work=${1:-$(mktemp -d /tmp/oauth1-deb.XXXXXX)}
mkdir -p "$work"
packages=(liboauth1-dev oauth1-tools)
installed=0

step() { echo "debian.sh: $*"; }
fail() { echo "debian.sh: FAILED: $*" >&2; exit 1; }

cleanup() {
    if [ "$installed" = 1 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
    fail "needs root: it installs and removes the packages with apt-get"
fi
for tool in dpkg-buildpackage lintian apt-get pkg-config cmake; do
    command -v "$tool" >/dev/null || fail "$tool not found (scripts/setup-deps installs it)"
done
for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        fail "$p is already installed on this machine; remove it first (apt-get purge $p)"
    fi
done

# 1. Build from a copy holding exactly the files git knows (tracked, or new and not ignored).
step "copying the source tree to $work/oauth1"
rm -rf "$work/oauth1" && mkdir -p "$work/oauth1"
(cd "$root" && { git ls-files; git ls-files --others --exclude-standard; } | sort -u |
    while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done |
    tar -cf - -T -) | tar -xf - -C "$work/oauth1"
step "dpkg-buildpackage -us -uc -b (log: $work/build.log)"
(cd "$work/oauth1" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
    { tail -40 "$work/build.log"; fail "dpkg-buildpackage"; }
changes=$(ls "$work"/oauth1_*.changes)
for p in "${packages[@]}"; do
    ls "$work/${p}"_*.deb >/dev/null 2>&1 || fail "no ${p} package was built"
done

# 2. lintian: clean at the pedantic level; any tag fails the test.
step "lintian --pedantic $(basename "$changes")"
lint=$(lintian --pedantic -I "$changes" 2>&1 | grep -v 'running with root privileges' || true)
if [ -n "$lint" ]; then
    echo "$lint"
    fail "lintian reported the tags above"
fi

# 3. Contents: what each package must hold.
step "checking the packages' contents"
dev=$(dpkg -c "$work"/liboauth1-dev_*.deb)
tools=$(dpkg -c "$work"/oauth1-tools_*.deb)
for f in usr/include/oauth1/oauth1.hpp usr/include/oauth1/src.hpp \
    usr/include/oauth1/adapters/curl.hpp usr/share/cmake/oauth1/oauth1Config.cmake \
    usr/share/cmake/oauth1/oauth1ConfigVersion.cmake usr/share/pkgconfig/oauth1.pc \
    usr/share/doc/liboauth1-dev/copyright; do
    grep -q " \./$f\$" <<<"$dev" || fail "liboauth1-dev lacks /$f"
done
for f in usr/bin/jira-oauth usr/bin/jira-provider usr/bin/oauth1-sign \
    usr/share/man/man1/jira-oauth.1.gz usr/share/man/man1/jira-provider.1.gz \
    usr/share/man/man1/oauth1-sign.1.gz; do
    grep -q " \./$f\$" <<<"$tools" || fail "oauth1-tools lacks /$f"
done
# (the control fields in a variable: grep -q closing a pipe early would fail dpkg under pipefail)
dev_info=$(dpkg -I "$work"/liboauth1-dev_*.deb)
grep -q '^ Architecture: all$' <<<"$dev_info" || fail "liboauth1-dev is not Architecture: all"
grep -q '^ Depends:.*libssl-dev.*libboost-url1.81-dev' <<<"$dev_info" ||
    fail "liboauth1-dev does not depend on libssl-dev and libboost-url1.81-dev"

# 4. Install with apt-get (which also installs the dependencies).
step "apt-get install ./liboauth1-dev_*.deb ./oauth1-tools_*.deb"
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "$work"/liboauth1-dev_*.deb "$work"/oauth1-tools_*.deb >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "apt-get install"; }

# 5. Consumers of the installed library: find_package() and pkg-config.
step "find_package(oauth1) consumer"
consumer=$root/tests/packaging/consumer
cmake -S "$consumer" -B "$work/consumer-cmake" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/consumer.log" 2>&1 &&
    cmake --build "$work/consumer-cmake" >>"$work/consumer.log" 2>&1 ||
    { cat "$work/consumer.log"; fail "the find_package consumer did not build"; }
grep -q 'oauth1_DIR:PATH=/usr/share/cmake/oauth1' "$work/consumer-cmake/CMakeCache.txt" ||
    fail "find_package found oauth1 somewhere else than the package: $(grep oauth1_DIR \
        "$work/consumer-cmake/CMakeCache.txt")"
"$work/consumer-cmake/installed_consumer" || fail "the find_package consumer"

step "pkg-config consumer: g++ main.cpp \$(pkg-config --cflags --libs oauth1)"
[ "$(pkg-config --modversion oauth1)" = "$(sed -n 's/^oauth1 (\([^)]*\)).*/\1/p;q' \
    "$root/debian/changelog")" ] || fail "pkg-config --modversion oauth1: $(pkg-config --modversion oauth1)"
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
g++ -std=c++17 -O1 -o "$work/consumer-pc" "$consumer/main.cpp" $(pkg-config --cflags --libs oauth1) ||
    fail "the pkg-config consumer did not build"
"$work/consumer-pc" || fail "the pkg-config consumer"

# 6. The installed tools.
step "oauth1-sign --version and RFC 5849 §1.2's vector"
/usr/bin/oauth1-sign --version | grep -q "^oauth1-sign (oauth1 " || fail "oauth1-sign --version"
header=$(/usr/bin/oauth1-sign --url 'http://photos.example.net/photos?file=vacation.jpg&size=original' \
    --consumer-key dpf43f3p2l4k3l03 --consumer-secret kd94hf93k423kf44 \
    --token nnch734d00sl2jdk --token-secret pfkkdhi9sl3r4s00 \
    --nonce kllo9940pd9333jh --timestamp 1191242096)
grep -q 'oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"' <<<"$header" ||
    fail "oauth1-sign did not reproduce RFC 5849 §1.2's signature: $header"
for t in jira-oauth jira-provider oauth1-sign; do
    man -w "$t" >/dev/null 2>&1 || fail "man $t: no installed man page"
    /usr/bin/$t --help >/dev/null || fail "$t --help"
done

# 7. Remove, and check that nothing is left behind.
step "apt-get purge ${packages[*]}"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >"$work/purge.log" 2>&1 ||
    { cat "$work/purge.log"; fail "apt-get purge"; }
installed=0
for f in /usr/include/oauth1 /usr/share/cmake/oauth1 /usr/share/pkgconfig/oauth1.pc \
    /usr/bin/oauth1-sign /usr/bin/jira-oauth /usr/bin/jira-provider; do
    [ ! -e "$f" ] || fail "$f is still there after apt-get purge"
done
if [ -n "$keep" ]; then
    step "all steps passed; packages in $work"
else
    rm -rf "$work"
    step "all steps passed"
fi
