#include "storage/record_json.h"

#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <kj/exception.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "storage/canonical.h"
#include "storage/crypto.h"
#include "storage/partial_date.h"

namespace dancu::storage {

namespace {

using capnp::DynamicEnum;
using capnp::DynamicList;
using capnp::DynamicStruct;
using capnp::DynamicValue;
using capnp::EnumSchema;
using capnp::StructSchema;
using Json = nlohmann::json;
using TypeWhich = capnp::schema::Type::Which;

bool IsPartialDate(StructSchema schema) {
  return schema == capnp::Schema::from<schema::PartialDate>();
}

// The enumerant's name; blood groups in upper case ("AB"), though not BloodType's "unknown".
std::string EnumKey(EnumSchema::Enumerant enumerant) {
  std::string name = enumerant.getProto().getName();
  if (enumerant.getContainingEnum() == capnp::Schema::from<schema::BloodType>() &&
      enumerant.getOrdinal() != 0) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
  }
  return name;
}

[[noreturn]] void Unsupported(capnp::Type type) {
  std::fprintf(stderr, "dancu: record_json has no JSON form for capnp type %d\n",
               static_cast<int>(type.which()));
  std::abort();
}

// Adds the JSON keys of the fields of `schema` and of the structs inside it to `keys`.
void AddKeys(StructSchema schema, std::map<uint64_t, std::vector<std::string>>* keys) {
  std::vector<std::string>& own = (*keys)[schema.getProto().getId()];
  if (!own.empty()) return;
  for (StructSchema::Field field : schema.getFields()) {
    own.push_back(JsonKeyOf(field.getProto().getName()));
    const capnp::Type type = field.getType();
    if (type.isStruct()) AddKeys(type.asStruct(), keys);
    if (type.isList() && type.asList().getElementType().isStruct()) {
      AddKeys(type.asList().getElementType().asStruct(), keys);
    }
  }
}

// The JSON keys of the fields of `schema` (Resident or a struct inside it), indexed like
// schema.getFields(). Computed once; immutable afterwards.
const std::vector<std::string>& KeysOf(StructSchema schema) {
  static const std::map<uint64_t, std::vector<std::string>> keys = [] {
    std::map<uint64_t, std::vector<std::string>> all;
    AddKeys(capnp::Schema::from<schema::Resident>(), &all);
    return all;
  }();
  return keys.at(schema.getProto().getId());
}

const std::string& KeyOf(StructSchema::Field field) {
  return KeysOf(field.getContainingStruct())[field.getIndex()];
}

// ---------------------------------------------------------------------------------------------
// Resident -> JSON

bool IsEmptyJson(const Json& json) {
  return json.is_null() || ((json.is_object() || json.is_array()) && json.empty()) ||
         (json.is_string() && json.get_ref<const std::string&>().empty());
}

Json ValueToJson(DynamicValue::Reader value, capnp::Type type);

Json StructToJson(DynamicStruct::Reader reader) {
  if (IsPartialDate(reader.getSchema())) {
    return FormatPartialDate(ReadPartialDate(reader.as<schema::PartialDate>()));
  }
  Json object = Json::object();
  for (StructSchema::Field field : reader.getSchema().getFields()) {
    if (!reader.has(field, capnp::HasMode::NON_DEFAULT)) continue;
    Json value = ValueToJson(reader.get(field), field.getType());
    if (!IsEmptyJson(value)) object[KeyOf(field)] = std::move(value);
  }
  return object;
}

Json ValueToJson(DynamicValue::Reader value, capnp::Type type) {
  switch (type.which()) {
    case TypeWhich::TEXT: {
      capnp::Text::Reader text = value.as<capnp::Text>();
      return std::string(text.cStr(), text.size());
    }
    case TypeWhich::DATA: {
      capnp::Data::Reader data = value.as<capnp::Data>();
      return ToHex(std::string_view(reinterpret_cast<const char*>(data.begin()), data.size()));
    }
    case TypeWhich::BOOL:
      return value.as<bool>();
    case TypeWhich::UINT8:
    case TypeWhich::UINT16:
    case TypeWhich::UINT32:
    case TypeWhich::UINT64:
      return value.as<uint64_t>();
    case TypeWhich::ENUM: {
      DynamicEnum e = value.as<DynamicEnum>();
      KJ_IF_MAYBE (enumerant, e.getEnumerant()) {
        return EnumKey(*enumerant);
      }
      return e.getRaw();  // a value from a newer schema; Validate rejects it
    }
    case TypeWhich::LIST: {
      Json array = Json::array();
      const capnp::Type element = type.asList().getElementType();
      for (DynamicValue::Reader item : value.as<DynamicList>()) {
        array.push_back(ValueToJson(item, element));
      }
      return array;
    }
    case TypeWhich::STRUCT:
      return StructToJson(value.as<DynamicStruct>());
    default:
      Unsupported(type);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON -> Resident

std::string ChildPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

bool IsEmptyStruct(DynamicStruct::Reader reader) {
  for (StructSchema::Field field : reader.getSchema().getFields()) {
    if (reader.has(field, capnp::HasMode::NON_DEFAULT)) return false;
  }
  return true;
}

// The field of `schema` whose JSON key is `key`.
std::optional<StructSchema::Field> FieldOfKey(StructSchema schema, const std::string& key) {
  const std::vector<std::string>& keys = KeysOf(schema);
  const auto it = std::find(keys.begin(), keys.end(), key);
  if (it == keys.end()) return std::nullopt;
  return schema.getFields()[static_cast<unsigned>(it - keys.begin())];
}

uint64_t MaxOf(TypeWhich which) {
  switch (which) {
    case TypeWhich::UINT8:
      return std::numeric_limits<uint8_t>::max();
    case TypeWhich::UINT16:
      return std::numeric_limits<uint16_t>::max();
    case TypeWhich::UINT32:
      return std::numeric_limits<uint32_t>::max();
    default:
      return std::numeric_limits<uint64_t>::max();
  }
}

// Reads JSON values into a DynamicStruct, collecting one FieldError per problem.
class JsonReader {
 public:
  explicit JsonReader(FieldErrors* errors) : errors_(errors) {}

  // Fills `out` from the object `json` found at `path`; appends the fields it names to `named`
  // when that is not null.
  void ReadStruct(const Json& json, DynamicStruct::Builder out, const std::string& path,
                  std::vector<StructSchema::Field>* named) {
    if (!json.is_object()) return Fail(path, "must be a JSON object");
    for (const auto& [key, value] : json.items()) {
      const std::optional<StructSchema::Field> field = FieldOfKey(out.getSchema(), key);
      if (!field) {
        const bool printable = key.size() <= 64 && !FindInvalidUtf8(key);
        Fail(printable ? ChildPath(path, key) : path,
             printable ? "is not a known field" : "has an unknown, unprintable key");
        continue;
      }
      if (named != nullptr) named->push_back(*field);
      if (!value.is_null()) ReadField(value, out, *field, ChildPath(path, key));
    }
  }

 private:
  void Fail(const std::string& path, std::string reason) {
    errors_->push_back({path, std::move(reason)});
  }

  void ReadField(const Json& json, DynamicStruct::Builder out, StructSchema::Field field,
                 const std::string& path) {
    const capnp::Type type = field.getType();
    switch (type.which()) {
      case TypeWhich::TEXT:
        if (auto text = ReadString(json, path); text && !text->empty()) {
          out.set(field, capnp::Text::Reader(text->c_str(), text->size()));
        }
        return;
      case TypeWhich::DATA:
        if (auto bytes = ReadHex(json, path); bytes && !bytes->empty()) {
          out.set(field, capnp::Data::Reader(bytes->data(), bytes->size()));
        }
        return;
      case TypeWhich::UINT8:
      case TypeWhich::UINT16:
      case TypeWhich::UINT32:
      case TypeWhich::UINT64: {
        const uint64_t max = MaxOf(type.which());
        const bool non_negative =
            json.is_number_unsigned() || (json.is_number_integer() && json.get<int64_t>() >= 0);
        if (!non_negative || json.get<uint64_t>() > max) {
          return Fail(path, "must be an integer 0-" + std::to_string(max));
        }
        out.set(field, json.get<uint64_t>());
        return;
      }
      case TypeWhich::ENUM:
        if (auto name = ReadString(json, path)) ReadEnum(*name, out, field, path);
        return;
      case TypeWhich::BOOL:
        if (!json.is_boolean()) return Fail(path, "must be true or false");
        out.set(field, json.get<bool>());
        return;
      case TypeWhich::LIST:
        return ReadList(json, out, field, path);
      case TypeWhich::STRUCT:
        if (IsPartialDate(type.asStruct())) return ReadDate(json, out, field, path);
        if (!json.is_object()) return Fail(path, "must be a JSON object");
        ReadStruct(json, out.init(field).as<DynamicStruct>(), path, nullptr);
        if (IsEmptyStruct(out.asReader().get(field).as<DynamicStruct>())) out.clear(field);
        return;
      default:
        Unsupported(type);
    }
  }

  // The NFC form of the string `json`, or nullopt (reported) when it is not an acceptable string.
  std::optional<std::string> ReadString(const Json& json, const std::string& path) {
    if (!json.is_string()) {
      Fail(path, "must be a string");
      return std::nullopt;
    }
    const std::string& text = json.get_ref<const std::string&>();
    if (text.size() > kMaxJsonStringBytes) {
      Fail(path, "is " + std::to_string(text.size()) + " bytes long; the limit is " +
                     std::to_string(kMaxJsonStringBytes));
      return std::nullopt;
    }
    if (auto offset = FindInvalidUtf8(text)) {
      Fail(path, "is not valid UTF-8 (ill-formed byte at offset " + std::to_string(*offset) + ")");
      return std::nullopt;
    }
    return ToNfc(text);
  }

  // The bytes that the string `json` spells in lowercase hex, or nullopt (reported).
  std::optional<std::vector<uint8_t>> ReadHex(const Json& json, const std::string& path) {
    const std::string* hex = json.is_string() ? &json.get_ref<const std::string&>() : nullptr;
    const bool is_hex = hex != nullptr && hex->size() <= kMaxJsonStringBytes &&
                        hex->size() % 2 == 0 && std::all_of(hex->begin(), hex->end(), [](char c) {
                          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                        });
    if (!is_hex) {
      Fail(path, "must be a string of lowercase hexadecimal digit pairs, at most " +
                     std::to_string(kMaxJsonStringBytes) + " digits");
      return std::nullopt;
    }
    std::vector<uint8_t> bytes(hex->size() / 2);
    FromHex(*hex, bytes.data(), bytes.size());
    return bytes;
  }

  void ReadEnum(const std::string& name, DynamicStruct::Builder out, StructSchema::Field field,
                const std::string& path) {
    std::string known;
    for (EnumSchema::Enumerant enumerant : field.getType().asEnum().getEnumerants()) {
      if (EnumKey(enumerant) == name) return out.set(field, DynamicEnum(enumerant));
      known += (known.empty() ? "" : ", ") + EnumKey(enumerant);
    }
    Fail(path,
         (name.size() <= 32 ? "\"" + name + "\" is not one of: " : "must be one of: ") + known);
  }

  void ReadList(const Json& json, DynamicStruct::Builder out, StructSchema::Field field,
                const std::string& path) {
    const capnp::Type element = field.getType().asList().getElementType();
    if (element.which() != TypeWhich::TEXT && element.which() != TypeWhich::STRUCT) Unsupported(field.getType());
    const bool texts = element.which() == TypeWhich::TEXT;
    if (!json.is_array()) return Fail(path, texts ? "must be an array of strings" : "must be an array of objects");
    if (json.size() > kMaxJsonListItems) {
      return Fail(path, "has " + std::to_string(json.size()) + " entries; the limit is " +
                            std::to_string(kMaxJsonListItems));
    }
    if (json.empty()) return;
    DynamicList::Builder list =
        out.init(field, static_cast<unsigned>(json.size())).as<DynamicList>();
    for (unsigned i = 0; i < json.size(); ++i) {
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      if (!texts) {
        ReadStruct(json[i], list[i].as<DynamicStruct>(), item_path, nullptr);
        continue;
      }
      auto text = ReadString(json[i], item_path);
      if (text && !text->empty()) list.set(i, capnp::Text::Reader(text->c_str(), text->size()));
    }
  }

  void ReadDate(const Json& json, DynamicStruct::Builder out, StructSchema::Field field,
                const std::string& path) {
    if (!json.is_string()) return Fail(path, "must be a date string: YYYY, YYYY-MM or YYYY-MM-DD");
    Result<PartialDateValue> date = ParsePartialDate(json.get_ref<const std::string&>());
    if (!date.ok()) return Fail(path, date.status().message());
    WritePartialDate(*date, out.init(field).as<DynamicStruct>().as<schema::PartialDate>());
  }

  FieldErrors* errors_;
};

// "syntax error while parsing value - invalid literal" from nlohmann's message, without its
// "[json.exception.parse_error.101] parse error at line 1, column 8: " prefix and without the
// input it quotes ("; last read: ..."), which may be personal data.
std::string Explanation(const Json::exception& e) {
  std::string_view what = e.what();
  const auto drop_through = [&what](std::string_view marker) {
    const size_t at = what.find(marker);
    if (at != std::string_view::npos) what.remove_prefix(at + marker.size());
  };
  drop_through("] ");
  if (what.starts_with("parse error")) drop_through(": ");
  return std::string(what.substr(0, what.find("; last read")));
}

}  // namespace

std::string JsonKeyOf(kj::StringPtr capnp_name) {
  std::string key;
  for (char c : capnp_name) {
    if (c >= 'A' && c <= 'Z') {
      key += '_';
      c = static_cast<char>(c + 32);
    }
    key += c;
  }
  return key;
}

nlohmann::json ResidentToJson(schema::Resident::Reader r) {
  return StructToJson(capnp::toDynamic(r));
}

FieldErrors ResidentFromJson(const nlohmann::json& json, schema::Resident::Builder out,
                             std::vector<uint16_t>* fields_set) {
  FieldErrors errors;
  std::vector<StructSchema::Field> named;  // the top-level fields `json` names
  try {
    // Read into a scratch message first, so that a rejected document leaves `out` untouched.
    capnp::MallocMessageBuilder scratch(kRecordMessageWords);
    DynamicStruct::Builder parsed =
        scratch.initRoot<DynamicStruct>(capnp::Schema::from<schema::Resident>());
    JsonReader(&errors).ReadStruct(json, parsed, "", &named);
    if (!errors.empty()) return errors;
    std::sort(named.begin(), named.end(), [](StructSchema::Field a, StructSchema::Field b) {
      return a.getProto().getOrdinal().getExplicit() < b.getProto().getOrdinal().getExplicit();
    });
    DynamicStruct::Builder target = capnp::toDynamic(out);
    for (StructSchema::Field field : named) {
      if (parsed.has(field)) {
        target.set(field, parsed.asReader().get(field));
      } else {
        target.clear(field);  // a null pointer, not an empty object
      }
    }
  } catch (const kj::Exception& e) {
    return {{"", "could not be read: " + std::string(e.getDescription().cStr())}};
  }
  if (fields_set != nullptr) {
    fields_set->clear();
    for (StructSchema::Field field : named) {
      fields_set->push_back(field.getProto().getOrdinal().getExplicit());
    }
  }
  return errors;
}

FieldErrors ParseJsonLine(std::string_view text, nlohmann::json* out) {
  if (text.size() > kMaxJsonLineBytes) {
    return {{"", "is " + std::to_string(text.size()) + " bytes long; the limit is " +
                     std::to_string(kMaxJsonLineBytes)}};
  }
  std::vector<std::set<std::string>> keys;  // keys of the objects being parsed, innermost last
  std::optional<std::string> repeated;
  const auto note_keys = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) keys.emplace_back();
    if (event == Json::parse_event_t::object_end) keys.pop_back();
    if (event == Json::parse_event_t::key) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(key).second && !repeated) repeated = key;
    }
    return true;
  };
  try {
    Json parsed = Json::parse(text.begin(), text.end(), note_keys);
    if (repeated) {
      return {{"", repeated->size() <= 64 ? "repeats the key \"" + *repeated + "\""
                                          : std::string("repeats a key")}};
    }
    *out = std::move(parsed);
    return {};
  } catch (const Json::parse_error& e) {
    const size_t offset = e.byte > 0 ? e.byte - 1 : 0;  // e.byte counts the bytes read
    return {
        {"", "malformed JSON at byte offset " + std::to_string(offset) + ": " + Explanation(e)}};
  } catch (const Json::exception& e) {
    return {{"", "malformed JSON: " + Explanation(e)}};
  }
}

}  // namespace dancu::storage
