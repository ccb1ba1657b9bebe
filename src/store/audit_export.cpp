#include "store/audit_export.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <istream>
#include <streambuf>

#include "io/csv_writer.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

namespace credit::store {

std::string_view export_format_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::json:
      return "json";
    case ExportFormat::csv:
      return "csv";
    case ExportFormat::ndjson:
      break;
  }
  return "ndjson";
}

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  for (auto f : {ExportFormat::ndjson, ExportFormat::json, ExportFormat::csv})
    if (export_format_name(f) == name) return f;
  return std::nullopt;
}

// ---- entries ----------------------------------------------------------------------------------

const std::vector<std::string>& audit_export_columns() {
  static const std::vector<std::string> columns = {
      "seq",     "ts_utc", "ts_sim",  "actor",  "role",      "dept", "action",
      "targets", "params", "outcome", "reason", "prev_hash", "hash"};
  return columns;
}

Json audit_entry_to_json(const AuditEntry& e) {
  Json row = {{"seq", e.seq}, {"ts_utc", e.ts_utc}};
  row["ts_sim"] = e.ts_sim ? Json(*e.ts_sim) : Json();
  row["actor"] = e.actor;
  row["role"] = e.role;
  row["dept"] = e.dept;
  row["action"] = e.action;
  row["targets"] = e.targets;  // JSON text exactly as stored and hashed
  row["params"] = e.params;
  row["outcome"] = e.outcome;
  row["reason"] = e.reason;
  row["prev_hash"] = e.prev_hash;
  row["hash"] = e.hash;
  return row;
}

namespace {
[[noreturn]] void bad_field(const std::string& key, std::string_view what) {
  fail(ErrorCode::bad_input, fmt::format("the field '{}' {}", key, what));
}

std::optional<int64_t> parse_seq(std::string_view text) {
  int64_t seq = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (ec != std::errc() || ptr != text.data() + text.size() || seq < 1) return std::nullopt;
  return seq;
}
}  // namespace

AuditEntry audit_entry_from_json(const Json& row) {
  if (!row.is_object()) fail(ErrorCode::bad_input, "an entry is not a JSON object");
  for (const auto& [key, value] : row.items())
    if (std::find(audit_export_columns().begin(), audit_export_columns().end(), key) ==
        audit_export_columns().end())
      bad_field(key, "is not a field of an audit entry");
  auto text = [&](const std::string& key) -> std::string {
    auto it = row.find(key);
    if (it == row.end()) bad_field(key, "is missing");
    if (!it->is_string()) bad_field(key, "is not a string");
    return it->get<std::string>();
  };
  AuditEntry e;
  auto seq = row.find("seq");
  if (seq == row.end()) bad_field("seq", "is missing");
  if (seq->is_number_integer() && seq->get<int64_t>() >= 1)
    e.seq = seq->get<int64_t>();
  else if (auto parsed = seq->is_string() ? parse_seq(seq->get<std::string>()) : std::nullopt)
    e.seq = *parsed;  // remote clients send large integers as strings
  else
    bad_field("seq", "is not a positive integer");
  e.ts_utc = text("ts_utc");
  auto sim = row.find("ts_sim");
  if (sim == row.end()) bad_field("ts_sim", "is missing");
  if (!sim->is_null()) e.ts_sim = text("ts_sim");
  e.actor = text("actor");
  e.role = text("role");
  e.dept = text("dept");
  e.action = text("action");
  e.targets = text("targets");
  e.params = text("params");
  e.outcome = text("outcome");
  e.reason = text("reason");
  e.prev_hash = text("prev_hash");
  e.hash = text("hash");
  return e;
}

// ---- writing ----------------------------------------------------------------------------------

AuditExportWriter::AuditExportWriter(ExportFormat format, Sink sink)
    : format_(format), sink_(std::move(sink)) {
  if (format_ == ExportFormat::csv) sink_(io::csv_record(audit_export_columns()));
  if (format_ == ExportFormat::json) sink_("[");
}

