// Audit exports, checkpoints and the verifier they share: real stores, real files, real keys.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "io/atomic_file.hpp"
#include "store/audit_chain.hpp"
#include "store/audit_checkpoint.hpp"
#include "store/audit_export.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

using namespace credit;
using credit::test::TestStore;

namespace {

// A chain of n entries built with the library's own hashing; entry 3 has awkward text for CSV.
std::vector<store::AuditEntry> make_chain(int n) {
  std::vector<store::AuditEntry> chain;
  std::string prev = store::kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    store::AuditEntry e;
    e.seq = i;
    e.ts_utc = fmt::format("2026-05-06T02:00:{:02}.000000+00:00", i);
    if (i % 2 == 0) e.ts_sim = "2026-01-01T00:00:00.000000+00:00";
    if (i == 4) e.ts_sim = "";  // an empty string, which CSV must keep apart from none
    e.actor = i % 3 ? "li.na" : "wang.fang";
    e.role = "operator";
    e.dept = "91110000600037341L";
    e.action = i % 2 ? "user.add" : "record.amend";
    e.targets = fmt::format("[\"user:u{}\"]", i);
    e.params = fmt::format("{{\"name\":\"张三\",\"n\":{}}}", i);
    e.outcome = "ok";
    e.reason = i == 3 ? "a \"quoted\", comma\r\nand a line break, 罚款" : "";
    e.prev_hash = prev;
    e.hash = store::compute_entry_hash(e);
    prev = e.hash;
    chain.push_back(e);
  }
  return chain;
}

struct ExportFiles {
  std::string path, manifest;
};

// Writes entries as an export with its manifest, as `credit audit export --out` does.
ExportFiles write_export(const test::TempDir& dir, const std::vector<store::AuditEntry>& entries,
                         store::ExportFormat format, const std::string& name = "export") {
  std::string path = dir.file(name);
  io::AtomicFile file(path);
  store::AuditExportWriter writer(format, [&](std::string_view b) { file.write(b); });
  for (const auto& e : entries)
    writer.add(e);
  writer.finish();
  store::ExportManifest m;
  m.export_file = name;
  m.describe(writer);
  m.sha256 = file.finish();
  m.bytes = file.bytes();
  m.store_id = "teststore";
  m.created_at = "2026-05-06T02:00:00.000000+00:00";
  m.exported_by = "aud";
  file.commit();
  io::AtomicFile mf(store::manifest_path_for(path));
  mf.write(m.to_json().dump(2));
  mf.commit();
  return {path, store::manifest_path_for(path)};
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
void spit(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line + "\n");
  return lines;
}
std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += l;
  return out;
}

store::VerifyOutcome verify(const std::string& path, store::ExportVerifyOptions options = {}) {
  return store::verify_audit_export(path, options);
}

store::Checkpoint signed_checkpoint(const store::AuditEntry& head, const std::string& key) {
  store::Checkpoint cp;
  cp.store_id = "teststore";
  cp.seq = head.seq;
  cp.head_hash = head.hash;
  cp.created_at = "2026-05-06T03:00:00.000000+00:00";
  cp.created_by = "aud";
  store::sign_checkpoint(cp, key);
  return cp;
}

}  // namespace

