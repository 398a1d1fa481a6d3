// Reading ../shared/hardware: real tensor-core outputs of V100, A100, Ada, H100 and B200 (Khattak & Mikaitis'
// model_validation data; format in that folder's README.md). One configuration = one GPU, one input type,
// one output type; every case is a row of A, a column of B (fp32 bit patterns holding values of the input
// type), C (fp32) and D (fp32; fp16 outputs widened exactly).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "vectors_dir.hpp"

namespace mma_hardware {

// <repo>/../shared/hardware (or LOWP_HARDWARE_DIR from the environment), found like ../shared/vectors;
// empty when absent.
inline std::filesystem::path find_dir() {
  std::vector<std::filesystem::path> first;
  if (const char* env = std::getenv("LOWP_HARDWARE_DIR"); env != nullptr && *env != '\0')
    first.emplace_back(env);
  return test_vectors::find_shared_dir("hardware", std::filesystem::path("V100") / "fp16" / "a_V100_fp16.txt",
                                       std::move(first));
}

struct config {
  std::string gpu;   // V100, A100, Ada, H100, B200
  std::string type;  // fp16, bf16, tf32, E4M3, E5M2
  bool fp16_out;     // d_<gpu>_fp16.txt rather than d_<gpu>_fp32.txt
  std::string label() const { return gpu + " " + type + " -> " + (fp16_out ? "fp16" : "fp32"); }
};

// Every configuration the data holds (GPU x type x output file present).
inline std::vector<config> configurations(const std::filesystem::path& dir) {
  std::vector<config> out;
  for (const char* gpu : {"V100", "A100", "Ada", "H100", "B200"})
    for (const char* type : {"fp16", "bf16", "tf32", "E4M3", "E5M2"})
      for (bool f16 : {false, true}) {
        const auto file = dir / gpu / type / (std::string("d_") + gpu + (f16 ? "_fp16.txt" : "_fp32.txt"));
        if (std::filesystem::exists(file)) out.push_back({gpu, type, f16});
      }
  return out;
}

struct cases {
  std::vector<std::vector<std::uint32_t>> a, b;  // fp32 bit patterns, K per case
  std::vector<std::uint32_t> c, d;               // fp32 bit patterns
  std::size_t size() const { return d.size(); }
};

inline std::vector<std::vector<std::uint32_t>> read_hex_rows(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<std::vector<std::uint32_t>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::vector<std::uint32_t> row;
    std::string tok;
    while (ls >> tok) row.push_back(std::uint32_t(std::stoul(tok, nullptr, 16)));
    if (!row.empty()) rows.push_back(std::move(row));
  }
  return rows;
}

inline std::vector<std::uint32_t> read_binary_words(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<std::uint32_t> out;
  std::string tok;
  while (in >> tok) {
    if (tok.size() != 32) throw std::runtime_error("bad 32-bit binary word in " + file.string());
    out.push_back(std::uint32_t(std::stoul(tok, nullptr, 2)));
  }
  return out;
}

inline cases load(const std::filesystem::path& dir, const config& cfg) {
  const auto base = dir / cfg.gpu / cfg.type;
  cases r;
  r.a = read_hex_rows(base / ("a_" + cfg.gpu + "_" + cfg.type + ".txt"));
  r.b = read_hex_rows(base / ("b_" + cfg.gpu + "_" + cfg.type + ".txt"));
  r.c = read_binary_words(base / ("c_" + cfg.gpu + "_fp32.txt"));
  r.d = read_binary_words(base / ("d_" + cfg.gpu + (cfg.fp16_out ? "_fp16.txt" : "_fp32.txt")));
  if (r.a.size() != r.d.size() || r.b.size() != r.d.size() || r.c.size() != r.d.size())
    throw std::runtime_error("hardware data of " + cfg.label() + ": files of different lengths");
  return r;
}

// The two configurations no model explains (MMA.md §9.3): their mismatches are counted and printed only.
inline bool unexplained(const config& cfg) {
  return cfg.fp16_out && (cfg.type == "E4M3" || cfg.type == "E5M2") &&
         (cfg.gpu == "H100" || cfg.gpu == "B200");
}

// H100 fp8 runs were computed with C = 0 whatever c_*.txt says (README of the data, MMA.md §9.2).
inline bool c_forced_zero(const config& cfg) {
  return cfg.gpu == "H100" && (cfg.type == "E4M3" || cfg.type == "E5M2");
}

}  // namespace mma_hardware
