#include "store/lock_holder.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "util/json.hpp"

namespace credit::store {

std::string LockHolder::describe() const {
  // The time of day is enough: a holder of more than a day is a matter for an administrator.
  const std::string at = since.size() >= 19 ? since.substr(11, 8) : since;
  return fmt::format("{} by {} (process {}), started {}", what, user.empty() ? "?" : user, pid, at);
}

namespace {
std::string text_of(const LockHolder& h) {
  return Json({{"pid", h.pid}, {"user", h.user}, {"what", h.what}, {"since", h.since}}).dump();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  if (in) text << in.rdbuf();
  return text.str();
}
}  // namespace

void LockHolderFile::claim(const LockHolder& h) {
  const std::string tmp = path_ + ".tmp";
  // No fsync: after a crash the file is stale anyway, and read() ignores stale ones.
  if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
    const std::string text = text_of(h);
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) == 0 && ok) std::rename(tmp.c_str(), path_.c_str());
  }
}

void LockHolderFile::release(const LockHolder& h) {
  // Not atomic: a writer that claims the file between this read and the unlink goes unnamed
  // until its next claim, which costs only a less precise message.
  if (read_text(path_) == text_of(h)) ::unlink(path_.c_str());
}

std::optional<LockHolder> LockHolderFile::read() const {
  const Json j = Json::parse(read_text(path_), nullptr, false);
  if (!j.is_object()) return std::nullopt;
  LockHolder h{j.value("pid", int64_t{0}), j.value("user", ""), j.value("what", ""),
               j.value("since", "")};
  // EPERM: the process exists but belongs to another user.
  if (h.pid <= 0 || (::kill(static_cast<pid_t>(h.pid), 0) != 0 && errno != EPERM))
    return std::nullopt;
  return h;
}

std::string format_wait(std::chrono::milliseconds waited) {
  using namespace std::chrono;
  if (waited < seconds(1)) return fmt::format("{} ms", waited.count());
  const auto s = duration_cast<seconds>(waited).count();
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{}m {}s", s / 60, s % 60);
  return fmt::format("{}h {}m", s / 3600, s / 60 % 60);
}

}  // namespace credit::store

namespace credit::store {

HeldLock::HeldLock(LockHolderFile& file, LockHolder holder)
    : file_(file), holder_(std::move(holder)) {
  file_.claim(holder_);
}

void HeldLock::doing(const std::string& what) {
  holder_.what = what;
  if (held_) file_.claim(holder_);
}

void HeldLock::claim_again() {
  if (held_) file_.claim(holder_);
}

void HeldLock::release() {
  if (std::exchange(held_, false)) file_.release(holder_);
}

}  // namespace credit::store
