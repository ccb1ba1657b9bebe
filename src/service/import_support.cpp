#include "service/import_support.hpp"

#include <fmt/format.h>

#include <utility>

#include "store/sqlite.hpp"
#include "util/error.hpp"

namespace credit::service {

domain::Kind require_kind(const std::string& name) {
  auto kind = domain::parse_kind(name);
  if (!kind)
    fail(ErrorCode::bad_input, fmt::format("'{}' is not a record kind", name),
         "kinds: penalty, license, dishonest, red");
  return *kind;
}

domain::Kind require_kind(ActionContext& ctx) {
  return require_kind(ctx.required_string("kind"));
}

domain::Date today(const ActionContext& ctx) {
  return domain::Date::from_days(ctx.clock.today());
}

ImportConnection::ImportConnection(store::Db& db) : db_(db) {
  auto s = db_.prepare("PRAGMA cache_size");
  s.step();
  previous_ = s.column_int64(0);
  db_.exec(fmt::format("PRAGMA cache_size = -{}", kCacheKiB));
}

ImportConnection::~ImportConnection() {
  try {
    db_.exec(fmt::format("PRAGMA cache_size = {}", previous_));
  } catch (...) {
  }
}

Batch load_batch_for_decision(ActionContext& ctx) {
  const int64_t id = ctx.integer("batch", 0);
  ctx.audit.targets.push_back(fmt::format("batch:{}", id));
  Batch b = load_batch(ctx.db(), id);
  ctx.require_department(b.dept, fmt::format("batch {}", id));
  if (b.status != "staged")
    fail(ErrorCode::conflict,
         fmt::format("batch {} is {} already (by {} at {})", id, b.status,
                     b.decided_by.value_or("?"), b.decided_at.value_or("?")),
         "only a staged batch can be approved or rejected");
  return b;
}

std::function<void()> announce_codes_once(ActionContext& ctx, const domain::KindSpec& spec) {
  return [&ctx, &spec, announced = false]() mutable {
    if (std::exchange(announced, true)) return;
    Json codes = Json::array();
    for (const auto& f : spec.fields)
      codes.push_back(f.code);
    report_row(ctx,
               {{"type", "columns"}, {"file", "batch"}, {"columns", codes}, {"encoding", "utf-8"}});
  };
}

void for_each_staged_row(store::Db& db, int64_t batch_id, const domain::KindSpec& spec,
                         const std::function<void(const StagedRow&)>& visit, StagedRows which) {
  auto s = db.prepare(fmt::format(
      "SELECT file, line, record_id, data FROM staged_rows WHERE batch_id = ? {} ORDER BY seq",
      which == StagedRows::changes ? "AND data <> ''" : ""));
  s.bind(1, batch_id);
  RowOrigin origin;
  std::vector<std::string_view> raw;
  while (s.step()) {
    origin.file = s.column_text(0);
    origin.line = s.column_int64(1);
    std::vector<std::string> values;
    try {
      values = domain::field_values_from_data(spec, s.column_view(3));
    } catch (const domain::KindSpecError& e) {
      fail(ErrorCode::integrity,
           fmt::format("batch {}: a staged row is damaged: {}", batch_id, e.what()));
    }
    raw.assign(values.begin(), values.end());
    origin.cells = raw;
    visit({raw, origin, s.column_optional_int64(2)});
  }
}

}  // namespace credit::service
