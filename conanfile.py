# Conan 2 recipe of oauth1, a header-only library (package_type "header-library"): the package holds
# the headers only; Conan's CMakeDeps/PkgConfigDeps generate the consumer files (target
# oauth1::oauth1, one component per adapter option). Used from this checkout:
#     conan create . -o "oauth1/*:with_curl=True"
#
# tests/packaging/recipes.sh runs the configure and install of package() below with these same
# OAUTH1_* variables (it reads them from this file) and checks the installed tree.
import os

from conan import ConanFile
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy, rmdir


class Oauth1Conan(ConanFile):
    name = "oauth1"
    version = "0.1.0"
    description = "Header-only C++17 OAuth 1.0a (RFC 5849) client and provider library on OpenSSL 3"
    license = "BSL-1.0"
    topics = ("oauth", "oauth1", "rfc5849", "jira", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "with_curl": [True, False],
        "with_beast": [True, False],
        "with_httplib": [True, False],
        "with_qt": [True, False],
        "with_poco": [True, False],
        "with_redis": [True, False],
    }
    default_options = {
        "with_curl": False,
        "with_beast": False,
        "with_httplib": False,
        "with_qt": False,
        "with_poco": False,
        "with_redis": False,
    }
    exports_sources = ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*")
    no_copy_source = True

    def layout(self):
        cmake_layout(self, src_folder=".")

    def requirements(self):
        self.requires("openssl/[>=3 <4]", transitive_headers=True)
        self.requires("boost/1.81.0", transitive_headers=True)  # Boost.URL (and Beast)
        if self.options.with_curl:
            self.requires("libcurl/[>=7.80 <9]", transitive_headers=True)
        if self.options.with_httplib:
            self.requires("cpp-httplib/0.11.4", transitive_headers=True)
        if self.options.with_qt:
            self.requires("qt/[>=6.4 <7]", transitive_headers=True)
        if self.options.with_poco:
            self.requires("poco/[>=1.11 <2]", transitive_headers=True)
        if self.options.with_redis:
            self.requires("hiredis/[>=1.0 <2]", transitive_headers=True)

    def package_id(self):
        self.info.clear()

    def generate(self):
        tc = CMakeToolchain(self)
        tc.variables["OAUTH1_BUILD_TESTS"] = "OFF"
        tc.variables["OAUTH1_BUILD_BENCHMARKS"] = "OFF"
        tc.variables["OAUTH1_BUILD_EXAMPLES"] = "OFF"
        tc.variables["OAUTH1_BUILD_TOOLS"] = "OFF"
        tc.variables["OAUTH1_INSTALL"] = "ON"
        tc.generate()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.configure()
        cmake.install()
        # Conan generates the consumers' CMake and pkg-config files itself.
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "oauth1")
        self.cpp_info.set_property("pkg_config_name", "oauth1")
        core = self.cpp_info.components["core"]
        core.set_property("cmake_target_name", "oauth1::oauth1")
        core.bindirs = []
        core.libdirs = []
        core.requires = ["openssl::crypto", "boost::url"]
        adapters = {
            "curl": ["libcurl::libcurl"],
            "beast": ["boost::headers"],
            "httplib": ["cpp-httplib::cpp-httplib"],
            "qt": ["qt::qtCore", "qt::qtNetwork"],
            "poco": ["poco::poco_net", "poco::poco_netssl", "poco::poco_foundation"],
            "redis": ["hiredis::hiredis"],
        }
        for name, requires in adapters.items():
            if self.options.get_safe(f"with_{name}"):
                component = self.cpp_info.components[name]
                component.set_property("cmake_target_name", f"oauth1::{name}")
                component.bindirs = []
                component.libdirs = []
                component.requires = ["core"] + requires
