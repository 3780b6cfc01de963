// GET /api/report: the campaign's figures per unit (storage/report.h).
#include <chrono>

#include "node/console/console_context.h"
#include "node/console/http_json.h"
#include "node/console/resident_view.h"
#include "storage/report.h"

namespace dancu::console {

namespace {

using nlohmann::json;

json TallyJson(const storage::UnitTally& t) {
  return {{"residents", t.residents},
          {"clean", t.clean},
          {"deceased", t.deceased},
          {"applications", t.applications}};
}

}  // namespace

void AddReportRoutes(httplib::Server& server, ConsoleContext& ctx) {
  server.Get("/api/report",
             Authed(ctx, Changes::kNothing,
                    [&ctx](const httplib::Request&, httplib::Response& res, const Session&) {
                      auto report = storage::BuildReport(
                          ctx.node.store(), storage::TodayInVietnam(std::chrono::system_clock::now()));
                      if (!report.ok()) return SendStatus(res, report.status());
                      json units = json::array();
                      for (const auto& [code, tally] : report->units) {
                        json u = TallyJson(tally);
                        u["unit"] = code;
                        u["name"] = UnitName(code);
                        units.push_back(std::move(u));
                      }
                      SendJson(res, 200, {{"total", TallyJson(report->total)}, {"units", units}});
                    }));

}

}  // namespace dancu::console