void AuditExportWriter::add(const AuditEntry& e) {
  buffer_.clear();
  switch (format_) {
    case ExportFormat::ndjson:
      buffer_ = audit_entry_to_json(e).dump();
      buffer_ += '\n';
      break;
    case ExportFormat::json:
      buffer_ = count_ ? ",\n" : "\n";
      buffer_ += audit_entry_to_json(e).dump();
      break;
    case ExportFormat::csv: {
      buffer_ = std::to_string(e.seq);
      buffer_ += ',';
      io::append_csv_field(buffer_, e.ts_utc);
      buffer_ += ',';
      if (e.ts_sim && e.ts_sim->empty())
        buffer_ += "\"\"";  // an empty string, apart from none (an empty unquoted field)
      else
        io::append_csv_field(buffer_, e.ts_sim.value_or(""));
      for (const std::string* field : {&e.actor, &e.role, &e.dept, &e.action, &e.targets, &e.params,
                                       &e.outcome, &e.reason, &e.prev_hash, &e.hash}) {
        buffer_ += ',';
        io::append_csv_field(buffer_, *field);
      }
      buffer_ += "\r\n";
      break;
    }
  }
  sink_(buffer_);
  if (last_seq_ && e.seq != *last_seq_ + 1) contiguous_ = false;
  if (!first_seq_) first_seq_ = e.seq;
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  ++count_;
}

void AuditExportWriter::finish() {
  if (format_ == ExportFormat::json) sink_(count_ ? "\n]\n" : "]\n");
}

// ---- manifest ---------------------------------------------------------------------------------

namespace {
Json optional_json(const std::optional<int64_t>& v) {
  return v ? Json(*v) : Json();
}
Json optional_json(const std::optional<std::string>& v) {
  return v ? Json(*v) : Json();
}
}  // namespace

void ExportManifest::describe(const AuditExportWriter& writer) {
  export_format = writer.format_;
  entries = writer.count_;
  first_seq = writer.first_seq_;
  last_seq = writer.last_seq_;
  head_hash = writer.last_hash_;
  contiguous = writer.contiguous_;
}

Json ExportManifest::to_json() const {
  Json doc = {{"format", kManifestFormat},
              {"export_file", export_file},
              {"export_format", export_format_name(export_format)},
              {"entries", entries},
              {"first_seq", optional_json(first_seq)},
              {"last_seq", optional_json(last_seq)},
              {"head_hash", head_hash},
              {"contiguous", contiguous},
              {"sha256", sha256},
              {"bytes", bytes},
              {"filters", filters},
              {"store_id", store_id},
              {"store_head", {{"seq", store_head_seq}, {"hash", store_head_hash}}},
              {"export_entry_seq", export_entry_seq},
              {"created_at", created_at},
              {"simulated_at", optional_json(simulated_at)},
              {"exported_by", exported_by}};
  return doc;
}

ExportManifest ExportManifest::from_json(const Json& doc, const std::string& label) {
  auto malformed = [&](const std::string& what) -> Error {
    return Error(ErrorCode::bad_input,
                 fmt::format("{}: not a valid audit export manifest: {}", label, what),
                 "give the manifest `credit audit export --out FILE` wrote beside FILE, or move "
                 "it away to verify the export without it");
  };
  if (!doc.is_object() || doc.value("format", Json()) != kManifestFormat)
    throw malformed(fmt::format("the field 'format' is not \"{}\"", kManifestFormat));
  auto field = [&](const char* key, Json::value_t type, bool nullable = false) -> const Json& {
    auto it = doc.find(key);
    if (it == doc.end()) throw malformed(fmt::format("the field '{}' is missing", key));
    bool integer = type == Json::value_t::number_integer && it->is_number_integer();
    if (!(integer || it->type() == type || (nullable && it->is_null())))
      throw malformed(fmt::format("the field '{}' has the wrong type", key));
    return *it;
  };
  using T = Json::value_t;
  ExportManifest m;
  m.export_file = field("export_file", T::string).get<std::string>();
  auto format = parse_export_format(field("export_format", T::string).get<std::string>());
  if (!format) throw malformed("the field 'export_format' is not ndjson, json or csv");
  m.export_format = *format;
  m.entries = field("entries", T::number_integer).get<int64_t>();
  if (const auto& v = field("first_seq", T::number_integer, true); !v.is_null())
    m.first_seq = v.get<int64_t>();
  if (const auto& v = field("last_seq", T::number_integer, true); !v.is_null())
    m.last_seq = v.get<int64_t>();
  m.head_hash = field("head_hash", T::string).get<std::string>();
  m.contiguous = field("contiguous", T::boolean).get<bool>();
  m.sha256 = field("sha256", T::string).get<std::string>();
  m.bytes = field("bytes", T::number_integer).get<int64_t>();
  m.filters = field("filters", T::object);
  m.store_id = field("store_id", T::string).get<std::string>();
  const Json& head = field("store_head", T::object);
  if (!head.contains("seq") || !head["seq"].is_number_integer() || !head.contains("hash") ||
      !head["hash"].is_string())
    throw malformed("the field 'store_head' needs an integer 'seq' and a string 'hash'");
  m.store_head_seq = head["seq"].get<int64_t>();
  m.store_head_hash = head["hash"].get<std::string>();
  m.export_entry_seq = field("export_entry_seq", T::number_integer).get<int64_t>();
  m.created_at = field("created_at", T::string).get<std::string>();
  if (const auto& v = field("simulated_at", T::string, true); !v.is_null())
    m.simulated_at = v.get<std::string>();
  m.exported_by = field("exported_by", T::string).get<std::string>();
  if ((m.entries > 0) != (m.first_seq && m.last_seq))
    throw malformed("'entries' disagrees with 'first_seq' and 'last_seq'");
  return m;
}

