// The disclosure rules (domain/disclosure): which levels each role sees, department scoping of
// the authorised level, withdrawn records, masking and when a purpose must be registered.
#include <doctest/doctest.h>

#include "domain/disclosure.hpp"

using namespace credit::domain;

namespace {
const std::string kDept = "11110000000013127H";
const std::string kOther = "91110000600037341L";

MaskingRules rules() {
  MaskingRules r;
  r.id_keep_first = 4;
  r.id_keep_last = 4;
  return r;
}
}  // namespace

TEST_CASE("levels by role (DESIGN §2, §3)") {
  struct Expected {
    const char* role;
    bool open, shared, authorised, unmasked;
  };
  for (const auto& e : std::vector<Expected>{{"admin", false, false, false, false},
                                             {"publisher", false, false, false, false},
                                             {"auditor", false, false, false, false},
                                             {"viewer", true, true, false, false},
                                             {"operator", true, true, true, true},
                                             {"reviewer", true, true, true, true}}) {
    INFO(e.role);
    Audience a = audience_of(e.role, "*");
    CHECK(a.grants(Disclosure::open) == e.open);
    CHECK(a.grants(Disclosure::shared) == e.shared);
    CHECK(a.grants(Disclosure::authorised) == e.authorised);
    CHECK(a.unmasked_right == e.unmasked);
    CHECK(a.any_level() == e.open);  // nested levels: nobody sees shared without public
  }
}

TEST_CASE("the authorised level is for the record's own department and the credit centre") {
  Audience op = audience_of("operator", kDept);
  CHECK(may_see(op, Disclosure::authorised, kDept));
  CHECK_FALSE(may_see(op, Disclosure::authorised, kOther));
  CHECK(may_see(op, Disclosure::shared, kOther));
  CHECK(may_see(audience_of("reviewer", "*"), Disclosure::authorised, kOther));
  CHECK_FALSE(may_see(audience_of("viewer", "*"), Disclosure::authorised, kDept));
  CHECK(may_see(audience_of("viewer", "*"), Disclosure::shared, kDept));
  CHECK_FALSE(may_see(audience_of("admin", "*"), Disclosure::open, kDept));
  CHECK(may_see(public_audience(), Disclosure::open, kDept));
  CHECK_FALSE(may_see(public_audience(), Disclosure::shared, kDept));

  LevelScope s = level_scope(op, {});
  CHECK(s.everywhere == std::vector{Disclosure::open, Disclosure::shared});
  CHECK(s.own_department == std::vector{Disclosure::authorised});
  LevelScope centre = level_scope(audience_of("operator", "*"), {});
  CHECK(centre.everywhere.size() == 3);
  CHECK(centre.own_department.empty());
  LevelScope only_public = level_scope(op, {Disclosure::open});
  CHECK(only_public.everywhere == std::vector{Disclosure::open});
  CHECK(only_public.own_department.empty());
  CHECK(level_scope(audience_of("viewer", "*"), {Disclosure::authorised}).everywhere.empty());
}

TEST_CASE("only a published record is public") {
  CHECK(is_withdrawn("expired", false));
  CHECK(is_withdrawn("repaired", false));
  CHECK(is_withdrawn("revoked", false));
  CHECK(is_withdrawn("published", true));
  CHECK_FALSE(is_withdrawn("published", false));
  CHECK_FALSE(is_withdrawn("active", false));
  CHECK(effective_level(Disclosure::open, "published", false) == Disclosure::open);
  CHECK(effective_level(Disclosure::open, "published", true) == Disclosure::shared);
  CHECK(effective_level(Disclosure::open, "repaired", false) == Disclosure::shared);
  CHECK(effective_level(Disclosure::open, "active", false) == Disclosure::shared);
  CHECK(effective_level(Disclosure::shared, "published", false) == Disclosure::shared);
  CHECK(effective_level(Disclosure::authorised, "expired", true) == Disclosure::authorised);
  CHECK_FALSE(
      may_see(public_audience(), effective_level(Disclosure::open, "expired", false), kDept));
}

