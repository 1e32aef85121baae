// oauth1-lti-launch-example: an IMS LTI 1.1 tool. The LMS POSTs a launch signed with HMAC-SHA1
// to /launch; the tool verifies it (signature, timestamp, nonce, the LTI parameters) and
// welcomes the user, or refuses it. Prints `listening 127.0.0.1:PORT`, serves until its standard
// input closes. Run by tests/interop/lti_launch.py (the example_lti_launch test), directly and
// behind a TLS-terminating reverse proxy.
//
//   oauth1-lti-launch-example [--trust-proxy ADDRESS]
//
// --trust-proxy: a reverse proxy at ADDRESS (the TCP peer, e.g. 127.0.0.1) terminates TLS and
// says with X-Forwarded-Proto / X-Forwarded-Host which URL the LMS launched; from any other peer
// those headers are ignored and launches are verified against http://127.0.0.1:PORT.
#include <oauth1/adapters/httplib_server.hpp> // harden_server
#include <oauth1/lti.hpp>

#include <httplib.h>

#include <cstdio>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

int main(int argc, char** argv)
try {
    std::vector<std::string> proxies;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--trust-proxy" && i + 1 < argc) {
            proxies.emplace_back(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: oauth1-lti-launch-example [--trust-proxy ADDRESS]\n");
            return 2;
        }
    }
    // The LMSs this tool is registered with: consumer key -> shared secret.
    const std::map<std::string, std::string, std::less<>> secrets = {
        {"lms.example.edu", "lms-secret"}};
    oauth1::memory_nonce_store nonces;

    httplib::Server svr;
    oauth1::httplib::harden_server(svr);
    const int port = svr.bind_to_any_port("127.0.0.1");
    if (port <= 0) throw std::runtime_error("cannot listen on 127.0.0.1");
    // The URL the LMS launches, as it signs it: this server's own, unless a trusted proxy that
    // terminates TLS names another. (Or name the public origin outright:
    // public_origin("https", "tool.example.edu").)
    oauth1::public_origin origin("http", "127.0.0.1:" + std::to_string(port));
    origin.trust_proxies(proxies, oauth1::forwarded_headers::x_forwarded);
    const oauth1::lti::launch_verifier verifier(
        [&secrets](std::string_view key) {
            const auto it = secrets.find(key);
            return it == secrets.end() ? nullptr : &it->second;
        },
        nonces, origin);

    svr.Post("/launch", [&verifier](const httplib::Request& req, httplib::Response& res) {
        const std::string content_type = req.get_header_value("Content-Type");
        oauth1::lti::launch_request launch{req.method, req.target,      content_type,
                                           req.body,   req.remote_addr, {}};
        for (const auto& [name, value] : req.headers) launch.headers.emplace_back(name, value);
        std::error_code ec;
        const oauth1::lti::launch_result r = verifier.verify(launch, ec);
        if (ec) { // the nonce store could not be reached: refuse, but not as the LMS's fault
            res.status = 503;
            return;
        }
        if (!r) {
            std::fprintf(stderr, "launch refused: %s\n", r.message.c_str()); // no secrets in it
            const oauth1::lti::launch_answer a = oauth1::lti::refusal_for(r, "LTI");
            res.status = a.status; // 401 + WWW-Authenticate, 302 back to the LMS, or 400
            if (!a.www_authenticate.empty()) res.set_header("WWW-Authenticate", a.www_authenticate);
            if (!a.location.empty()) res.set_header("Location", a.location);
            res.set_content(a.body, a.content_type.c_str());
            return;
        }
        res.set_content("Welcome, " + std::string(r.lis_person_name_full()) +
                            (r.is_instructor() ? " (Instructor)" : " (Learner)") + ", to " +
                            std::string(r.context_title()) + "\n",
                        "text/plain");
    });

    std::printf("listening 127.0.0.1:%d\n", port);
    std::fflush(stdout);
    std::thread server([&svr] { svr.listen_after_bind(); });
    while (std::getchar() != EOF) {
    }
    svr.stop();
    server.join();
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "oauth1-lti-launch-example: %s\n", e.what());
    return 2;
}
