// An independent oracle for block-scaled formats, written from the spec texts (OCP MX v1.0 section 6.3,
// NVIDIA's NVFP4 recipe as DESIGN.md spells it, symmetric absmax INT groups) in plain double arithmetic.
//
// It includes none of lowp's headers. Element formats are described by plain numbers; their values are
// enumerated by the textbook formula and an element is rounded by brute force: the nearest value in the
// list (ties to the even code), saturating at the largest finite value. Scale exponents come from loops
// over powers of two, never from the library's bit tricks. Slow and obvious on purpose.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace block_oracle {

// A signed element or scale format: minifloat (exp_bits, man_bits, bias, which specials) or integer.
struct number_format {
  int exp_bits = 0, man_bits = 0, bias = 0;
  bool ieee_specials = false;  // Inf/NaN at the all-ones exponent (e5m2, fp16, bf16)
  bool fn_nan = false;         // NaN at the all-ones magnitude only (e4m3fn)
  bool integer = false;        // two's complement integer codes k of value k * 2^-fraction_bits
  int int_bits = 0, fraction_bits = 0;

  int bits() const { return integer ? int_bits : 1 + exp_bits + man_bits; }
};

inline number_format minifloat_format(int e, int m, int bias, bool ieee, bool fn) {
  number_format f;
  f.exp_bits = e;
  f.man_bits = m;
  f.bias = bias;
  f.ieee_specials = ieee;
  f.fn_nan = fn;
  return f;
}
inline number_format integer_format(int bits, int fraction_bits) {
  number_format f;
  f.integer = true;
  f.int_bits = bits;
  f.fraction_bits = fraction_bits;
  return f;
}

inline const number_format e4m3 = minifloat_format(4, 3, 7, false, true);
inline const number_format e5m2 = minifloat_format(5, 2, 15, true, false);
inline const number_format e3m2 = minifloat_format(3, 2, 3, false, false);
inline const number_format e2m3 = minifloat_format(2, 3, 1, false, false);
inline const number_format e2m1 = minifloat_format(2, 1, 1, false, false);
inline const number_format fp16 = minifloat_format(5, 10, 15, true, false);
inline const number_format bf16 = minifloat_format(8, 7, 127, true, false);

inline double pow2(int e) {
  return std::ldexp(1.0, e);
}

// Non-negative finite values with their magnitude codes, in code order (which is value order).
// Integer formats: k = 0 .. 2^(bits-1) - 1 (symmetric: the most negative code is never a rounding result).
inline std::vector<std::pair<double, std::uint32_t>> magnitudes(const number_format& f) {
  std::vector<std::pair<double, std::uint32_t>> list;
  if (f.integer) {
    for (std::uint32_t k = 0; k < (1u << (f.int_bits - 1)); ++k)
      list.push_back({double(k) * pow2(-f.fraction_bits), k});
    return list;
  }
  const std::uint32_t all_exp = (1u << f.exp_bits) - 1, all_mag = (1u << (f.exp_bits + f.man_bits)) - 1;
  for (std::uint32_t mag = 0; mag <= all_mag; ++mag) {
    const std::uint32_t field = mag >> f.man_bits, fraction = mag & ((1u << f.man_bits) - 1);
    if (f.ieee_specials && field == all_exp) continue;
    if (f.fn_nan && mag == all_mag) continue;
    const double value = field == 0
                             ? double(fraction) * pow2(1 - f.bias - f.man_bits)
                             : double((1u << f.man_bits) + fraction) * pow2(int(field) - f.bias - f.man_bits);
    list.push_back({value, mag});
  }
  return list;
}

// The code of the value v nearest to `a` >= 0, measured as v * multiplier (a power of two or a small
// integer, so v * multiplier is exact), ties to the even code, saturating at the largest value: find the
// bracketing pair by exact comparisons, then compare the two distances, which are exact in double because
// both neighbours lie within one step of a.
inline std::uint32_t nearest_magnitude(const std::vector<std::pair<double, std::uint32_t>>& list, double a,
                                       double multiplier = 1.0) {
  std::size_t low = 0;
  while (low + 1 < list.size() && list[low + 1].first * multiplier <= a) ++low;
  if (low + 1 == list.size() || list[low].first * multiplier == a) return list[low].second;
  const double below = a - list[low].first * multiplier, above = list[low + 1].first * multiplier - a;
  if (below < above) return list[low].second;
  if (above < below) return list[low + 1].second;
  return list[low].second % 2 == 0 ? list[low].second : list[low + 1].second;
}

