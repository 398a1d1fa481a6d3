// Finding ../shared/vectors (the reference data of ml_dtypes and SoftPosit) from a test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace test_vectors {

// Where /work/shared/vectors lives relative to the source tree: a compile definition LOWP_VECTORS_DIR,
// then the environment variable LOWP_VECTORS_DIR, then <repo>/../shared/vectors and <repo>/shared/vectors
// with <repo> from the CMake definition LOWP_SOURCE_DIR or from this file's own path: the first that holds
// `probe_file`. Empty if none does.
inline std::filesystem::path find_vectors_dir(const char* probe_file) {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
#ifdef LOWP_VECTORS_DIR
  candidates.emplace_back(LOWP_VECTORS_DIR);
#endif
  if (const char* env = std::getenv("LOWP_VECTORS_DIR"); env != nullptr && *env != '\0')
    candidates.emplace_back(env);
  std::vector<fs::path> roots;
#ifdef LOWP_SOURCE_DIR
  roots.emplace_back(LOWP_SOURCE_DIR);
#endif
  std::error_code ec;
  // This header is <repo>/tests/oracle/vectors_dir.hpp.
  const fs::path here = fs::absolute(fs::path(__FILE__), ec);
  if (!ec) roots.push_back(here.parent_path().parent_path().parent_path());
  for (const fs::path& root : roots) {
    candidates.push_back(root / ".." / "shared" / "vectors");
    candidates.push_back(root / "shared" / "vectors");
  }
  for (const fs::path& dir : candidates) {
    if (fs::exists(dir / probe_file, ec)) return fs::weakly_canonical(dir, ec);
  }
  return {};
}

}  // namespace test_vectors
