#include "node/biometric_parts.h"

#include <capnp/dynamic.h>
#include <capnp/schema.h>

#include <algorithm>
#include <cassert>

#include "storage/record_json.h"

namespace dancu::node {

namespace {

capnp::StructSchema::Field FieldOf(BiometricPart part) {
  return capnp::Schema::from<schema::Biometrics>().getFields()[static_cast<unsigned>(part)];
}

}  // namespace

std::string PartJsonKey(BiometricPart part) {
  return storage::JsonKeyOf(FieldOf(part).getProto().getName());
}

std::string PartName(BiometricPart part) {
  std::string name = PartJsonKey(part);
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

std::optional<BiometricPart> ParseFinger(std::string_view name) {
  for (unsigned i = 0; i < kFingerCount; ++i) {
    if (PartName(FingerAt(i)) == name) return FingerAt(i);
  }
  return std::nullopt;
}

std::string FingerNames() {
  std::string names;
  for (unsigned i = 0; i < kFingerCount; ++i) names += (i ? ", " : "") + PartName(FingerAt(i));
  return names;
}

schema::Finger::Reader FingerEntry(schema::Biometrics::Reader biometrics, BiometricPart finger) {
  assert(IsFinger(finger));
  return capnp::toDynamic(biometrics).get(FieldOf(finger)).as<schema::Finger>();
}

schema::Finger::Builder InitFingerEntry(schema::Biometrics::Builder biometrics,
                                        BiometricPart finger) {
  assert(IsFinger(finger));
  return capnp::toDynamic(biometrics).init(FieldOf(finger)).as<schema::Finger>();
}

}  // namespace dancu::node
