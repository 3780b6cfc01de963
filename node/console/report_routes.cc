// GET /api/report: the campaign's figures per commune (storage/report.h), in total, and down the
// tree of units (node/console/progress_tree.h).

#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/progress_tree.h"
#include "node/console/resident_view.h"
#include "storage/report.h"

namespace dancu::console {

using nlohmann::json;

void AddReportRoutes(httplib::Server& server, ConsoleContext& ctx) {
  server.Get("/api/report",
             Authed(ctx, Changes::kNothing,
                    [&ctx](const httplib::Request&, httplib::Response& res, const Session&) {
                      auto report = storage::BuildReport(ctx.node.store());
                      if (!report.ok()) return SendStatus(res, report.status());
                      json units = json::array();
                      for (const auto& [code, tally] : report->units) {
                        json u = TallyJson(tally);
                        u["unit"] = code;
                        u["name"] = UnitName(code);
                        units.push_back(std::move(u));
                      }
                      SendJson(res, 200, {{"total", TallyJson(report->total)},
                                          {"units", units},
                                          {"tree", ProgressTree(*report, ctx.node.config().unit)}});
                    }));

}

}  // namespace dancu::console