TEST_CASE("the verifier: runs, anchors and ends") {
  auto chain = make_chain(10);
  SUBCASE("a whole chain, with an anchor met and an end met") {
    store::ChainVerifier v;
    v.expect_entry({5, chain[4].hash, "the checkpoint"});
    v.expect_end({10, chain[9].hash, "the head"});
    for (const auto& e : chain)
      v.add(e);
    const auto& r = v.finish();
    CHECK(r.ok());
    CHECK(r.valid == 10);
    CHECK(r.runs == 1);
    CHECK(r.anchored_seq == 5);
  }
  SUBCASE("an anchor beyond the end: the newest entries are missing") {
    store::ChainVerifier v;
    v.expect_entry({10, chain[9].hash, "the checkpoint"});
    for (int i = 0; i < 7; ++i)
      v.add(chain[i]);
    const auto& r = v.finish();
    REQUIRE(r.broken_seq);
    CHECK(*r.broken_seq == 8);
    CHECK(r.problem.find("the checkpoint") != std::string::npos);
  }
  SUBCASE("an anchor whose entry differs (the chain was recomputed)") {
    auto forged = chain;
    forged[2].actor = "mallory";
    for (size_t i = 2; i < forged.size(); ++i) {
      forged[i].prev_hash = forged[i - 1].hash;
      forged[i].hash = store::compute_entry_hash(forged[i]);
    }
    store::ChainVerifier plain;
    for (const auto& e : forged)
      plain.add(e);
    CHECK(plain.finish().ok());  // internally consistent: only an anchor can tell
    store::ChainVerifier v;
    v.expect_entry({6, chain[5].hash, "the checkpoint"});
    for (const auto& e : forged)
      v.add(e);
    REQUIRE(v.finish().broken_seq);
    CHECK(*v.report().broken_seq == 6);
  }
  SUBCASE("gaps: refused in a whole log, allowed between runs of a filtered export") {
    std::vector<store::AuditEntry> filtered = {chain[1], chain[2], chain[6], chain[7]};
    store::ChainVerifier strict(store::ChainVerifier::Start::first_entry);
    for (const auto& e : filtered)
      strict.add(e);
    REQUIRE(strict.finish().broken_seq);
    CHECK(*strict.report().broken_seq == 4);
    store::ChainVerifier loose(store::ChainVerifier::Start::first_entry,
                               store::ChainVerifier::Gaps::allow);
    for (const auto& e : filtered)
      loose.add(e);
    CHECK(loose.finish().ok());
    CHECK(loose.report().runs == 2);
    // Links are still checked inside a run.
    filtered[3].prev_hash = chain[0].hash;
    filtered[3].hash = store::compute_entry_hash(filtered[3]);
    store::ChainVerifier linked(store::ChainVerifier::Start::first_entry,
                                store::ChainVerifier::Gaps::allow);
    for (const auto& e : filtered)
      linked.add(e);
    REQUIRE(linked.finish().broken_seq);
    CHECK(*linked.report().broken_seq == 8);
  }
  SUBCASE("an anchor that falls into a gap is reported missing") {
    store::ChainVerifier v(store::ChainVerifier::Start::first_entry,
                           store::ChainVerifier::Gaps::allow);
    v.expect_entry({5, chain[4].hash, "the checkpoint"});
    for (int i : {0, 1, 7, 8})
      v.add(chain[i]);
    REQUIRE(v.finish().broken_seq);
    CHECK(*v.report().broken_seq == 5);
  }
  SUBCASE("the first entry must link to the genesis hash") {
    auto bad = chain;
    bad[0].prev_hash = std::string(64, '1');
    bad[0].hash = store::compute_entry_hash(bad[0]);
    store::ChainVerifier v(store::ChainVerifier::Start::first_entry);
    v.add(bad[0]);
    CHECK(v.finish().broken_seq == 1);
  }
}