std::string manifest_path_for(const std::string& export_path) {
  return export_path + ".manifest.json";
}

// ---- reading ----------------------------------------------------------------------------------

namespace {

// A read-only stream over a file that hashes every byte it hands out, so the digest and the
// entries come from one pass with flat memory.
class HashingFileBuf : public std::streambuf {
 public:
  explicit HashingFileBuf(const std::string& path) : file_(std::fopen(path.c_str(), "rb")) {
    if (file_ == nullptr)
      fail(ErrorCode::not_found, fmt::format("cannot open the export '{}'", path),
           "check the path given with --export");
  }
  ~HashingFileBuf() override { std::fclose(file_); }
  HashingFileBuf(const HashingFileBuf&) = delete;
  HashingFileBuf& operator=(const HashingFileBuf&) = delete;

  // Reads the rest, so the digest covers the whole file even when parsing stopped early.
  std::string finish_digest() {
    while (underflow() != traits_type::eof())
      setg(eback(), egptr(), egptr());
    return sha_.hex_digest();
  }
  int64_t bytes() const { return bytes_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    size_t n = std::fread(buffer_, 1, sizeof buffer_, file_);
    if (n == 0) return traits_type::eof();
    sha_.update({buffer_, n});
    bytes_ += static_cast<int64_t>(n);
    setg(buffer_, buffer_, buffer_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::FILE* file_;
  char buffer_[1 << 16];
  crypto::Sha256 sha_;
  int64_t bytes_ = 0;
};

struct EntryReader {
  ChainVerifier& verifier;
  void entry(const Json& row, const std::string& where) {
    AuditEntry e;
    try {
      e = audit_entry_from_json(row);
    } catch (const Error& err) {
      return verifier.add_unreadable(fmt::format("{} is not a valid entry: {}", where, err.what()));
    }
    verifier.add(e);
  }
};

void read_ndjson(std::istream& in, ChainVerifier& verifier) {
  EntryReader reader{verifier};
  std::string line;
  int64_t number = 0;
  bool blank_pending = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      blank_pending = true;  // only a blank last line is harmless
      continue;
    }
    if (blank_pending) verifier.add_unreadable(fmt::format("line {} is empty", number - 1));
    blank_pending = false;
    Json row;
    try {
      row = Json::parse(line);
    } catch (const Json::parse_error& e) {
      verifier.add_unreadable(fmt::format("line {} is not JSON ({})", number, e.what()));
      continue;
    }
    reader.entry(row, fmt::format("line {}", number));
  }
}

void read_json(std::istream& in, ChainVerifier& verifier) {
  EntryReader reader{verifier};
  int64_t index = 0;
  bool top_is_array = false;
  using Event = Json::parse_event_t;
  auto on_event = [&](int depth, Event event, Json& parsed) {
    if (depth == 0 && event == Event::array_start) top_is_array = true;
    if (depth == 0 && !top_is_array && (event == Event::object_start || event == Event::value))
      throw Error(ErrorCode::bad_input, "the JSON export is not an array of entries");
    if (depth == 1 &&
        (event == Event::object_end || event == Event::value || event == Event::array_end) &&
        top_is_array) {
      reader.entry(parsed, fmt::format("entry {} of the array", ++index));
      return false;  // discard it: memory stays flat
    }
    return true;
  };
  try {
    [[maybe_unused]] Json emptied = Json::parse(in, on_event);  // entries were discarded
  } catch (const Json::parse_error& e) {
    verifier.fail_here(fmt::format("the JSON export is cut off or malformed after entry {} ({})",
                                   index, e.what()));
  } catch (const Error& e) {
    verifier.fail_here(e.what());
  }
}

// libcsv calls back per field and per record; CSV_EMPTY_IS_NULL tells an empty unquoted field
// (ts_sim none) from a quoted "" (an empty string).
struct CsvState {
  EntryReader reader;
  std::vector<std::optional<std::string>> fields;
  int64_t record = 0;
};

void csv_field(void* data, size_t len, void* state) {
  auto* s = static_cast<CsvState*>(state);
  if (data == nullptr)
    s->fields.emplace_back(std::nullopt);
  else
    s->fields.emplace_back(  // the writer guarded cells a spreadsheet would run (csv_writer.hpp)
        std::string(io::csv_unguarded(std::string_view(static_cast<const char*>(data), len))));
}

void csv_record_end(int, void* state) {
  auto* s = static_cast<CsvState*>(state);
  const auto& columns = audit_export_columns();
  std::vector<std::optional<std::string>> fields;
  fields.swap(s->fields);
  ++s->record;
  std::string where = fmt::format("CSV record {}", s->record);
  if (fields.size() != columns.size())
    return s->reader.verifier.add_unreadable(
        fmt::format("{} has {} fields, an entry has {}", where, fields.size(), columns.size()));
  if (s->record == 1) {  // the header
    for (size_t i = 0; i < columns.size(); ++i)
      if (fields[i].value_or("") != columns[i])
        return s->reader.verifier.fail_here(fmt::format(
            "the CSV header is not {}", fmt::join(columns.begin(), columns.end(), ",")));
    return;
  }
  Json row = Json::object();
  for (size_t i = 0; i < columns.size(); ++i)
    row[columns[i]] = fields[i] ? Json(*fields[i]) : (columns[i] == "ts_sim" ? Json() : Json(""));
  s->reader.entry(row, where);
}

void read_csv(std::istream& in, ChainVerifier& verifier) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
    fail(ErrorCode::internal, "the CSV parser could not start");
  CsvState state{{verifier}, {}, 0};
  char buffer[1 << 16];
  bool ok = true;
  while (ok && in) {
    in.read(buffer, sizeof buffer);
    size_t n = static_cast<size_t>(in.gcount());
    ok = csv_parse(&parser, buffer, n, csv_field, csv_record_end, &state) == n;
  }
  if (ok) ok = csv_fini(&parser, csv_field, csv_record_end, &state) == 0;
  if (!ok)
    verifier.fail_here(fmt::format("the CSV is malformed after record {} ({})", state.record,
                                   csv_strerror(csv_error(&parser))));
  csv_free(&parser);
}