// The code of the largest value <= a (truncation toward zero), saturating.
inline std::uint32_t truncated_magnitude(const std::vector<std::pair<double, std::uint32_t>>& list,
                                         double a) {
  std::uint32_t best = list[0].second;
  for (const auto& [value, code] : list) {
    if (value <= a) best = code;
  }
  return best;
}

// The signed code of v (finite) in format f, rounded to nearest (ties to the even code) or toward zero,
// saturating.
inline std::uint32_t encode(const number_format& f, double v,
                            const std::vector<std::pair<double, std::uint32_t>>& list,
                            bool toward_zero = false) {
  const std::uint32_t mag =
      toward_zero ? truncated_magnitude(list, std::fabs(v)) : nearest_magnitude(list, std::fabs(v));
  if (f.integer) {
    const std::uint32_t mask = (1u << f.int_bits) - 1;
    return v < 0 ? (0u - mag) & mask : mag;
  }
  return std::signbit(v) ? mag | (1u << (f.bits() - 1)) : mag;
}

// The value of a signed code.
inline double decode(const number_format& f, std::uint32_t code) {
  if (f.integer) {
    const std::int32_t k =
        code >= (1u << (f.int_bits - 1)) ? std::int32_t(code) - (1 << f.int_bits) : std::int32_t(code);
    return double(k) * pow2(-f.fraction_bits);
  }
  const std::uint32_t sign = code >> (f.bits() - 1), mag = code & ((1u << (f.bits() - 1)) - 1);
  const std::uint32_t field = mag >> f.man_bits, fraction = mag & ((1u << f.man_bits) - 1);
  const std::uint32_t all_exp = (1u << f.exp_bits) - 1, all_mag = (1u << (f.exp_bits + f.man_bits)) - 1;
  double value;
  if (f.ieee_specials && field == all_exp) {
    value =
        fraction == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  } else if (f.fn_nan && mag == all_mag) {
    value = std::numeric_limits<double>::quiet_NaN();
  } else {
    value = field == 0 ? double(fraction) * pow2(1 - f.bias - f.man_bits)
                       : double((1u << f.man_bits) + fraction) * pow2(int(field) - f.bias - f.man_bits);
  }
  return sign ? -value : value;
}

inline double max_value(const number_format& f) {
  return magnitudes(f).back().first;
}

// floor(log2 a) for a > 0, by repeated halving/doubling.
inline int floor_log2(double a) {
  int e = 0;
  while (a >= 2.0) {
    a /= 2.0;
    ++e;
  }
  while (a < 1.0) {
    a *= 2.0;
    --e;
  }
  return e;
}

enum class mx_rule { floor, ceil, rceil, even };

// OCP MX shared exponent of a block with largest magnitude amax (finite), clamped to E8M0's [-127, 127].
inline int mx_exponent(mx_rule rule, const number_format& element, double amax) {
  if (amax == 0.0) return -127;
  const double max_elem = max_value(element);
  const int emax = floor_log2(max_elem);
  int s = 0;
  switch (rule) {
    case mx_rule::floor:  // X = 2^(floor(log2 amax) - emax_elem)
      s = floor_log2(amax) - emax;
      break;
    case mx_rule::ceil:  // the smallest s with amax / 2^s <= max_elem
      s = floor_log2(amax) - emax - 2;
      while (amax > max_elem * pow2(s)) ++s;
      break;
    case mx_rule::rceil: {  // float32: q = amax * fl(1 / max), then the smallest power of two >= q
      const float q = float(amax) * (1.0f / float(max_elem));
      if (q == 0.0f) return -127;
      s = -160;
      while (double(q) > pow2(s)) ++s;
      break;
    }
    case mx_rule::even: {  // amax rounded half-up to the element's mantissa bits, then floor
      const int mantissa_bits = element.integer ? element.int_bits - 2 : element.man_bits;
      const double ulp = pow2(floor_log2(amax) - mantissa_bits);
      const double rounded = std::floor(amax / ulp + 0.5) * ulp;  // amax / ulp is exact (a power of two)
      s = floor_log2(rounded) - emax;
      break;
    }
  }
  return s < -127 ? -127 : s > 127 ? 127 : s;
}

