#include "node/console/ida_server.h"

#include <thread>

#include "node/console/console_server.h"

namespace dancu::console {

namespace {

void Send(httplib::Response& res, const node::IdaReply& reply) {
  res.status = reply.status;
  if (reply.retry_after > 0) res.set_header("Retry-After", std::to_string(reply.retry_after));
  res.set_content(reply.body, "application/json");
}

}  // namespace

struct IdaServer::Parts {
  ConsoleServer server;
  std::unique_ptr<node::IdaService> service;
};

IdaServer::IdaServer(node::Node& node, IdaServerOptions options)
    : node_(node), options_(std::move(options)), parts_(std::make_unique<Parts>()) {}

IdaServer::~IdaServer() = default;

Status IdaServer::Bind() {
  if (options_.tls_cert.empty() != options_.tls_key.empty()) {
    return Status::InvalidArgument("TLS needs both a certificate and a key file");
  }
  if (!IsLoopback(options_.host) && options_.tls_cert.empty()) {
    return Status::InvalidArgument(options_.host +
                                   " is not a loopback address: serving agencies needs TLS (dancu serve "
                                   "--tls-cert FILE --tls-key FILE)");
  }
  auto service = node::IdaService::Create(node_, nullptr, options_.service);
  if (!service.ok()) return service.status().WithContext("agency verification");
  parts_->service = std::move(service.value());
  ConsoleServer& server = parts_->server;
  if (!options_.tls_cert.empty()) DANCU_RETURN_IF_ERROR(server.UseTls(options_.tls_cert, options_.tls_key));
  server.set_payload_max_length(node::kMaxRequestBytes);
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (ConsoleServer::Refuse(req, res, node::kMaxRequestBytes)) return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
  });
  server.SetJsonErrors();
  node::IdaService& ida = *parts_->service;
  auto header = [](const httplib::Request& req, std::string_view name) {
    return req.get_header_value(std::string(name));
  };
  server.Post("/ida/v1/verify", [&ida, header](const httplib::Request& req, httplib::Response& res) {
    Send(res, ida.Verify(header(req, node::kAgencyHeader), header(req, node::kSignatureHeader), req.body));
  });
  server.Post("/ida/v1/receipt", [&ida, header](const httplib::Request& req, httplib::Response& res) {
    Send(res, ida.Receipt(header(req, node::kAgencyHeader), header(req, node::kSignatureHeader), req.body));
  });
  return server.Bind(options_.host, options_.port, &port_);
}

std::string IdaServer::url() const {
  return std::string(parts_->server.tls() ? "https" : "http") + "://" + options_.host + ":" + std::to_string(port_);
}

void IdaServer::Run() { parts_->server.Run(); }

void IdaServer::Stop() { parts_->server.Stop(); }

}  // namespace dancu::console
