#pragma once
// POSTing files with retries (plugin_abi.h, post_files).
#include "net/plugin_abi.h"

namespace credit::net {

// Never throws: every outcome is in *result.
void post_files(const credit_post_request* request, credit_post_result* result);

}  // namespace credit::net
