// The hand-made vectors of ../shared/MMA.md section 11, as that table states them, with a parser for its
// "index:hex" notation. Each vector separates one unit from plain fp32 accumulation or from a neighbouring
// unit; the tests run every vector that names a unit lowp has through both the reference
// (mma_reference.hpp) and the library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mma_vectors {

struct vector_case {
  int number;         // row number in MMA.md §11
  const char* model;  // MMA.md's model name (nv_<arch>_<instr>_<A>_<D>, amd_..., km_...)
  int K;              // products
  const char* a;      // nonzero entries "k:hex" or "k0..k1:hex"; unlisted entries are 0
  const char* b;
  const char* c;         // hex of C (fp32, fp16 or fp64 bits as the output)
  const char* scales;    // "sa=[..] sb=[..]" for block-scaled units, else ""
  const char* expected;  // hex of D
};

// Copied from the table of MMA.md §11 (columns: #, model, K, A, B, C, scales, expected D).
inline const std::vector<vector_case>& all() {
  static const std::vector<vector_case> table = {
      {1, "nv_volta_mma_f16_f32", 4, "0:3c00 1..3:0c00", "0:3c00 1..3:0c00", "00000000", "", "3f800000"},
      {2, "nv_volta_mma_f16_f32", 4, "0:3c00", "0:3c00", "3f800003", "", "40000001"},
      {3, "nv_volta_mma_f16_f32", 4, "0:bc00", "0:3c00", "bf800003", "", "c0000001"},
      {4, "nv_volta_mma_f16_f16", 4, "0:3c00 1:1000 2:0c00", "0..1:3c00 2:0c00", "0000", "", "3c00"},
      {5, "nv_ampere_mma_f16_f32", 8, "0:3c00 1..3:0c00", "0:3c00 1..3:0c00", "00000000", "", "3f800001"},
      {6, "nv_ampere_mma_f16_f32", 8, "0:3c00 1..4:0c00", "0:3c00 1..4:0800", "00000000", "", "3f800000"},
      {7, "nv_ampere_mma_f16_f32", 16, "0..7:0c00 8:3c00", "0..7:0800 8:3c00", "00000000", "", "3f800002"},
      {8, "nv_ampere_mma_bf16_f32", 8, "0:3f80 1..4:3300", "0..4:3f80", "00000000", "", "3f800000"},
      {9, "nv_ampere_mma_bf16_f32", 8, "1:3a81", "0:7f00 1:3a81", "00000000", "", "35800000"},
      {10, "nv_ampere_mma_tf32_f32", 4, "0:3f801000", "0:3f800000", "00000000", "", "3f800000"},
      {11, "nv_ada_mma_e4m3_f32", 32, "0:38 1:04", "0:38 1:04", "00000000", "", "3f800000"},
      {12, "nv_ada_mma_e4m3_f32", 32, "0:38", "0:38", "3f800008", "", "40000000"},
      {13, "nv_ada_mma_e4m3_f32", 32, "0..15:04 16:38", "0..15:04 16:38", "00000000", "", "3f802000"},
      {14, "nv_hopper_wgmma_e4m3_f32", 32, "0..15:04 16:38", "0..15:04 16:38", "00000000", "", "3f800000"},
      {15, "nv_hopper_wgmma_e4m3_f16", 32, "0:38 1:04", "0:38 1:18", "0000", "", "3c00"},
      {16, "nv_hopper_wgmma_f16_f32", 16, "0:3c00 1..6:0c00", "0:3c00 1..6:0800", "00000000", "", "3f800001"},
      {17, "nv_hopper_wgmma_f16_f32", 16, "0:3c00 1..6:0800", "0:3c00 1..6:0800", "00000000", "", "3f800000"},
      {18, "nv_hopper_mma_f16_f16", 16, "0:0c00 1:0008", "0:0800 1:0001", "0002", "", "0002"},
      {19, "nv_hopper_mma_f16_f16", 16, "0:0c00 1:0001", "0:0800 1:0001", "0000", "", "0001"},
      {20, "nv_hopper_wgmma_bf16_f32", 16, "0..2:19c0", "0..2:1a00", "00000000", "", "00000000"},
      {21, "nv_blackwell_tcgen05_e5m2_f32", 32, "0:3c 1..31:08", "0:3c 1..31:08", "00000000", "", "3f800000"},
      {22, "nv_blackwell_tcgen05_e4m3_f32", 32, "0:38", "0:38", "3f800003", "", "40000001"},
      {23, "nv_blackwell_tcgen05_f16_f32", 16, "0:7c00 1:3c00", "1:3c00", "00000000", "", "7fffffff"},
      {24, "nv_hopper_wgmma_f16_f16", 16, "0:7c00 1:3c00", "1:3c00", "0000", "", "7fff"},
      {25, "nv_hopper_wgmma_f16_f32", 16, "0:bc00 1:3c00", "0..1:3c00", "80000000", "", "00000000"},
      {26, "nv_blackwell_tcgen05_mxf8f6f4_e4m3", 32, "0:7e", "0:7e", "00000000", "sa=[bf] sb=[bf]",
       "7f800000"},
      {27, "nv_blackwell_tcgen05_mxf8f6f4_e4m3", 32, "0..31:38", "0..31:38", "3f800000", "sa=[72] sb=[72]",
       "3f800000"},
      {28, "nv_blackwell_tcgen05_mxf8f6f4_e4m3", 32, "", "0..31:38", "3f800000", "sa=[fe] sb=[fe]",
       "00000000"},
      {29, "nv_blackwell_tcgen05_mxf4nvf4_ue8m0_b16", 64, "0:1 16:9", "0:1 16:1", "3f800000",
       "sa=[93,93,7f,7f] sb=[93,93,7f,7f]", "00000000"},
      {30, "nv_blackwell_tcgen05_mxf4nvf4_ue8m0_b32", 64, "", "", "3f800000", "sa=[a7,7f] sb=[7f,7f]",
       "00000000"},
      {31, "nv_blackwell_tcgen05_mxf4nvf4_ue8m0_b16", 64, "0:1 16:1", "0:1 16:1", "be800000",
       "sa=[7f,70,7f,7f] sb=[7f,70,7f,7f]", "2f800000"},
      {32, "nv_blackwell_tcgen05_mxf4nvf4_ue4m3_b16", 64, "0:3", "0:3", "00000000",
       "sa=[3c,38,38,38] sb=[bc,38,38,38]", "40a20000"},
      {33, "amd_cdna3_mfma_f16_f32", 8, "0:4000", "0:4000", "bf800001", "", "403fffff"},
      {34, "amd_cdna3_mfma_f16_f32", 8, "0:4000", "0:4000", "3f800001", "", "40a00000"},
      {35, "amd_cdna3_mfma_f16_f32", 8, "0:3c00 1..3:0c00", "0:3c00 1..3:0c00", "00000000", "", "3f800002"},
      {36, "amd_cdna3_mfma_fp8_f32", 16, "0:78 1:81", "0:78 1:01", "00000000", "", "467fffff"},
      {37, "amd_cdna3_mfma_fp8_f32", 16, "0:78 2:81", "0:78 2:01", "00000000", "", "46800000"},
      {38, "amd_cdna1_mfma_f16_f32", 4, "0:3c00 1..2:0c00", "0:3c00 1..2:0c00", "00000000", "", "3f800000"},
      {39, "km_mi100_f16_f32", 4, "0:3c00 1..2:0c00", "0:3c00 1..2:0c00", "00000000", "", "3f800001"},
      {40, "amd_cdna2_mfma_f16_f32", 4, "0:0200", "0:3c00", "00000000", "", "00000000"},
      {41, "amd_cdna1_mfma_f16_f32", 4, "0:0200", "0:3c00", "00000000", "", "38000000"},
      {42, "amd_cdna3_mfma_xf32_f32", 4, "0:3f801000", "0:3f800000", "00000000", "", "3f800000"},
      {43, "amd_cdna3_mfma_f32_f32", 2, "0..1:3f800000", "0:3f800000 1:33800000", "33800000", "", "3f800000"},
      {44, "nv_ampere_mma_f64_f64", 2, "0:3ff0000000000001 1:3ff0000000000000",
       "0:3ff0000000000002 1:bff0000000000000", "0000000000000000", "", "3cc8000000000000"},
      {45, "nv_blackwell_mma_e4m3_f32", 32, "0:38", "0:38", "3f800003", "", "40000002"},
      {46, "nv_blackwell_mma_e4m3_f32", 32, "0:58 1..8:01", "0:58 1..8:01", "00000000", "", "43800000"},
      {47, "nv_blackwell_tcgen05_e4m3_f32", 32, "0:58 1..8:01", "0:58 1..8:01", "00000000", "", "43800000"},
      {48, "km_h100_f16_f16", 16, "0:0c00 1:0008", "0:0800 1:0001", "0002", "", "0003"},
      {49, "km_h100_f16_f16", 16, "0:0c00 1:0001", "0:0800 1:0001", "0000", "", "0000"},
      {50, "km_a100_bf16_f32", 8, "1:3a81", "0:7f00 1:3a81", "00000000", "", "35820200"},
      {51, "km_h100_bf16_f32", 16, "0..2:19c0", "0..2:1a00", "00000000", "", "00000001"},
  };
  return table;
}