// ---- Whole-matrix references ------------------------------------------------------------------------------
// A matrix is a column-major vector of floats. Blocks: `block` consecutive elements along the axis
// (by_row: along a row), or `tile` x `block` tiles when tile > 1.
struct matrix_shape {
  long rows, cols;
  bool by_row;
  int block, tile;
  long block_of(long r, long c) const {
    if (tile > 1) return (c / block) * ((rows + tile - 1) / tile) + r / tile;
    return by_row ? (c / block) * rows + r : c * ((rows + block - 1) / block) + r / block;
  }
  long block_count() const {
    if (tile > 1) return ((rows + tile - 1) / tile) * ((cols + block - 1) / block);
    return by_row ? rows * ((cols + block - 1) / block) : cols * ((rows + block - 1) / block);
  }
};

// What the library must produce for every element (column-major): its code, the code of its block's
// scale, and the decoded value (float; NaN for a poisoned block).
struct reference {
  std::vector<std::uint32_t> code, scale_code;
  std::vector<float> value;
  double tensor_decode = 1.0;
};

inline std::vector<std::vector<long>> blocks_of(const matrix_shape& shape) {
  std::vector<std::vector<long>> members(static_cast<std::size_t>(shape.block_count()));
  for (long c = 0; c < shape.cols; ++c) {
    for (long r = 0; r < shape.rows; ++r)
      members[std::size_t(shape.block_of(r, c))].push_back(c * shape.rows + r);
  }
  return members;
}

inline bool finite_block(const std::vector<float>& x, const std::vector<long>& block) {
  for (long i : block) {
    if (!std::isfinite(x[std::size_t(i)])) return false;
  }
  return true;
}

inline double block_amax(const std::vector<float>& x, const std::vector<long>& block) {
  double amax = 0.0;
  for (long i : block) amax = std::fmax(amax, std::fabs(double(x[std::size_t(i)])));
  return amax;
}

// OCP MX v1.0: scale 2^s (E8M0 code s + 127; 0xFF NaN for a block holding NaN/Inf), elements
// round(V / 2^s) to nearest even in the element format, saturated.
inline reference mx_reference(const std::vector<float>& x, const matrix_shape& shape,
                              const number_format& element, mx_rule rule, bool toward_zero = false) {
  const auto list = magnitudes(element);
  reference out;
  out.code.assign(x.size(), 0);
  out.scale_code.assign(x.size(), 0);
  out.value.assign(x.size(), 0.0f);
  for (const auto& block : blocks_of(shape)) {
    if (block.empty()) continue;
    if (!finite_block(x, block)) {
      for (long i : block) {
        out.scale_code[std::size_t(i)] = 0xff;
        out.value[std::size_t(i)] = std::numeric_limits<float>::quiet_NaN();
      }
      continue;
    }
    const int s = mx_exponent(rule, element, block_amax(x, block));
    for (long i : block) {
      const std::uint32_t code = encode(element, double(x[std::size_t(i)]) / pow2(s), list, toward_zero);
      out.code[std::size_t(i)] = code;
      out.scale_code[std::size_t(i)] = std::uint32_t(s + 127);
      out.value[std::size_t(i)] = float(decode(element, code) * pow2(s));
    }
  }
  return out;
}

// NVFP4, the float32 steps of DESIGN.md (after NVIDIA TransformerEngine), amax_t over the finite values.
inline reference nvfp4_reference(const std::vector<float>& x, const matrix_shape& shape) {
  const auto e4m3_list = magnitudes(e4m3), e2m1_list = magnitudes(e2m1);
  const float flt_max = std::numeric_limits<float>::max();
  float amax_t = 0.0f;
  for (float v : x) {
    if (std::isfinite(v)) amax_t = std::fmax(amax_t, std::fabs(v));
  }
  float ges = amax_t == 0.0f ? 1.0f : 2688.0f / amax_t;
  if (!(ges <= flt_max)) ges = flt_max;
  const float gd = 1.0f / ges;
  reference out;
  out.tensor_decode = gd;
  out.code.assign(x.size(), 0);
  out.scale_code.assign(x.size(), 0);
  out.value.assign(x.size(), 0.0f);
  for (const auto& block : blocks_of(shape)) {
    if (block.empty()) continue;
    if (!finite_block(x, block)) {
      for (long i : block) {
        out.scale_code[std::size_t(i)] = 0x7f;
        out.value[std::size_t(i)] = std::numeric_limits<float>::quiet_NaN();
      }
      continue;
    }
    const float amax_b = float(block_amax(x, block));
    const float sixth = 1.0f / 6.0f;
    const float ges_over_6 = ges * sixth;
    float v = amax_b * ges_over_6;
    if (v > 448.0f) v = 448.0f;
    const std::uint32_t ds_code = encode(e4m3, double(v), e4m3_list);
    const float ds = float(decode(e4m3, ds_code));
    const float product = ds * gd;
    float enc = 1.0f / product;
    if (!(enc <= flt_max)) enc = flt_max;
    for (long i : block) {
      float y = x[std::size_t(i)] * enc;
      y = y > 6.0f ? 6.0f : y < -6.0f ? -6.0f : y;
      const std::uint32_t code = encode(e2m1, double(y), e2m1_list);
      out.code[std::size_t(i)] = code;
      out.scale_code[std::size_t(i)] = ds_code;
      const float element_times_ds = float(decode(e2m1, code)) * ds;
      out.value[std::size_t(i)] = element_times_ds * gd;
    }
  }
  return out;
}