TEST_CASE("Ed25519: sign, verify, wrong key, edited checkpoint") {
  auto key = crypto::ed25519_generate();
  auto other = crypto::ed25519_generate();
  CHECK(crypto::ed25519_public_pem(key.private_pem) == key.public_pem);
  CHECK(key.public_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  std::string sig = crypto::ed25519_sign(key.private_pem, "message");
  CHECK(sig.size() == 64);
  CHECK(crypto::ed25519_verify(key.public_pem, "message", sig));
  CHECK_FALSE(crypto::ed25519_verify(key.public_pem, "messagE", sig));
  CHECK_FALSE(crypto::ed25519_verify(other.public_pem, "message", sig));
  CHECK_THROWS_AS(crypto::ed25519_verify("not a key", "m", sig), Error);

  auto chain = make_chain(3);
  auto cp = signed_checkpoint(chain[2], key.private_pem);
  auto round = store::Checkpoint::parse(cp.to_json().dump(2), "cp.json");
  CHECK(store::check_checkpoint_signature(round, key.public_pem).signature_ok);
  CHECK(store::check_checkpoint_signature(round, std::nullopt).signature_ok);
  auto wrong = store::check_checkpoint_signature(round, other.public_pem);
  CHECK_FALSE(wrong.signature_ok);
  CHECK(wrong.problem.find("not with the given key") != std::string::npos);

  SUBCASE("an edited sequence number") {
    round.seq = 2;
    CHECK_FALSE(store::check_checkpoint_signature(round, key.public_pem).signature_ok);
  }
  SUBCASE("a forged checkpoint signed by another key, carrying that key") {
    auto forged = signed_checkpoint(chain[1], other.private_pem);
    CHECK(store::check_checkpoint_signature(forged, std::nullopt).signature_ok);  // self-consistent
    CHECK_FALSE(store::check_checkpoint_signature(forged, key.public_pem).signature_ok);
  }
  SUBCASE("a swapped embedded key") {
    round.public_key = other.public_pem;
    CHECK_FALSE(store::check_checkpoint_signature(round, std::nullopt).signature_ok);
  }
  SUBCASE("malformed documents are bad input") {
    CHECK_THROWS_AS(store::Checkpoint::parse("{", "cp.json"), Error);
    Json doc = cp.to_json();
    doc.erase("head_hash");
    CHECK_THROWS_AS(store::Checkpoint::from_json(doc, "cp.json"), Error);
  }
}

TEST_CASE("exports in every format verify, and tampering is located") {
  test::TempDir dir;
  auto chain = make_chain(8);
  for (auto format :
       {store::ExportFormat::ndjson, store::ExportFormat::json, store::ExportFormat::csv}) {
    INFO("format " << store::export_format_name(format));
    auto files = write_export(dir, chain, format,
                              std::string("e.") + std::string(store::export_format_name(format)));
    auto ok = verify(files.path);
    CHECK(ok.ok());
    CHECK(ok.chain.valid == 8);
    CHECK(ok.chain.total == 8);
    REQUIRE(ok.sha256);
    CHECK(*ok.sha256 == crypto::sha256_hex(slurp(files.path)));

    // Without its manifest the export still verifies, with a note.
    std::string moved = files.manifest + ".away";
    std::filesystem::rename(files.manifest, moved);
    auto bare = verify(files.path);
    CHECK(bare.ok());
    CHECK(bare.notes.size() == 1);
    std::filesystem::rename(moved, files.manifest);

    // One changed character in entry 5's actor.
    std::string text = slurp(files.path);
    std::string edited = text;
    size_t at = 0;
    for (int n = 0; n < 4; ++n)
      at = edited.find("li.na", at + 1);
    REQUIRE(at != std::string::npos);
    edited[at] = 'L';
    spit(files.path, edited);
    auto tampered = verify(files.path);
    CHECK_FALSE(tampered.ok());
    REQUIRE(tampered.chain.broken_seq);
    CHECK(*tampered.chain.broken_seq == 5);
    spit(files.path, text);
  }
}

TEST_CASE("NDJSON export: deleted, swapped and truncated lines; a changed manifest") {
  test::TempDir dir;
  auto chain = make_chain(8);
  auto files = write_export(dir, chain, store::ExportFormat::ndjson);
  auto lines = lines_of(slurp(files.path));
  REQUIRE(lines.size() == 8);
  auto with = [&](std::vector<std::string> changed) {
    spit(files.path, join(changed));
    return verify(files.path);
  };
  SUBCASE("a deleted line") {
    auto l = lines;
    l.erase(l.begin() + 3);
    auto r = with(l);
    CHECK(r.chain.broken_seq == 4);
  }
  SUBCASE("two lines swapped") {
    auto l = lines;
    std::swap(l[2], l[5]);
    auto r = with(l);
    CHECK(r.chain.broken_seq == 3);
  }
  SUBCASE("the tail cut off: the manifest says where it ended") {
    auto l = lines;
    l.resize(6);
    auto r = with(l);
    CHECK_FALSE(r.ok());
    CHECK(r.chain.broken_seq == 7);
  }
  SUBCASE("the tail cut off and the manifest rewritten to match: a checkpoint finds it") {
    auto l = lines;
    l.resize(6);
    std::string cut = join(l);
    spit(files.path, cut);
    Json m = Json::parse(slurp(files.manifest));
    m["entries"] = 6;
    m["last_seq"] = 6;
    m["head_hash"] = chain[5].hash;
    m["sha256"] = crypto::sha256_hex(cut);
    m["bytes"] = cut.size();
    spit(files.manifest, m.dump());
    CHECK(verify(files.path).ok());
    auto key = crypto::ed25519_generate();
    store::ExportVerifyOptions options;
    options.checkpoint = signed_checkpoint(chain[7], key.private_pem);
    options.trusted_key_pem = key.public_pem;
    auto r = verify(files.path, options);
    CHECK_FALSE(r.ok());
    CHECK(r.chain.broken_seq == 7);
    CHECK(r.problem().find("checkpoint") != std::string::npos);
  }
  SUBCASE("a changed digest in the manifest") {
    Json m = Json::parse(slurp(files.manifest));
    m["sha256"] = std::string(64, 'a');
    spit(files.manifest, m.dump());
    auto r = verify(files.path);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.chain.broken_seq);  // every entry is fine; the file is not the one exported
    CHECK(r.problem().find("SHA-256") != std::string::npos);
  }
  SUBCASE("a garbled line and an extra field") {
    auto l = lines;
    l[4] = "{\"seq\": 5, \n";
    CHECK(with(l).chain.broken_seq == 5);
    l = lines;
    Json row = Json::parse(l[4]);
    row["note"] = "x";
    l[4] = row.dump() + "\n";
    CHECK(with(l).chain.broken_seq == 5);
  }
  SUBCASE("a checkpoint of an entry inside the export, a wrong key, a forged checkpoint") {
    auto key = crypto::ed25519_generate();
    auto other = crypto::ed25519_generate();
    store::ExportVerifyOptions options;
    options.checkpoint = signed_checkpoint(chain[4], key.private_pem);
    options.trusted_key_pem = key.public_pem;
    auto r = verify(files.path, options);
    CHECK(r.ok());
    CHECK(r.to_json()["checkpoint"]["matched"] == true);
    options.trusted_key_pem = other.public_pem;
    r = verify(files.path, options);
    CHECK_FALSE(r.ok());
    CHECK(r.to_json()["checkpoint"]["signature"] == "invalid");
    auto forged = signed_checkpoint(chain[4], key.private_pem);
    forged.head_hash = chain[3].hash;  // edited after signing
    options.checkpoint = forged;
    options.trusted_key_pem = key.public_pem;
    CHECK_FALSE(verify(files.path, options).ok());
  }
}

