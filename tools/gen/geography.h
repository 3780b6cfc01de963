// Where generated residents live, were born and come from: the communes of one era of the
// administrative units (storage/units.h), each with the pre-2025 province that citizen numbers
// name.
//
// The era is that of the generator's commune: a code that names a commune in both eras (2025 codes
// reuse 2023 ones) is taken in the era in force on `today` (2025 from 1 July 2025). Every Place the
// generator writes names a commune of that era, so that one code never means two units in one
// file. A 2025 commune's citizen-number province is that of its first 2023 predecessor (by code),
// or, for the few 2025 communes with none in the 2023 data, that of the first 2023 province merged
// into its province.
//
// Thread-safety: immutable after construction; the Random passed in is the caller's. Errors as
// Status; nothing throws.
#pragma once

#include <string_view>
#include <vector>

#include "storage/partial_date.h"
#include "storage/status.h"
#include "storage/units.h"
#include "tools/gen/random.h"

namespace dancu::tools::gen {

struct Locality {
  const storage::Unit* commune;  // in the generator's era
  std::string_view province;     // 2-digit code of its 2023 province: "01" Hà Nội, "96" Cà Mau

  // The 2023 province code as a number, 1 (Hà Nội) to 96 (Cà Mau): the codes run roughly from
  // north to south (Đà Nẵng 48, Bình Phước 70).
  int ProvinceNumber() const { return (province[0] - '0') * 10 + (province[1] - '0'); }
};

class Geography {
 public:
  // Errors: InvalidArgument when `commune_code` is not the code of a commune in either era.
  static Result<Geography> ForCommune(std::string_view commune_code,
                                      storage::PartialDateValue today);

  // The generator's commune.
  const Locality& home() const { return localities_[home_]; }

  // A commune of the province (in the generator's era) of `where`, which may be `where` itself,
  // each equally likely. `where` is a Locality of this Geography.
  const Locality& NearTo(const Locality& where, Random& random) const;

  // A commune of a province other than the home's, each equally likely.
  const Locality& Elsewhere(Random& random) const;

 private:
  Geography(storage::Era era, std::vector<Locality> localities, size_t home);

  const storage::Unit* ProvinceOf(const Locality& where) const;
  const Locality& Find(std::string_view code) const;

  storage::Era era_;
  std::vector<Locality> localities_;  // every commune of era_, sorted by code
  size_t home_;
};

}  // namespace dancu::tools::gen
