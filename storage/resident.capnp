# The resident record of the national population database, as one commune node holds it.
# JSON form (storage/record_json.h) uses the snake_case of each field name.
@0x8ee259c8e9872eba;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("dancu::schema");

# A date that may be known only to the year or the month. 0 means unknown.
struct PartialDate {
  year @0 :UInt16;
  month @1 :UInt8;
  day @2 :UInt8;
}

# An administrative unit (GSO code of a commune, district or province) and a free address line.
struct Place {
  unit @0 :Text;
  address @1 :Text;
}

# Another person named on the record, by citizen number and name.
struct PersonRef {
  citizenNo @0 :Text;
  name @1 :Text;
}

enum Sex {
  unknown @0;
  male @1;
  female @2;
}

enum LifeStatus {
  alive @0;
  deceased @1;
  missing @2;
}

enum MaritalStatus {
  unknown @0;
  single @1;
  married @2;
  divorced @3;
  widowed @4;
}

enum BloodType {
  unknown @0;
  a @1;
  b @2;
  ab @3;
  o @4;
}

enum Relationship {
  unknown @0;
  head @1;
  spouse @2;
  child @3;
  parent @4;
  sibling @5;
  grandchild @6;
  grandparent @7;
  other @8;
}

struct Household {
  id @0 :Text;              # household registration number
  headCitizenNo @1 :Text;   # citizen number of the head of household
  relationship @2 :Relationship;
}

enum CardStatus {
  none @0;
  applied @1;
  produced @2;
  issued @3;
}

# The chip citizen-ID card (CCCD): its application and the card produced from it.
struct CardApplication {
  applicationId @0 :Text;
  appliedOn @1 :PartialDate;
  status @2 :CardStatus;
  cardNo @3 :Text;
  issuedOn @4 :PartialDate;
  expiresOn @5 :PartialDate;
}

# Biometric enrollment for the CCCD (node/biometric_parts.h). The record holds only this summary:
# the templates and the photo themselves are blobs, encrypted at rest on the enrolling node and
# sealed to central's key, which each summary names by the BLAKE2b-256 of the sealed blob.
enum FingerStatus {
  none @0;
  enrolled @1;      # a template is held; sealedHash names its sealed blob
  missing @2;       # recorded exception: the finger is missing
  unreadable @3;    # recorded exception: the reader cannot read the finger (worn, scarred)
  underReview @4;   # captured, but it matched another resident's: a duplicate case is open
}

struct Finger {
  status @0 :FingerStatus;
  sealedHash @1 :Data;   # enrolled and underReview: BLAKE2b-256 of the sealed template blob
}

enum PhotoFormat {
  unknown @0;
  jpeg @1;
  png @2;
}

struct Photo {
  sealedHash @0 :Data;   # BLAKE2b-256 of the sealed photo blob
  format @1 :PhotoFormat;
  width @2 :UInt16;      # pixels
  height @3 :UInt16;
}

# One entry per finger, in the ISO/IEC 19794 finger position order (1 right thumb ... 10 left
# little finger; the ordinal is the position code minus one), then the photo.
struct Biometrics {
  rightThumb @0 :Finger;
  rightIndex @1 :Finger;
  rightMiddle @2 :Finger;
  rightRing @3 :Finger;
  rightLittle @4 :Finger;
  leftThumb @5 :Finger;
  leftIndex @6 :Finger;
  leftMiddle @7 :Finger;
  leftRing @8 :Finger;
  leftLittle @9 :Finger;
  photo @10 :Photo;
}

# A chip card read that differed from the record, opened as a case for an operator's review (the
# cardReview operation, node/card_case.h): the fields that differed, as the card and the record
# said them. Never biometric data (the card's face is not part of it).
struct CardFieldDifference {
  field @0 :Text;    # the record's JSON key: "birth_date", "permanent_residence", ...
  card @1 :Text;     # the card's value, as printed on it
  record @2 :Text;   # the record's value when the card was read
}

struct CardReview {
  open @0 :Bool;                               # true: a case awaits review; false: closed
  differences @1 :List(CardFieldDifference);
}

# Field ordinals below are part of the change-log format (a change names the fields it sets by
# ordinal): never renumber, only append.
struct Resident {
  id @0 :Text;                        # internal record id, assigned by the creating node
  citizenNo @1 :Text;                 # 12 digits PPP G YY NNNNNN; empty until issued
  oldIdNo @2 :Text;                   # old 9-digit identity card number
  fullName @3 :Text;                  # Unicode NFC
  otherNames @4 :List(Text);
  birthDate @5 :PartialDate;
  sex @6 :Sex;
  birthRegistrationPlace @7 :Place;
  birthPlace @8 :Place;
  hometown @9 :Place;                 # quê quán
  ethnicity @10 :UInt8;               # official code 1..54 of the 54 groups; 0 unknown
  religion @11 :Text;
  nationality @12 :Text;              # ISO 3166-1 alpha-2, "VN"
  maritalStatus @13 :MaritalStatus;
  bloodType @14 :BloodType;
  permanentResidence @15 :Place;
  temporaryResidence @16 :Place;
  currentResidence @17 :Place;
  household @18 :Household;
  father @19 :PersonRef;
  mother @20 :PersonRef;
  spouse @21 :PersonRef;
  representative @22 :PersonRef;      # legal representative
  status @23 :LifeStatus;
  deathDate @24 :PartialDate;
  card @25 :CardApplication;
  homeUnit @26 :Text;                 # unit whose node has authority over the record
  mergedInto @27 :Text;               # set on a duplicate: id of the surviving record
  biometrics @28 :Biometrics;         # set only by the enrollment operations
  cardReview @29 :CardReview;         # set only by the cardReview operation
  distinctFrom @30 :List(Text);       # records an operator judged to be other people (markDistinct)
}