// The code of the scale nearest to amax / qmax, compared exactly as v * qmax against amax (ties to the
// even code, saturating): `list` for fp16/bf16 scales; for an fp32 scale (empty list) the float neighbours
// of the rounded quotient.
inline std::uint32_t group_scale_code(const std::vector<std::pair<double, std::uint32_t>>& list, double amax,
                                      int qmax) {
  if (!list.empty()) return nearest_magnitude(list, amax, double(qmax));
  std::vector<std::pair<double, std::uint32_t>> candidates;
  const float c = float(amax / qmax);
  for (float v : {std::nextafter(c, 0.0f), c, std::nextafter(c, std::numeric_limits<float>::infinity())}) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    candidates.push_back({double(v), bits});
  }
  if (c == 0.0f) candidates.erase(candidates.begin());  // nextafter(0, 0) is 0 again
  return nearest_magnitude(candidates, amax, double(qmax));
}

// Symmetric absmax INT groups: S = round(amax / qmax) into the scale format (fp16, bf16, or fp32 when
// scale_format is null), elements round(V / S) (nearest, ties to even) clipped to +-qmax, value k * S.
inline reference int_group_reference(const std::vector<float>& x, const matrix_shape& shape, int bits,
                                     const number_format* scale_format, std::uint32_t scale_nan_code) {
  const int qmax = (1 << (bits - 1)) - 1;
  const std::vector<std::pair<double, std::uint32_t>> list =
      scale_format ? magnitudes(*scale_format) : std::vector<std::pair<double, std::uint32_t>>{};
  reference out;
  out.code.assign(x.size(), 0);
  out.scale_code.assign(x.size(), 0);
  out.value.assign(x.size(), 0.0f);
  for (const auto& block : blocks_of(shape)) {
    if (block.empty()) continue;
    if (!finite_block(x, block)) {
      for (long i : block) {
        out.scale_code[std::size_t(i)] = scale_nan_code;
        out.value[std::size_t(i)] = std::numeric_limits<float>::quiet_NaN();
      }
      continue;
    }
    const double amax = block_amax(x, block);
    const std::uint32_t scale_code = group_scale_code(list, amax, qmax);
    double scale;
    if (scale_format) {
      scale = decode(*scale_format, scale_code);
    } else {
      float f;
      std::memcpy(&f, &scale_code, sizeof f);
      scale = f;
    }
    for (long i : block) {
      const double v = x[std::size_t(i)];
      long k = 0;
      if (scale != 0.0 && std::fabs(v / scale) >= qmax + 1) {
        k = v < 0 ? -qmax : qmax;  // far beyond the clip point (a saturated scale)
      } else if (scale != 0.0) {
        const double low = std::floor(v / scale);  // a candidate; the exact comparison decides
        double best = low - 1, best_distance = std::fabs(v - (low - 1) * scale);
        for (double cand : {low, low + 1, low + 2}) {
          const double d = std::fabs(v - cand * scale);
          if (d < best_distance || (d == best_distance && std::fmod(cand, 2.0) == 0.0)) {
            best = cand;
            best_distance = d;
          }
        }
        k = long(best);
        k = k > qmax ? qmax : k < -qmax ? -qmax : k;
      }
      out.code[std::size_t(i)] = std::uint32_t(k) & ((1u << bits) - 1);
      out.scale_code[std::size_t(i)] = scale_code;
      out.value[std::size_t(i)] = float(double(k) * scale);
    }
  }
  return out;
}

}  // namespace block_oracle