ExportFormat sniff_format(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  int c = EOF;
  if (f != nullptr) {
    while ((c = std::fgetc(f)) != EOF && std::isspace(c)) {
    }
    std::fclose(f);
  }
  if (c == '[') return ExportFormat::json;
  if (c == '{') return ExportFormat::ndjson;
  return ExportFormat::csv;
}

std::optional<ExportManifest> load_manifest(const std::string& export_path,
                                            const ExportVerifyOptions& options,
                                            std::string& manifest_path) {
  manifest_path = options.manifest_path.value_or(manifest_path_for(export_path));
  if (!options.manifest_path && !std::filesystem::exists(manifest_path)) return std::nullopt;
  std::string text;
  {
    std::FILE* f = std::fopen(manifest_path.c_str(), "rb");
    if (f == nullptr)
      fail(ErrorCode::not_found, fmt::format("cannot open the manifest '{}'", manifest_path),
           "check the path given with --manifest");
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0 && text.size() < (1 << 20))
      text.append(buffer, n);
    std::fclose(f);
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error&) {
    doc = nullptr;
  }
  return ExportManifest::from_json(doc, manifest_path);
}

void check_manifest(VerifyOutcome& out, const ExportManifest& m, const std::string& sha256,
                    int64_t bytes) {
  if (sha256 != m.sha256 || bytes != m.bytes)
    out.problems.push_back(fmt::format(
        "the export's SHA-256 is {} ({} bytes), its manifest says {} ({} bytes): the file was "
        "changed after it was exported, or the manifest was",
        sha256, bytes, m.sha256, m.bytes));
  if (out.chain.total != m.entries)
    out.problems.push_back(fmt::format("the export holds {} entries, its manifest says {}",
                                       out.chain.total, m.entries));
}

}  // namespace

