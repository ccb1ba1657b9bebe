#include "cli/publish_delivery.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "io/release_dir.hpp"
#include "net/remote.hpp"
#include "util/error.hpp"

namespace credit::cli {

namespace {

constexpr const char* kManifestFile = "manifest.json";

// The release as the service sent it, written to a private directory and checked against the
// digests the service computed.
struct Received {
  Json prepared;  // publish.prepare's result
  int64_t sequence = 0;
  std::string manifest_sha256;
};

void check_digests(const Json& expected,
                   const std::map<std::string, io::ReleaseDir::Written>& got) {
  for (const auto& f : expected) {
    const std::string name = f["name"].get<std::string>();
    auto it = got.find(name);
    if (it == got.end() || it->second.sha256 != f["sha256"].get<std::string>() ||
        it->second.lines != f["lines"].get<int64_t>())
      fail(ErrorCode::integrity,
           fmt::format("{} of the release did not arrive as the store rendered it", name),
           "nothing was delivered; retry, and check the connection to the store");
  }
}

std::optional<Received> receive(Context& ctx, io::ReleaseDir& dir, bool full) {
  Json prepared = ctx.call("publish.prepare", {{"full", full}}, {}, [&dir](const Json& row) {
    dir.append_line(row.at("file").get<std::string>(), row.at("line").get<std::string>());
  });
  for (const auto& w : prepared.value("warnings", Json::array()))
    ctx.out().warn(w.get<std::string>());
  if (prepared["sequence"].is_null()) return std::nullopt;
  for (const auto& f : prepared["files"])
    dir.touch(f["name"].get<std::string>());
  dir.write_file(kManifestFile, prepared["manifest"].get<std::string>());
  auto written = dir.finish();
  check_digests(prepared["files"], written);
  return Received{prepared, prepared["sequence"].get<int64_t>(), written[kManifestFile].sha256};
}

// The portal's answer acknowledges the release when it is 2xx and, if it names a sequence, names
// this one.
void require_acknowledgement(const net::PostOutcome& p, const std::string& url, int64_t sequence) {
  const std::string pending = fmt::format(
      "release {} stays pending: the next `credit publish` sends it again under the "
      "same Idempotency-Key",
      sequence);
  if (!p.accepted) {
    std::string body = p.body.substr(0, p.body.find('\n')).substr(0, 200);
    throw Error(ErrorCode::delivery_failed,
                fmt::format("the portal {} did not accept release {} ({} attempt{}): {}{}", url,
                            sequence, p.attempts, p.attempts == 1 ? "" : "s", p.error,
                            body.empty() ? "" : ": " + body),
                pending);
  }
  Json answer = Json::parse(p.body, nullptr, false);
  if (answer.is_object() && answer.contains("sequence")) {
    const Json& named = answer["sequence"];
    const bool same = (named.is_number_integer() && named.get<int64_t>() == sequence) ||
                      (named.is_string() && named.get<std::string>() == std::to_string(sequence));
    if (!same)
      throw Error(ErrorCode::delivery_failed,
                  fmt::format("the portal {} acknowledged release {} when sent release {}", url,
                              named.dump(), sequence),
                  pending);
  }
}

std::string post_release(Context& ctx, const PublishOptions& o, io::ReleaseDir& dir,
                         const Received& r) {
  net::PostRequest request;
  request.url = o.url;
  request.cacert = o.portal_cacert;
  request.headers = {fmt::format("Idempotency-Key: {}", r.sequence),
                     fmt::format("X-Credit-Release: {}", r.sequence),
                     fmt::format("X-Credit-Manifest-SHA256: {}", r.manifest_sha256)};
  request.parts.push_back(
      {"manifest", kManifestFile, dir.temp_path(kManifestFile), "application/json"});
  for (const auto& f : r.prepared["files"]) {
    const std::string name = f["name"].get<std::string>();
    request.parts.push_back(
        {name.substr(0, name.find('.')), name, dir.temp_path(name), "application/x-ndjson"});
  }
  request.max_attempts = o.attempts;
  request.timeout_ms = static_cast<long>(o.timeout_seconds * 1000);
  request.connect_timeout_ms = std::min<long>(request.timeout_ms, 15'000);
  request.retry_delay_ms = static_cast<long>(o.retry_delay_seconds * 1000);
  net::PostOutcome outcome = net::post_files(request);
  if (!outcome.log.empty()) ctx.out().info(outcome.log);
  require_acknowledgement(outcome, o.url, r.sequence);
  return outcome.body.substr(0, 4096);
}

// One release: received, delivered, confirmed. nullopt when nothing is due.
std::optional<Json> deliver_one(Context& ctx, const PublishOptions& o) {
  const std::string parent =
      o.out_dir.empty() ? std::filesystem::temp_directory_path().string() : o.out_dir;
  io::ReleaseDir dir(parent);
  auto received = receive(ctx, dir, o.full);
  if (!received) return std::nullopt;
  const Json& p = received->prepared;
  Json confirm = {{"sequence", received->sequence}};
  if (o.out_dir.empty()) {
    confirm["delivered_to"] = o.url;
    confirm["response"] = post_release(ctx, o, dir, *received);
  } else {
    dir.commit(p["directory"].get<std::string>(), kManifestFile);
    confirm["delivered_to"] = o.out_dir + "/" + p["directory"].get<std::string>();
  }
  Json done = ctx.call("publish.confirm", confirm);
  done["resend"] = p["resend"];
  done["type"] = p["type"];
  done["delivered_to"] = confirm["delivered_to"];
  return done;
}

Json combine(const Json& releases) {
  Json total = {
      {"sequence", nullptr}, {"published", 0}, {"withdrawn", 0}, {"new", 0},
      {"amended", 0},        {"unchanged", 0}, {"late", 0},      {"late_records", Json::array()}};
  for (const auto& r : releases) {
    total["sequence"] = r["sequence"];
    for (const char* key : {"published", "withdrawn", "new", "amended", "unchanged", "late"})
      total[key] = total[key].get<int64_t>() + r.value(key, int64_t{0});
    for (const auto& l : r.value("late_records", Json::array()))
      total["late_records"].push_back(l);
  }
  total["dry_run"] = false;
  total["releases"] = releases;
  return total;
}

}  // namespace

Json run_publication(Context& ctx, const PublishOptions& o) {
  if (o.dry_run) return ctx.call("publish.plan", {{"full", o.full}});
  if (o.out_dir.empty() == o.url.empty())
    fail(ErrorCode::usage, "give either --out DIR or --to URL",
         "--out writes the release into a directory, --to sends it to the portal; --dry-run "
         "shows what would be published");
  if (!o.out_dir.empty() && !std::filesystem::is_directory(o.out_dir))
    fail(ErrorCode::bad_input, fmt::format("--out '{}' is not a directory", o.out_dir),
         "create it first: releases are written as DIR/release-NNNNNN");
  if (!o.url.empty() && o.url.rfind("https://", 0) != 0)
    fail(ErrorCode::usage, fmt::format("--to '{}': the portal is reached over HTTPS only", o.url));
  Json releases = Json::array();
  // A pending release goes first, under its own number; then the next one is cut.
  while (auto done = deliver_one(ctx, o)) {
    const bool resent = done->value("resend", false);
    releases.push_back(std::move(*done));
    if (!resent || releases.size() >= 2) break;
  }
  return combine(releases);
}

}  // namespace credit::cli
