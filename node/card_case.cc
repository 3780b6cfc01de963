#include "node/card_case.h"

#include "storage/resident_fields.h"

namespace dancu::node {

using nlohmann::json;

Result<json> OpenCardCaseValues(const json& differences) {
  if (!differences.is_array() || differences.empty()) {
    return Status::InvalidArgument("differences must be a non-empty list of {field, card, record}");
  }
  for (const json& d : differences) {
    const bool shaped = d.is_object() && d.size() == 3 && d.contains("field") && d.contains("card") &&
                        d.contains("record") && d["field"].is_string() && d["card"].is_string() &&
                        d["record"].is_string();
    if (!shaped) return Status::InvalidArgument("each difference must be {field, card, record}, all text");
    if (!IsComparedField(d["field"].get<std::string>())) {
      return Status::InvalidArgument("the card is not compared on field " + d["field"].dump());
    }
  }
  return json{{"card_review", {{"open", true}, {"differences", differences}}}};
}

json CardDifferencesJson(const std::vector<CardDifference>& differences) {
  json out = json::array();
  for (const CardDifference& d : differences) out.push_back({{"field", d.field}, {"card", d.card}, {"record", d.record}});
  return out;
}

storage::Draft CloseCardCaseDraft(const std::string& record_id) {
  storage::Draft draft;
  draft.record_id = record_id;
  draft.operation = schema::Operation::CARD_REVIEW;
  draft.fields = {storage::fields::kCardReview};
  draft.Values().initCardReview().setOpen(false);
  return draft;
}

}  // namespace dancu::node
