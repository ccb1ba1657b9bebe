#include "service/record_writer.hpp"

#include <fmt/format.h>

#include "util/crypto.hpp"

namespace credit::service {

namespace {

constexpr const char* kRecordColumns =
    "authority_uscc, document_number, authority, source_dept_uscc, source_dept, subject_name, "
    "subject_type, uscc, id_type, id_number, legal_rep, decided_on, severity, severity_rule, "
    "disclosure, publish, publicity_start, earliest_repair, publicity_until, derivation_id, data, "
    "batch_id, batch_line, updated_at";
constexpr int kBoundColumns = 24;

std::string insert_sql() {
  std::string params = "?";
  for (int i = 1; i < kBoundColumns + 2; ++i)
    params += ", ?";
  return fmt::format(
      "INSERT INTO records ({}, created_at, kind) VALUES ({}) "
      "ON CONFLICT (kind, authority_uscc, document_number) DO NOTHING",
      kRecordColumns, params);
}

std::string update_sql() {
  // Same column order as kRecordColumns; the key columns may change (an amended document
  // number), the constraint keeps them unique.
  return "UPDATE records SET authority_uscc = ?1, document_number = ?2, authority = ?3, "
         "source_dept_uscc = ?4, source_dept = ?5, subject_name = ?6, subject_type = ?7, "
         "uscc = ?8, id_type = ?9, id_number = ?10, legal_rep = ?11, decided_on = ?12, "
         "severity = ?13, severity_rule = ?14, disclosure = ?15, publish = ?16, "
         "publicity_start = ?17, earliest_repair = ?18, publicity_until = ?19, "
         "derivation_id = ?20, data = ?21, batch_id = ?22, batch_line = ?23, updated_at = ?24, "
         "version = version + 1 WHERE id = ?25";
}

}  // namespace

std::string keep_versions_sql(std::string_view where) {
  // The previous version, derived values included, in one statement.
  return fmt::format(
      "INSERT INTO record_versions (record_id, version, data, derived, changed_at, changed_by, "
      "change, batch_id, reason) "
      "SELECT id, version, data, json_object('status', status, 'severity', severity, "
      "'severity_rule', severity_rule, 'disclosure', disclosure, 'publish', publish, "
      "'publicity_start', publicity_start, 'earliest_repair', earliest_repair, "
      "'publicity_until', publicity_until, 'derivation', "
      "json((SELECT content FROM derivations WHERE id = derivation_id)), 'subject_type', "
      "subject_type, 'under_repair', under_repair, 'disputed', disputed, 'archived', archived, "
      "'published_on', published_on, 'withdrawn_on', withdrawn_on, 'batch_id', batch_id, "
      "'batch_line', batch_line, 'updated_at', updated_at), ?1, ?2, ?3, ?4, ?5 FROM records "
      "WHERE {}",
      where);
}

namespace {

std::string duplicate_of(int64_t line) {
  return fmt::format(
      "duplicate: line {} of this batch has the same authority USCC and document number", line);
}

}  // namespace

RecordWriter::RecordWriter(store::Db& db, const domain::KindSpec& spec, ChangeInfo info)
    : db_(db),
      spec_(spec),
      info_(std::move(info)),
      kind_(domain::to_string(spec.kind)),
      insert_(db, insert_sql()),
      find_(db,
            "SELECT id, data, source_dept_uscc, status, version, batch_id, batch_line "
            "FROM records WHERE kind = ? AND authority_uscc = ? AND document_number = ?"),
      update_(db, update_sql()),
      version_(db, keep_versions_sql("id = ?6")),
      add_derivation_(db, "INSERT INTO derivations (content) VALUES (?) ON CONFLICT DO NOTHING"),
      find_derivation_(db, "SELECT id FROM derivations WHERE content = ?"),
      stage_(db,
             "INSERT INTO staged_rows (batch_id, seq, file, line, natural_key, record_id, data) "
             "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id, natural_key) DO NOTHING"),
      staged_line_(db, "SELECT line FROM staged_rows WHERE batch_id = ? AND natural_key = ?"),
      revoke_(db,
              "UPDATE records SET status = 'revoked', version = version + 1, batch_id = ?, "
              "batch_line = NULL, updated_at = ? WHERE id = ?") {}

void RecordWriter::prepare_data(const domain::ValidatedRow& row) {
  data_.clear();
  domain::append_canonical_data(spec_, row, data_);
  derivation_.clear();
  domain::append_derivation(row, derivation_);
  derivation_id_ = derivation_id(derivation_);
  key_ = domain::natural_key(spec_, row);
}

int64_t RecordWriter::derivation_id(const std::string& content) {
  auto known = derivation_ids_.find(content);
  if (known != derivation_ids_.end()) return known->second;
  add_derivation_.reset();
  add_derivation_.bind(1, content).run();
  find_derivation_.reset();
  find_derivation_.bind(1, content);
  find_derivation_.step();
  int64_t id = find_derivation_.column_int64(0);
  find_derivation_.reset();
  return derivation_ids_[content] = id;
}

void RecordWriter::bind_columns(store::Stmt& s, const domain::ValidatedRow& row) {
  using domain::Role;
  // The row and data_ outlive the statement's step: bound without copies.
  auto text = [&](int index, Role role) {
    const std::string& v = row.value(spec_, role);
    if (v.empty())
      s.bind_null(index);
    else
      s.bind_static(index, v);
  };
  const bool person = row.subject_type == domain::SubjectType::natural_person;
  text(1, Role::authority_uscc);
  text(2, Role::document_number);
  text(3, Role::authority);
  text(4, Role::source_dept_uscc);
  text(5, Role::source_dept);
  text(6, Role::subject_name);
  s.bind_static(7, domain::to_string(row.subject_type));
  if (row.has_uscc)
    text(8, Role::uscc);
  else
    s.bind_null(8);
  if (person) {
    text(9, Role::id_type);
    text(10, Role::id_number);
  } else {
    s.bind_null(9).bind_null(10);
  }
  text(11, Role::legal_rep);
  s.bind(12, row.decided_on.iso())
      .bind_static(13, domain::to_string(row.severity.severity))
      .bind_static(14, row.severity.rule_id)
      .bind_static(15, domain::to_string(row.disclosure))
      .bind(16, int64_t{row.dates.publish ? 1 : 0})
      .bind(17, row.dates.start.iso());
  if (row.dates.earliest_repair)
    s.bind(18, row.dates.earliest_repair->iso());
  else
    s.bind_null(18);
  s.bind(19, row.dates.end.iso())
      .bind(20, derivation_id_)
      .bind_static(21, data_)
      .bind(22, info_.batch_id)
      .bind_static(24, info_.now);
}

std::optional<ExistingRecord> RecordWriter::find(const std::string& authority_uscc,
                                                 const std::string& document_number) {
  find_.reset();
  find_.bind(1, kind_).bind(2, authority_uscc).bind(3, document_number);
  if (!find_.step()) return std::nullopt;
  ExistingRecord r{find_.column_int64(0),         find_.column_text(1),  find_.column_text(2),
                   find_.column_text(3),          find_.column_int64(4), find_.column_int64(5),
                   find_.column_optional_int64(6)};
  find_.reset();
  return r;
}

std::optional<int64_t> RecordWriter::staged_line(const std::string& key) {
  staged_line_.reset();
  staged_line_.bind(1, info_.batch_id).bind(2, key);
  std::optional<int64_t> line;
  if (staged_line_.step()) line = staged_line_.column_int64(0);
  staged_line_.reset();
  return line;
}

std::optional<std::string> RecordWriter::refusal(const ExistingRecord& existing,
                                                 const domain::ValidatedRow& row) {
  if (existing.batch_id == info_.batch_id) return duplicate_of(existing.batch_line.value_or(0));
  const std::string& dept = row.value(spec_, domain::Role::source_dept_uscc);
  if (existing.source_dept_uscc != dept)
    return fmt::format(
        "record {} with this authority USCC and document number belongs to "
        "department {}; an import cannot move it to {}",
        existing.id, existing.source_dept_uscc, dept);
  if (existing.status != "active" && existing.status != "published")
    return fmt::format("record {} is {}: it is archived and cannot be changed by an import",
                       existing.id, existing.status);
  return std::nullopt;
}

int64_t RecordWriter::insert(const domain::ValidatedRow& row, int64_t line) {
  insert_.reset();
  bind_columns(insert_, row);
  insert_.bind(23, line).bind(25, info_.now).bind(26, kind_);
  insert_.run();
  return db_.changes() > 0 ? db_.last_insert_rowid() : 0;
}

void RecordWriter::keep_version(int64_t record_id) {
  version_.reset();
  version_.bind(1, info_.now).bind(2, info_.actor).bind(3, info_.change).bind(4, info_.batch_id);
  version_.bind(5, info_.reason).bind(6, record_id).run();
}

void RecordWriter::update(int64_t record_id, const domain::ValidatedRow& row,
                          std::optional<int64_t> line) {
  keep_version(record_id);
  update_.reset();
  bind_columns(update_, row);
  update_.bind(23, line).bind(25, record_id).run();
}

void RecordWriter::keep_staged(const std::string& file, int64_t line, int64_t record_id,
                               const std::string& data) {
  stage_.reset();
  stage_.bind(1, info_.batch_id).bind(2, ++staged_seq_).bind(3, file).bind(4, line);
  stage_.bind(5, key_).bind(6, record_id).bind(7, data).run();
}

ApplyResult RecordWriter::commit(const domain::ValidatedRow& row, int64_t line,
                                 const std::string& file) {
  prepare_data(row);
  if (int64_t id = insert(row, line)) return {Outcome::inserted, id, {}};
  auto existing = find(row.value(spec_, domain::Role::authority_uscc),
                       row.value(spec_, domain::Role::document_number));
  if (!existing) return {Outcome::rejected, 0, "the record vanished while importing; retry"};
  if (auto why = refusal(*existing, row)) return {Outcome::rejected, existing->id, *why};
  // An earlier row of this batch may have found the record unchanged: it is kept in staged_rows.
  if (track_unchanged_) {
    if (auto first = staged_line(key_))
      return {Outcome::rejected, existing->id, duplicate_of(*first)};
  }
  if (existing->data == data_) {
    if (track_unchanged_) keep_staged("", line, existing->id, "");
    return {Outcome::unchanged, existing->id, {}};
  }
  if (defer_updates_) {
    keep_staged(file, line, existing->id, data_);
    return {Outcome::deferred, existing->id, {}};
  }
  update(existing->id, row, line);
  return {Outcome::updated, existing->id, {}};
}

ApplyResult RecordWriter::stage(const domain::ValidatedRow& row, const std::string& file,
                                int64_t line) {
  prepare_data(row);
  auto existing = find(row.value(spec_, domain::Role::authority_uscc),
                       row.value(spec_, domain::Role::document_number));
  if (existing) {
    if (auto why = refusal(*existing, row)) return {Outcome::rejected, existing->id, *why};
  }
  stage_.reset();
  stage_.bind(1, info_.batch_id).bind(2, ++staged_seq_).bind(3, file).bind(4, line);
  stage_.bind(5, key_);
  if (existing)
    stage_.bind(6, existing->id);
  else
    stage_.bind_null(6);
  stage_.bind(7, data_).run();
  if (db_.changes() == 0)
    return {Outcome::rejected, 0, duplicate_of(staged_line(key_).value_or(0))};
  if (!existing) return {Outcome::inserted, 0, {}};
  return {existing->data == data_ ? Outcome::unchanged : Outcome::updated, existing->id, {}};
}

void RecordWriter::amend(int64_t record_id, const domain::ValidatedRow& row) {
  prepare_data(row);
  update(record_id, row, std::nullopt);
}

void RecordWriter::revoke(int64_t record_id) {
  keep_version(record_id);
  revoke_.reset();
  revoke_.bind(1, info_.batch_id).bind(2, info_.now).bind(3, record_id).run();
}

}  // namespace credit::service