TEST_CASE("a filtered export verifies by runs, and its manifest says so") {
  test::TempDir dir;
  auto chain = make_chain(9);
  std::vector<store::AuditEntry> picked;
  for (const auto& e : chain)
    if (e.actor == "li.na") picked.push_back(e);
  auto files = write_export(dir, picked, store::ExportFormat::ndjson);
  CHECK(Json::parse(slurp(files.manifest))["contiguous"] == false);
  auto r = verify(files.path);
  CHECK(r.ok());
  CHECK(r.chain.runs == 3);
  // A line removed from the middle leaves runs that still link: the count and digest catch it.
  auto lines = lines_of(slurp(files.path));
  lines.erase(lines.begin() + 2);
  spit(files.path, join(lines));
  CHECK_FALSE(verify(files.path).ok());
  // Without the manifest, gaps are refused unless --gaps says the export is filtered.
  std::filesystem::remove(files.manifest);
  CHECK_FALSE(verify(files.path).ok());
  store::ExportVerifyOptions options;
  options.allow_gaps = true;
  CHECK(verify(files.path, options).ok());
}

TEST_CASE("CSV keeps quotes, commas, line breaks and an empty ts_sim apart from none") {
  test::TempDir dir;
  auto chain = make_chain(5);
  auto files = write_export(dir, chain, store::ExportFormat::csv);
  std::string text = slurp(files.path);
  CHECK(text.rfind("seq,ts_utc,ts_sim,actor,", 0) == 0);
  CHECK(text.find("\"a \"\"quoted\"\", comma\r\nand a line break, 罚款\"") != std::string::npos);
  CHECK(verify(files.path).ok());
  // Turning the quoted empty ts_sim of entry 4 into an unquoted one changes the entry.
  auto at = text.find(",\"\",");
  REQUIRE(at != std::string::npos);
  text.replace(at, 4, ",,");
  spit(files.path, text);
  std::filesystem::remove(files.manifest);
  CHECK(verify(files.path).chain.broken_seq == 4);
}

