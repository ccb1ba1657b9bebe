// Temporaries of exports and releases: a concurrent writer's cleanup never takes another live
// writer's new temporary for abandoned (two `publish` runs into one directory once did).
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "io/abandoned_temps.hpp"
#include "io/atomic_file.hpp"
#include "io/release_dir.hpp"
#include "support.hpp"
#include "util/error.hpp"

namespace credit {
namespace {

// Writers in threads of one process contend like processes: each AtomicFile and ReleaseDir opens
// its own descriptions, and flock locks belong to those.
template <class Write>
int failures_of_writers_side_by_side(Write write) {
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 6; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < 150; ++i)
        try {
          write(w, i);
        } catch (const std::exception&) {
          ++failures;
        }
    });
  for (auto& t : writers)
    t.join();
  return failures.load();
}

TEST_CASE("temporaries: writers side by side in one directory never remove each other's") {
  test::TempDir dir;
  CHECK(failures_of_writers_side_by_side([&](int w, int i) {
          io::AtomicFile file(dir.file("export-" + std::to_string(w) + ".csv"));
          file.write("line " + std::to_string(i) + "\n");
          file.finish();
          file.commit();
        }) == 0);
  CHECK(failures_of_writers_side_by_side([&](int w, int i) {
          io::ReleaseDir release(dir.path().string());
          release.write_file("part.ndjson", "{\"w\":" + std::to_string(w) + "}\n");
          release.finish();
          release.commit("release-" + std::to_string(w) + "-" + std::to_string(i), "part.ndjson");
        }) == 0);
}

TEST_CASE("temporaries: an abandoned one is removed, a held one is not") {
  test::TempDir dir;
  const std::string abandoned = dir.file("x.csv.tmp-ABCDEF");
  std::ofstream(abandoned) << "left by a killed run";
  {
    io::AtomicFile held(dir.file("y.csv"));  // its temporary is held while it lives
    io::AtomicFile next(dir.file("x.csv"));  // cleans up x.csv's abandoned temporary
    CHECK_FALSE(std::filesystem::exists(abandoned));
    int held_temporaries = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
      held_temporaries += entry.path().filename().string().rfind("y.csv.tmp-", 0) == 0;
    CHECK(held_temporaries == 1);
  }
}

}  // namespace
}  // namespace credit
