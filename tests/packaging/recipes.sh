#!/usr/bin/env bash
# The CMake path of the vcpkg port (ports/oauth1) and of the Conan recipe (conanfile.py): neither
# tool can be installed on these machines, so this runs the configure and install commands the
# recipes run - with the OAUTH1_* options read from the recipe files themselves, so the two
# cannot drift -, applies what the recipes do to the installed tree afterwards (vcpkg: the
# package files in share/oauth1, usage and copyright, no debug/ or lib/, then the tree copied to
# another directory as vcpkg copies packages/ to installed/; Conan: share/ removed, the licence
# in licenses/), checks the tree file by file, and builds and runs a consumer the way each
# ecosystem builds one (vcpkg: find_package(oauth1) and pkg-config from the relocated tree;
# Conan: the include directory plus its requirements' libraries, as CMakeDeps passes them).
#
# Usage: tests/packaging/recipes.sh WORKDIR [CXX]    (registered as CTest packaging_recipes)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${1:?usage: recipes.sh WORKDIR [CXX]}
cxx=${2:-g++}
consumer=$root/tests/packaging/consumer

fail() { echo "recipes.sh: FAILED: $*" >&2; exit 1; }
step() { echo "recipes.sh: $*"; }

# Compares the files under $1 (relative paths, sorted) with the expected list on stdin; header
# files under include/oauth1 are checked against the source tree separately.
check_tree() {
    local dir=$1 got want
    got=$(cd "$dir" && find . -type f ! -path './include/oauth1/*' | sed 's|^\./||' | sort)
    want=$(sort)
    if [ "$got" != "$want" ]; then
        diff <(echo "$want") <(echo "$got") || true
        fail "the installed tree in $dir differs from the expected one (above: - expected, + got)"
    fi
    local src inst
    src=$(cd "$root/include" && find oauth1 -type f \( -name '*.hpp' -o -name '*.ipp' \) | sort)
    inst=$(cd "$dir/include" && find oauth1 -type f | sort)
    [ "$src" = "$inst" ] || fail "the installed headers in $dir differ from include/oauth1"
}

rm -rf "$work" && mkdir -p "$work"

# ---------------------------------------------------------------------------------------------
# vcpkg: vcpkg_cmake_configure (release only) + vcpkg_cmake_install, options from portfile.cmake.
mapfile -t vcpkg_options < <(grep -o -- '-DOAUTH1_[A-Z_]*=[^ )]*' "$root/ports/oauth1/portfile.cmake")
[ "${#vcpkg_options[@]}" -ge 5 ] || fail "could not read the OAUTH1_* options of ports/oauth1/portfile.cmake"
step "vcpkg: cmake ${vcpkg_options[*]}"
packages=$work/vcpkg/packages/oauth1_x64-linux
cmake -S "$root" -B "$work/vcpkg/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_INSTALL_PREFIX="$packages" "${vcpkg_options[@]}" \
    >"$work/vcpkg.log" 2>&1 || { cat "$work/vcpkg.log"; fail "vcpkg: configure"; }
cmake --build "$work/vcpkg/build" >>"$work/vcpkg.log" 2>&1 || { cat "$work/vcpkg.log"; fail "vcpkg: build"; }
cmake --install "$work/vcpkg/build" >>"$work/vcpkg.log" 2>&1 || { cat "$work/vcpkg.log"; fail "vcpkg: install"; }
# What the portfile does after the install.
rm -rf "$packages/debug" "$packages/lib"
cp "$root/ports/oauth1/usage" "$packages/share/oauth1/usage"
cp "$root/LICENSE" "$packages/share/oauth1/copyright"
components=$(cd "$packages/share/oauth1" && ls oauth1*Targets.cmake | grep -v '^oauth1Targets.cmake$' || true)
check_tree "$packages" <<EOF
share/oauth1/copyright
share/oauth1/oauth1ComponentDependencies.cmake
share/oauth1/oauth1Config.cmake
share/oauth1/oauth1ConfigVersion.cmake
share/oauth1/oauth1Targets.cmake
share/oauth1/usage
share/pkgconfig/oauth1.pc
$(for c in $components; do echo "share/oauth1/$c"; done)
EOF
grep -rl -- "$work" "$packages/share" && fail "vcpkg: an installed file holds the absolute build path"
# vcpkg copies packages/<port>_<triplet> into installed/<triplet>: the files must be relocatable.
installed=$work/vcpkg/installed/x64-linux
mkdir -p "$(dirname "$installed")" && cp -a "$packages" "$installed" && rm -rf "$packages"
step "vcpkg: find_package(oauth1) from the relocated tree $installed"
cmake -S "$consumer" -B "$work/vcpkg/consumer" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_PREFIX_PATH="$installed" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF >"$work/vcpkg-consumer.log" 2>&1 &&
    cmake --build "$work/vcpkg/consumer" >>"$work/vcpkg-consumer.log" 2>&1 ||
    { cat "$work/vcpkg-consumer.log"; fail "vcpkg: the find_package consumer did not build"; }