TEST_CASE("an empty export and unreadable files") {
  test::TempDir dir;
  auto files = write_export(dir, {}, store::ExportFormat::json);
  auto r = verify(files.path);
  CHECK(r.ok());
  CHECK(r.chain.total == 0);
  CHECK_THROWS_AS(verify(dir.file("missing.ndjson")), Error);
  spit(files.manifest, "{\"format\": \"something else\"}");
  CHECK_THROWS_AS(verify(files.path), Error);
  spit(dir.file("top.json"), "{\"seq\": 1}");
  CHECK_FALSE(verify(dir.file("top.json")).ok());
}

// ---- through the service, on a real store -----------------------------------------------------

namespace {
struct AuditFixture {
  TestStore ts;
  std::string auditor = ts.add_user("aud", "auditor");
  Json rows(Json params) {
    Json out = Json::array();
    service::Call call{"audit.export", std::move(params), auditor, {}, {}};
    call.rows = [&](const Json& row) { out.push_back(row); };
    ts.service().call(call);
    return out;
  }
  std::vector<int64_t> seqs(Json params) {
    std::vector<int64_t> out;
    for (const auto& row : rows(std::move(params)))
      out.push_back(row["seq"].get<int64_t>());
    return out;
  }
  Json last_entry() {
    auto stmt = ts.store->db().prepare(
        "SELECT action, outcome, params FROM audit_log ORDER BY seq DESC LIMIT 1");
    stmt.step();
    return {{"action", stmt.column_text(0)},
            {"outcome", stmt.column_text(1)},
            {"params", Json::parse(stmt.column_text(2))}};
  }
};
}  // namespace

TEST_CASE("audit.export streams entries as stored, filtered, and is audited first") {
  AuditFixture f;                    // entries: 1 store.init, 2 user.add aud
  f.ts.add_user("li.na", "viewer");  // 3
  f.ts.call("user.disable", {{"name", "li.na"}}, f.ts.admin_token);  // 4
  f.ts.add_user("wang", "viewer");                                   // 5

  auto all = f.rows(Json::object());
  REQUIRE(all.size() == 6);  // the export's own entry (6) is committed before the rows are read
  CHECK(all[5]["action"] == "audit.export");
  auto stored = store::audit_entry_from_json(all[2]);
  CHECK(store::compute_entry_hash(stored) == stored.hash);

  CHECK(f.seqs({{"actor", "aud"}}) == std::vector<int64_t>{6, 7});
  CHECK(f.seqs({{"action", "user.add"}}) == std::vector<int64_t>{2, 3, 5});
  CHECK(f.seqs({{"action", "user.*"}}) == std::vector<int64_t>{2, 3, 4, 5});
  CHECK(f.seqs({{"target", "user:li.na"}}) == std::vector<int64_t>{3, 4});
  CHECK(f.seqs({{"target", "user:li"}}).empty());  // exact unless it ends in '*'
  CHECK(f.seqs({{"target", "user:li*"}}) == std::vector<int64_t>{3, 4});

  // The entry of the last export names its filters.
  auto entry = f.last_entry();
  CHECK(entry["action"] == "audit.export");
  CHECK(entry["params"]["filters"]["target"] == "user:li*");

  // Time bounds: everything so far happened "now"; a bound in the future or past selects
  // nothing or everything.
  auto now =
      std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  std::string later = format_utc(now + std::chrono::hours(1));
  std::string earlier = format_utc(now - std::chrono::hours(1));
  CHECK(f.seqs({{"since", later}}).empty());
  CHECK(f.seqs({{"until", earlier}}).empty());
  CHECK(f.seqs({{"since", earlier}, {"until", later}}).size() == 15);  // 5 + 10 exports

  SUBCASE("bad filters are refused before the export is recorded as ok") {
    int64_t before = store::read_audit_head(f.ts.store->db())->first;
    CHECK_THROWS_AS(f.rows({{"since", "yesterday"}}), Error);
    CHECK_THROWS_AS(f.rows({{"since", later}, {"until", earlier}}), Error);
    auto stmt =
        f.ts.store->db().prepare("SELECT count(*) FROM audit_log WHERE seq > ? AND outcome = 'ok'");
    stmt.bind(1, before);
    stmt.step();
    CHECK(stmt.column_int64(0) == 0);
    CHECK(f.last_entry()["outcome"] == "failed");
  }
}

TEST_CASE("--until DATE includes the whole China day") {
  AuditFixture f;
  // Everything was written today (real time); the day's China date includes it.
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() +
                                                     std::chrono::hours(8));
  std::string date = format_utc(today).substr(0, 10);
  CHECK(f.seqs({{"since", date}, {"until", date}}).size() == 3);
}

