#include "node/console/web_console.h"

#include <httplib.h>

#include <thread>

#include "devices/card/pcsc_reader.h"
#include "node/console/console_context.h"
#include "node/console/console_server.h"
#include "node/console/finger_captures.h"
#include "node/console/http_json.h"
#include "node/console/sessions.h"
#include "node/console/static_assets.h"

namespace dancu::console {

namespace {

constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

bool IsWildcard(const std::string& host) { return host == "0.0.0.0" || host == "::" || host.empty(); }

std::function<std::vector<node::LinkStatus>()> LinksView(const ConsoleOptions& options) {
  if (options.links) return options.links;
  return [] { return std::vector<node::LinkStatus>(); };
}

}  // namespace

struct WebConsole::Parts {
  Parts(node::Node& node, const ConsoleOptions& options)
      : sessions(options.session_idle),
        captures(node, options.reader_device, options.capture_timeout),
        card_reader(devices::card::PcscSources()),
        context{node, sessions, captures, logins, LinksView(options), card_reader, !options.tls_cert.empty()} {}
  ConsoleServer server;
  SessionStore sessions;
  FingerCaptures captures;
  LoginThrottle logins;
  devices::card::CardReadWorker card_reader;
  ConsoleContext context;
};

WebConsole::WebConsole(node::Node& node, ConsoleOptions options)
    : node_(node), options_(std::move(options)), parts_(std::make_unique<Parts>(node_, options_)) {
  AddRoutes();
}

WebConsole::~WebConsole() { Stop(); }

std::string WebConsole::url() const {
  const bool v6 = options_.host.find(':') != std::string::npos;
  return std::string(parts_->server.tls() ? "https://" : "http://") + (v6 ? "[" + options_.host + "]" : options_.host) + ":" + std::to_string(port_);
}

Status WebConsole::Bind() {
  ConsoleServer& server = parts_->server;
  if (options_.tls_cert.empty() != options_.tls_key.empty()) {
    return Status::InvalidArgument("TLS needs both a certificate and a key file");
  }
  if (!IsLoopback(options_.host) && options_.tls_cert.empty()) {
    return Status::InvalidArgument(
        (options_.host.empty() ? std::string("every address") : options_.host) +
        " is not a loopback address: serving the console to other machines needs TLS (a "
        "certificate and key: dancu serve --tls-cert FILE --tls-key FILE)");
  }
  if (!options_.tls_cert.empty()) {
    DANCU_RETURN_IF_ERROR(server.UseTls(options_.tls_cert, options_.tls_key));
  }
  return server.Bind(options_.host, options_.port, &port_);
}

void WebConsole::Run() { parts_->server.Run(); }

void WebConsole::Stop() { parts_->server.Stop(); }

void WebConsole::AddRoutes() {
  ConsoleServer& server = parts_->server;
  ConsoleContext& ctx = parts_->context;
  server.set_payload_max_length(ConsoleServer::kMaxBodyBytes);

  // Only requests addressed to this console's own host name: a page on another site that rebinds
  // its DNS name to 127.0.0.1 sends its own name in Host.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // A body that may not be read is refused before it is.
    if (ConsoleServer::Refuse(req, res)) return httplib::Server::HandlerResponse::Handled;
    if (IsWildcard(options_.host)) return httplib::Server::HandlerResponse::Unhandled;
    const std::string host = req.get_header_value("Host");
    const std::string port = ":" + std::to_string(port_);
    const bool loopback = IsLoopback(options_.host);
    const bool v6 = options_.host.find(':') != std::string::npos;
    const std::string bound = (v6 ? "[" + options_.host + "]" : options_.host) + port;
    if (host == bound || (loopback && host == "localhost" + port)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    SendError(res, 421, "wrong_host", "this console answers only to " + bound);
    return httplib::Server::HandlerResponse::Handled;
  });

  server.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    if (req.path.rfind("/api/", 0) == 0) res.set_header("Cache-Control", "no-store");
  });

  // Errors answer JSON, also for an unknown path or method under /api/.
  server.SetJsonErrors();

  AddAuthRoutes(server, ctx);
  AddResidentRoutes(server, ctx);
  AddEnrollmentRoutes(server, ctx);
  AddReportRoutes(server, ctx);
  AddSyncRoutes(server, ctx);
  AddConflictRoutes(server, ctx);
  AddOfficerRoutes(server, ctx);
  AddCardRoutes(server, ctx);

  auto serve_asset = [](const std::string& path, httplib::Response& res) {
    const StaticAsset* asset = FindStaticAsset(path);
    if (asset == nullptr) return SendError(res, 404, "not_found", "no such page");
    res.set_content(std::string(asset->body), std::string(asset->content_type).c_str());
  };
  server.Get("/", [serve_asset](const httplib::Request&, httplib::Response& res) {
    serve_asset("index.html", res);
  });
  server.Get(R"(/static/([a-z0-9_-]+\.(js|css|svg|html)))",
             [serve_asset](const httplib::Request& req, httplib::Response& res) {
               serve_asset(req.matches[1], res);
             });
}

}  // namespace dancu::console