grep -q "^oauth1_DIR:PATH=$installed/share/oauth1\$" "$work/vcpkg/consumer/CMakeCache.txt" ||
    fail "vcpkg: find_package did not use the relocated tree: $(grep '^oauth1_DIR' \
        "$work/vcpkg/consumer/CMakeCache.txt")"
"$work/vcpkg/consumer/installed_consumer" || fail "vcpkg: the find_package consumer"
step "vcpkg: pkg-config from the relocated tree"
pc_cflags=$(PKG_CONFIG_PATH="$installed/share/pkgconfig" pkg-config --cflags oauth1)
pc_include=$(sed -n 's/.*-I\([^ ]*\).*/\1/p' <<<"$pc_cflags")
[ -n "$pc_include" ] && [ "$(readlink -f "$pc_include")" = "$installed/include" ] ||
    fail "vcpkg: pkg-config --cflags oauth1 does not point into the relocated tree: $pc_cflags"
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
"$cxx" -std=c++17 -o "$work/vcpkg/consumer-pc" "$consumer/main.cpp" \
    $(PKG_CONFIG_PATH="$installed/share/pkgconfig" pkg-config --cflags --libs oauth1) ||
    fail "vcpkg: the pkg-config consumer did not build"
"$work/vcpkg/consumer-pc" || fail "vcpkg: the pkg-config consumer"

# ---------------------------------------------------------------------------------------------
# Conan: CMakeToolchain variables from conanfile.py's generate(), then package().
mapfile -t conan_options < <(sed -n 's/.*tc\.variables\["\(OAUTH1_[A-Z_]*\)"\] = "\([^"]*\)".*/-D\1=\2/p' \
    "$root/conanfile.py")
[ "${#conan_options[@]}" -ge 5 ] || fail "could not read the OAUTH1_* variables of conanfile.py"
step "conan: cmake ${conan_options[*]}"
package=$work/conan/package
cmake -S "$root" -B "$work/conan/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_INSTALL_PREFIX="$package" "${conan_options[@]}" \
    >"$work/conan.log" 2>&1 || { cat "$work/conan.log"; fail "conan: configure"; }
cmake --build "$work/conan/build" >>"$work/conan.log" 2>&1 || { cat "$work/conan.log"; fail "conan: build"; }
cmake --install "$work/conan/build" >>"$work/conan.log" 2>&1 || { cat "$work/conan.log"; fail "conan: install"; }
# What package() does after the install.
mkdir -p "$package/licenses" && cp "$root/LICENSE" "$package/licenses/LICENSE"
rm -rf "$package/share"
check_tree "$package" <<EOF
licenses/LICENSE
EOF
step "conan: consumer with the package's include directory and its requirements' libraries"
# package_info(): the core component requires openssl::crypto and boost::url.
"$cxx" -std=c++17 -o "$work/conan/consumer" "$consumer/main.cpp" -I"$package/include" \
    -lboost_url -lcrypto || fail "conan: the consumer did not build"
"$work/conan/consumer" || fail "conan: the consumer"
step "both recipes' CMake paths passed"
