// A card's free-text place mapped to the node's units: with and without types and diacritics,
// same-named communes, parts missing and names unknown.
#include <catch2/catch.hpp>

#include "node/card_places.h"

namespace dancu::node {
namespace {

using storage::Era;
using Part = CardPlace::Part;
using Problem = CardPlace::Problem;

CardPlace Map(const char* text, Era preferred = Era::k2023) { return MapCardPlace(text, preferred); }

TEST_CASE("card_places: a commune found from its province down, the rest is the address", "[card]") {
  CardPlace p = Map("Thôn Lũng Cú, Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang");
  CHECK(p.unit == "00715");
  CHECK(p.era == Era::k2023);
  CHECK(p.address == "Thôn Lũng Cú");
  CHECK(p.problem == Problem::kNone);

  p = Map("Số 1 Phúc Xá, Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội");
  CHECK(p.unit == "00001");
  CHECK(p.address == "Số 1 Phúc Xá");
}

TEST_CASE("card_places: without diacritics, types or capitals, and abbreviated", "[card]") {
  CHECK(Map("lung cu, dong van, ha giang").unit == "00715");
  CHECK(Map("XÃ LŨNG CÚ,HUYỆN ĐỒNG VĂN,HÀ GIANG").unit == "00715");
  CHECK(Map("Phường Phúc Xá, Ba Đình, TP Hà Nội").unit == "00001");
  // A name that is a district's and a town's: alone before the province, the town.
  CHECK(Map("Đồng Văn, Hà Giang").unit == "00721");
}

TEST_CASE("card_places: the era of the names decides, the node's era breaks ties", "[card]") {
  // 2025 names (no district): Phường Ba Đình is 00004 of 2025 (00004 was Trúc Bạch in 2023).
  CardPlace p = Map("Phường Ba Đình, Thành phố Hà Nội");
  CHECK(p.unit == "00004");
  CHECK(p.era == Era::k2025);
  // Xã Lũng Cú is named by both eras (Hà Giang in 2023, Tuyên Quang in 2025).
  CHECK(Map("Xã Lũng Cú, Tỉnh Tuyên Quang").era == Era::k2025);
  // A 2025 card that still names its old district.
  CHECK(Map("Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Tuyên Quang", Era::k2025).unit == "00715");
  CHECK(NodeEra("00715") == Era::k2023);
  CHECK(NodeEra("03980") == Era::k2025);  // Phường Mộc Châu, a 2025 code only
}

TEST_CASE("card_places: same-named communes of one province need their district", "[card]") {
  CardPlace p = Map("Phường Minh Khai, Thành phố Hà Nội");
  CHECK(p.unit.empty());
  CHECK(p.part == Part::kCommune);
  CHECK(p.problem == Problem::kAmbiguous);
  CHECK(p.text == "Phường Minh Khai");
  CHECK(Map("Phường Minh Khai, Quận Hai Bà Trưng, Thành phố Hà Nội").unit == "00295");
  CHECK(Map("Phường Minh Khai, Quận Bắc Từ Liêm, Thành phố Hà Nội").unit == "00613");
}

TEST_CASE("card_places: a missing part is named, and no unit is guessed", "[card]") {
  CardPlace p = Map("Tỉnh Hà Giang");
  CHECK(p.unit.empty());
  CHECK((p.part == Part::kCommune && p.problem == Problem::kMissing));
  p = Map("Xã Lũng Cú, Huyện Đồng Văn");
  CHECK(p.unit.empty());
  CHECK((p.part == Part::kProvince && p.problem == Problem::kMissing));
  p = Map("Huyện Đồng Văn, Tỉnh Hà Giang");
  CHECK(p.unit.empty());
  CHECK((p.part == Part::kCommune && p.problem == Problem::kMissing));
  // An empty field is nothing to map, not a problem.
  CHECK(Map("").problem == Problem::kNone);
  CHECK(Map(" , ").unit.empty());
}

TEST_CASE("card_places: an unknown name is reported as the card wrote it", "[card]") {
  CardPlace p = Map("Xã Lũng Cú, Tỉnh Atlantis");
  CHECK((p.part == Part::kProvince && p.problem == Problem::kUnknown && p.text == "Tỉnh Atlantis"));
  p = Map("Xã Lũng Cú, Huyện Sơn Đông, Tỉnh Hà Giang");
  CHECK((p.part == Part::kDistrict && p.problem == Problem::kUnknown && p.text == "Huyện Sơn Đông"));
  p = Map("Xã Phúc Xá, Huyện Đồng Văn, Tỉnh Hà Giang");  // a commune of another province
  CHECK((p.part == Part::kCommune && p.problem == Problem::kUnknown && p.text == "Xã Phúc Xá"));
  CHECK(p.unit.empty());
}

TEST_CASE("card_places: the JSON the console prefills from", "[card]") {
  CHECK(CardPlaceToJson(Map("Thôn Lũng Cú, Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang")) ==
        nlohmann::json{{"unit", "00715"}, {"address", "Thôn Lũng Cú"}});
  CHECK(CardPlaceToJson(Map("Phường Minh Khai, Hà Nội")) ==
        nlohmann::json::parse(R"({"problem": {"part": "commune", "reason": "ambiguous",
                                              "text": "Phường Minh Khai"}})"));
  CHECK(CardPlaceToJson(Map("")) == nlohmann::json::object());
}

}  // namespace
}  // namespace dancu::node