TEST_CASE("checkpoints on a store: signed, recorded, and catching truncation") {
  AuditFixture f;
  for (int i = 0; i < 4; ++i)
    f.ts.add_user("v" + std::to_string(i), "viewer");            // entries 3..6
  Json key = f.ts.call("audit.key", Json::object(), f.auditor);  // 7 (creates the key)
  CHECK(key["created"] == true);
  CHECK(f.ts.call("audit.key", Json::object(), f.auditor)["key_id"] == key["key_id"]);  // 8
  Json r = f.ts.call("audit.checkpoint", Json::object(), f.auditor);                    // 9
  auto cp = store::Checkpoint::from_json(r["checkpoint"], "cp");
  CHECK(cp.seq == 8);
  CHECK(store::check_checkpoint_signature(cp, key["public_key"].get<std::string>()).signature_ok);
  f.ts.add_user("after", "viewer");  // 10

  Json params = {{"checkpoint", cp.to_json()}, {"public_key", key["public_key"]}};
  Json ok = f.ts.call("audit.verify", params, f.auditor);  // 11
  CHECK(ok["valid"] == true);
  CHECK(ok["checkpoint"]["matched"] == true);

  // Removes the entries after `keep` and rewrites the recorded head to match.
  auto truncate_after = [&](int keep) {
    auto& db = f.ts.store->db();
    db.exec(fmt::format("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > {};",
                        keep));
    auto head = db.prepare("SELECT hash FROM audit_log WHERE seq = ?");
    head.bind(1, keep).step();
    db.exec(fmt::format("UPDATE settings SET value = '{} {}' WHERE key = 'audit.head'", keep,
                        head.column_text(0)));
  };
  SUBCASE("the newest entries removed and the recorded head rewritten") {
    auto& db = f.ts.store->db();
    truncate_after(6);
    CHECK(store::verify_audit_log(db).ok());  // the chain alone cannot tell
    db.exec("DROP TRIGGER audit_checkpoints_no_delete; DELETE FROM audit_checkpoints;");
    Json bad = f.ts.call("audit.verify", params, f.auditor);
    CHECK(bad["valid"] == false);
    CHECK(bad["broken_seq"] == 7);
  }
  SUBCASE("the store's recorded checkpoints are checked without being given") {
    truncate_after(6);
    Json bad = f.ts.call("audit.verify", Json::object(), f.auditor);
    CHECK(bad["valid"] == false);
    CHECK(bad["broken_seq"] == 7);
  }
  SUBCASE("a checkpoint of another store, or signed by another key") {
    auto other = crypto::ed25519_generate();
    auto forged = cp;
    store::sign_checkpoint(forged, other.private_pem);
    Json bad = f.ts.call("audit.verify", {{"checkpoint", forged.to_json()}}, f.auditor);
    CHECK(bad["valid"] == false);  // checked with the store's key
    CHECK(bad["broken_seq"].is_null());
    auto elsewhere = cp;
    elsewhere.store_id = "another";
    bad = f.ts.call("audit.verify", {{"checkpoint", elsewhere.to_json()}}, f.auditor);
    CHECK(bad["valid"] == false);
  }
  SUBCASE("no checkpoint is signed over a broken log") {
    f.ts.store->db().exec(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'x' WHERE seq = 10");
    CHECK_THROWS_AS(f.ts.call("audit.checkpoint", Json::object(), f.auditor), Error);
    try {
      f.ts.call("audit.checkpoint", Json::object(), f.auditor);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::integrity);
      CHECK(std::string(e.what()).find("entry 10") != std::string::npos);
    }
  }
}

TEST_CASE("an audit reason that is not UTF-8 is stored repaired, so exports can carry it") {
  AuditFixture f;
  CHECK_THROWS(f.ts.call("user.disable", {{"name", std::string("bad\xff")}}, f.ts.admin_token));
  auto rows = f.rows({{"action", "user.disable"}});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["outcome"] == "failed");
  CHECK(rows[0]["reason"].get<std::string>().find("bad\xef\xbf\xbd") != std::string::npos);
  CHECK(rows[0]["params"].get<std::string>().find("bad\xef\xbf\xbd") != std::string::npos);
}