std::optional<ChainAnchor> admit_checkpoint(VerifyOutcome& outcome, const Checkpoint& cp,
                                            const std::optional<std::string>& trusted_key_pem,
                                            CheckpointKey key) {
  outcome.checkpoint = cp;
  outcome.checkpoint_check = check_checkpoint_signature(cp, trusted_key_pem, key);
  if (!outcome.checkpoint_check->signature_ok) {
    outcome.problems.push_back(outcome.checkpoint_check->problem);
    return std::nullopt;
  }
  if (!trusted_key_pem)
    outcome.notes.push_back(fmt::format(
        "the checkpoint's signature was checked with the key it carries ({}); pass --key "
        "PUBKEY.pem (from `credit audit key`) to check that the store's key signed it",
        cp.key_id));
  return checkpoint_anchor(cp);
}

VerifyOutcome verify_audit_export(const std::string& path, const ExportVerifyOptions& options) {
  VerifyOutcome out;
  out.source = path;
  std::string manifest_path;
  auto manifest = load_manifest(path, options, manifest_path);
  if (manifest) out.manifest = manifest_path;
  bool gaps = manifest ? !manifest->contiguous : options.allow_gaps;
  ChainVerifier verifier(ChainVerifier::Start::first_entry,
                         gaps ? ChainVerifier::Gaps::allow : ChainVerifier::Gaps::refuse);
  if (manifest && manifest->entries > 0) {
    verifier.expect_start(*manifest->first_seq);
    verifier.expect_end({*manifest->last_seq, manifest->head_hash, "the manifest"});
  }
  if (!manifest)
    out.notes.push_back(fmt::format(
        "no manifest beside the export ({}): its digest and entry count were not checked",
        manifest_path));
  if (options.checkpoint) {
    if (auto anchor = admit_checkpoint(out, *options.checkpoint, options.trusted_key_pem))
      verifier.expect_entry(*anchor);
    if (manifest && manifest->store_id != options.checkpoint->store_id)
      out.problems.push_back(fmt::format("the checkpoint is of store {}, the export of store {}",
                                         options.checkpoint->store_id, manifest->store_id));
  }

  HashingFileBuf file(path);
  std::istream in(&file);
  ExportFormat format = manifest ? manifest->export_format : sniff_format(path);
  switch (format) {
    case ExportFormat::ndjson:
      read_ndjson(in, verifier);
      break;
    case ExportFormat::json:
      read_json(in, verifier);
      break;
    case ExportFormat::csv:
      read_csv(in, verifier);
      break;
  }
  out.chain = verifier.finish();
  std::string sha256 = file.finish_digest();
  out.sha256 = sha256;
  if (manifest) check_manifest(out, *manifest, sha256, file.bytes());
  return out;
}

// ---- outcome ----------------------------------------------------------------------------------

std::string VerifyOutcome::problem() const {
  if (!chain.ok()) return chain.problem;
  return problems.empty() ? std::string() : problems.front();
}

Json VerifyOutcome::to_json() const {
  Json result = {{"valid", ok()},
                 {"source", source},
                 {"entries", chain.total},
                 {"valid_entries", chain.valid},
                 {"first_seq", optional_json(chain.first_seq)},
                 {"head_seq", chain.head_seq},
                 {"head_hash", chain.head_hash},
                 {"runs", chain.runs},
                 {"broken_seq", optional_json(chain.broken_seq)}};
  std::string first = problem();
  result["problem"] = first.empty() ? Json() : Json(first);
  result["problems"] = problems;
  Json cp;
  if (checkpoint) {
    cp = {{"seq", checkpoint->seq},
          {"head_hash", checkpoint->head_hash},
          {"created_at", checkpoint->created_at},
          {"key_id", checkpoint->key_id},
          {"signature", checkpoint_check && checkpoint_check->signature_ok ? "valid" : "invalid"},
          {"checked_with",
           checkpoint_key_name(checkpoint_check ? checkpoint_check->key : CheckpointKey::embedded)},
          {"matched", ok() && chain.anchored_seq >= checkpoint->seq}};
  }
  result["checkpoint"] = cp;
  if (source != "store") {
    result["sha256"] = sha256 ? Json(*sha256) : Json();
    result["manifest"] = manifest ? Json(*manifest) : Json();
  }
  result["notes"] = notes;
  return result;
}

}  // namespace credit::store
