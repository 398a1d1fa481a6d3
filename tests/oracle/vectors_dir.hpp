// Finding ../shared/vectors (the reference data of ml_dtypes and SoftPosit) from a test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace test_vectors {

// Finds <shared>/<subdirectory> for a test: the directories in `first` (compile definitions, environment
// variables), then <repo>/../shared/<subdirectory> and <repo>/shared/<subdirectory> with <repo> from the
// CMake definition LOWP_SOURCE_DIR or from this file's own path: the first that holds `probe` (a path
// relative to the directory). Empty if none does.
inline std::filesystem::path find_shared_dir(const char* subdirectory, const std::filesystem::path& probe,
                                             std::vector<std::filesystem::path> first = {}) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates = std::move(first);
  std::vector<fs::path> roots;
#ifdef LOWP_SOURCE_DIR
  roots.emplace_back(LOWP_SOURCE_DIR);
#endif
  std::error_code ec;
  // This header is <repo>/tests/oracle/vectors_dir.hpp.
  const fs::path here = fs::absolute(fs::path(__FILE__), ec);
  if (!ec) roots.push_back(here.parent_path().parent_path().parent_path());
  for (const fs::path& root : roots) {
    candidates.push_back(root / ".." / "shared" / subdirectory);
    candidates.push_back(root / "shared" / subdirectory);
  }
  for (const fs::path& dir : candidates) {
    if (fs::exists(dir / probe, ec)) return fs::weakly_canonical(dir, ec);
  }
  return {};
}

// ../shared/vectors: the compile definition LOWP_VECTORS_DIR, then the environment variable LOWP_VECTORS_DIR,
// then the places find_shared_dir looks; the first that holds `probe_file`.
inline std::filesystem::path find_vectors_dir(const char* probe_file) {
  std::vector<std::filesystem::path> first;
#ifdef LOWP_VECTORS_DIR
  first.emplace_back(LOWP_VECTORS_DIR);
#endif
  if (const char* env = std::getenv("LOWP_VECTORS_DIR"); env != nullptr && *env != '\0')
    first.emplace_back(env);
  return find_shared_dir("vectors", probe_file, std::move(first));
}

}  // namespace test_vectors