TEST_CASE("one record as each audience sees it") {
  const RecordView pub = view_of(public_audience(), Disclosure::open, "published", false, kDept);
  CHECK(pub.visible);
  CHECK_FALSE(pub.clear);
  CHECK_FALSE(view_of(public_audience(), Disclosure::open, "active", false, kDept).visible);
  const RecordView viewer =
      view_of(audience_of("viewer", "*"), Disclosure::open, "expired", true, kDept);
  CHECK(viewer.visible);
  CHECK(viewer.effective == Disclosure::shared);
  CHECK_FALSE(viewer.clear);
  CHECK(view_of(audience_of("operator", kDept), Disclosure::authorised, "published", false, kDept)
            .clear);
  // Archived records stop being shared: another department's viewer or operator no longer sees
  // them, their own department and the credit centre still do.
  for (const char* status : {"expired", "repaired", "revoked"}) {
    INFO(status);
    CHECK_FALSE(
        view_of(audience_of("viewer", kOther), Disclosure::open, status, true, kDept).visible);
    CHECK_FALSE(
        view_of(audience_of("operator", kOther), Disclosure::shared, status, false, kDept).visible);
    CHECK(view_of(audience_of("operator", kDept), Disclosure::open, status, true, kDept).visible);
    CHECK(view_of(audience_of("reviewer", "*"), Disclosure::shared, status, true, kDept).visible);
  }
  CHECK_FALSE(
      view_of(audience_of("viewer", kOther), Disclosure::open, "published", true, kDept).visible);
  const RecordView other =
      view_of(audience_of("operator", kOther), Disclosure::authorised, "published", false, kDept);
  CHECK_FALSE(other.visible);
  CHECK_FALSE(other.clear);  // never clear what one may not see
  CHECK_FALSE(
      view_of(audience_of("operator", kOther), Disclosure::open, "published", false, kDept).clear);
  CHECK_FALSE(
      view_of(audience_of("admin", "*"), Disclosure::open, "published", false, kDept).visible);
}

TEST_CASE("personal data in clear only with data.unmasked for one's own department") {
  CHECK(sees_clear(audience_of("operator", kDept), kDept));
  CHECK_FALSE(sees_clear(audience_of("operator", kDept), kOther));
  CHECK(sees_clear(audience_of("reviewer", "*"), kOther));
  CHECK_FALSE(sees_clear(audience_of("viewer", "*"), kDept));
  CHECK_FALSE(sees_clear(public_audience(), kDept));
}

TEST_CASE("a purpose is required beyond the public level (查询使用登记)") {
  Audience viewer = audience_of("viewer", "*");
  CHECK(purpose_required(viewer, {}));
  CHECK(purpose_required(viewer, {Disclosure::shared}));
  CHECK_FALSE(purpose_required(viewer, {Disclosure::open}));
  // An operator sees its own department in clear: more than the public sees, at any level.
  CHECK(purpose_required(audience_of("operator", kDept), {Disclosure::open}));
  CHECK_FALSE(purpose_required(public_audience(), {}));
  CHECK_FALSE(purpose_required(Disclosure::open, false));
  CHECK(purpose_required(Disclosure::open, true));
  CHECK(purpose_required(Disclosure::shared, false));
}

TEST_CASE("masking: names keep the surname, ID numbers their ends, a representative's ID nothing") {
  FieldSpec name, id, rep_id, other;
  name.role = Role::subject_name;
  id.role = Role::id_number;
  id.personal = true;
  rep_id.role = Role::legal_rep_id;
  rep_id.personal = true;
  other.role = Role::authority;
  CHECK(personal_kind(name, true) == Personal::person_name);
  CHECK(personal_kind(name, false) == Personal::none);  // organisations' names are public
  CHECK(personal_kind(id, false) == Personal::id_number);
  CHECK(personal_kind(rep_id, false) == Personal::legal_rep_id);
  CHECK(personal_kind(other, true) == Personal::none);

  const MaskingRules r = rules();
  CHECK(disclose(Personal::person_name, "欧阳娜娜", false, r) == "欧***");
  CHECK(disclose(Personal::id_number, "310104198001012755", false, r) == "3101**********2755");
  CHECK(disclose(Personal::legal_rep_id, "11010519491231002X", false, r) == std::string(18, '*'));
  CHECK(disclose(Personal::none, "北京市某某有限公司", false, r) == "北京市某某有限公司");
  CHECK(disclose(Personal::person_name, "欧阳娜娜", true, r) == "欧阳娜娜");
  CHECK(disclose(Personal::legal_rep_id, "11010519491231002X", true, r) == "11010519491231002X");
  CHECK(disclose(Personal::id_number, "", false, r).empty());
  CHECK_FALSE(needs_masking(Personal::id_number, "x", true));
  CHECK(needs_masking(Personal::id_number, "x", false));
  CHECK_FALSE(needs_masking(Personal::none, "x", false));
}
