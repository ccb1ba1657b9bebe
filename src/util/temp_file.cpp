#include "util/temp_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"

namespace credit {

int open_unlinked_temp_file(const std::string& purpose) {
  const char* dir = std::getenv("TMPDIR");
  std::string base = dir && *dir ? dir : "/tmp";
  int fd = ::open(base.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string path = base + "/credit-temp.XXXXXX";  // file systems without O_TMPFILE
  fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0)
    fail(ErrorCode::internal,
         fmt::format("cannot create a temporary file in {}: {}", base, std::strerror(errno)),
         fmt::format("set TMPDIR to a writable directory for {}", purpose));
  ::unlink(path.c_str());
  return fd;
}

}  // namespace credit