// K&M comparison models (km_*): lowp does not implement them; their vectors are skipped.
inline bool is_km(const vector_case& v) {
  return std::string_view(v.model).substr(0, 3) == "km_";
}

inline std::uint64_t parse_hex(std::string_view s) {
  return std::stoull(std::string(s), nullptr, 16);
}

// "0:3c00 1..3:0c00" -> K codes.
inline std::vector<std::uint64_t> parse_entries(const char* spec, int K) {
  std::vector<std::uint64_t> out(std::size_t(K), 0);
  std::string_view s(spec);
  while (!s.empty()) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty()) break;
    const std::size_t end = s.find(' ') == std::string_view::npos ? s.size() : s.find(' ');
    const std::string_view item = s.substr(0, end);
    s.remove_prefix(end);
    const std::size_t colon = item.find(':');
    const std::string_view idx = item.substr(0, colon);
    const std::uint64_t code = parse_hex(item.substr(colon + 1));
    const std::size_t dots = idx.find("..");
    const int first = std::stoi(std::string(idx.substr(0, dots)));
    const int last = dots == std::string_view::npos ? first : std::stoi(std::string(idx.substr(dots + 2)));
    for (int k = first; k <= last; ++k) out.at(std::size_t(k)) = code;
  }
  return out;
}

// "sa=[93,93,7f,7f] sb=[...]" -> the codes after `which` ("sa" or "sb").
inline std::vector<std::uint8_t> parse_scales(const char* spec, const char* which) {
  std::vector<std::uint8_t> out;
  const std::string s(spec);
  const std::size_t at = s.find(std::string(which) + "=[");
  if (at == std::string::npos) return out;
  std::size_t p = at + 4;
  while (p < s.size() && s[p] != ']') {
    const std::size_t comma = s.find_first_of(",]", p);
    out.push_back(std::uint8_t(parse_hex(std::string_view(s).substr(p, comma - p))));
    p = s[comma] == ',' ? comma + 1 : comma;
  }
  return out;
}

template <class T>
std::vector<T> narrow(const std::vector<std::uint64_t>& v) {
  return std::vector<T>(v.begin(), v.end());
}

}  // namespace mma_vectors
