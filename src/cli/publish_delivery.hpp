#pragma once
// The client's half of `credit publish`: takes the release the service cuts (or the pending one),
// writes its files, delivers them — a directory renamed into place, or a POST to the portal — and
// confirms the delivery, after which the records count as published. It only talks to the service
// through Context::call, so it works the same on a local and on a remote store.
#include <string>

#include "cli/context.hpp"

namespace credit::cli {

struct PublishOptions {
  std::string out_dir;  // --out DIR
  std::string url;      // --to URL
  std::string portal_cacert;
  bool full = false, dry_run = false;
  int attempts = 5;
  double timeout_seconds = 60, retry_delay_seconds = 2;
};

// Re-sends a pending release first, then cuts and delivers the next one. Returns the combined
// result (sequence, published, withdrawn, …, releases: one entry per release delivered). Throws
// Error(delivery_failed) when the portal did not acknowledge: the release stays pending.
Json run_publication(Context& ctx, const PublishOptions& options);

}  // namespace credit::cli
