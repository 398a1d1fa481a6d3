// The bridge between lowp's types and the MPFR oracle: each named format paired with its description written
// out as plain numbers (ExpBits, ManBits, Bias, encoding) from API.md / the OCP and IEEE specifications, and
// the deterministic policies as a list that tests iterate over. The oracle (mpfr_round.hpp) never sees lowp.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include <lowp/float/minifloat.hpp>

#include "mpfr_round.hpp"

namespace lowp_test {

using mpfr_oracle::encoding;

// Bias = 2^(E-1) - 1 unless the format says otherwise (fnuz: +1; e4m3b11fnuz: 11; e8m0: 127).
struct float8_e4m3fn_case {
  using type = lowp::float8_e4m3fn;
  static constexpr mpfr_oracle::format desc{4, 3, 7, encoding::fn};
  static constexpr const char* name = "float8_e4m3fn";
};
struct float8_e5m2_case {
  using type = lowp::float8_e5m2;
  static constexpr mpfr_oracle::format desc{5, 2, 15, encoding::ieee};
  static constexpr const char* name = "float8_e5m2";
};
struct float8_e4m3fnuz_case {
  using type = lowp::float8_e4m3fnuz;
  static constexpr mpfr_oracle::format desc{4, 3, 8, encoding::fnuz};
  static constexpr const char* name = "float8_e4m3fnuz";
};
struct float8_e5m2fnuz_case {
  using type = lowp::float8_e5m2fnuz;
  static constexpr mpfr_oracle::format desc{5, 2, 16, encoding::fnuz};
  static constexpr const char* name = "float8_e5m2fnuz";
};
struct float8_e4m3b11fnuz_case {
  using type = lowp::float8_e4m3b11fnuz;
  static constexpr mpfr_oracle::format desc{4, 3, 11, encoding::fnuz};
  static constexpr const char* name = "float8_e4m3b11fnuz";
};
struct float8_e4m3_case {
  using type = lowp::float8_e4m3;
  static constexpr mpfr_oracle::format desc{4, 3, 7, encoding::ieee};
  static constexpr const char* name = "float8_e4m3";
};
struct float8_e3m4_case {
  using type = lowp::float8_e3m4;
  static constexpr mpfr_oracle::format desc{3, 4, 3, encoding::ieee};
  static constexpr const char* name = "float8_e3m4";
};
struct float6_e2m3fn_case {
  using type = lowp::float6_e2m3fn;
  static constexpr mpfr_oracle::format desc{2, 3, 1, encoding::finite};
  static constexpr const char* name = "float6_e2m3fn";
};
struct float6_e3m2fn_case {
  using type = lowp::float6_e3m2fn;
  static constexpr mpfr_oracle::format desc{3, 2, 3, encoding::finite};
  static constexpr const char* name = "float6_e3m2fn";
};
struct float4_e2m1fn_case {
  using type = lowp::float4_e2m1fn;
  static constexpr mpfr_oracle::format desc{2, 1, 1, encoding::finite};
  static constexpr const char* name = "float4_e2m1fn";
};
struct float8_e8m0fnu_case {
  using type = lowp::float8_e8m0fnu;
  static constexpr mpfr_oracle::format desc{8, 0, 127, encoding::unsigned_exponent};
  static constexpr const char* name = "float8_e8m0fnu";
};
struct float16_case {
  using type = lowp::float16;
  static constexpr mpfr_oracle::format desc{5, 10, 15, encoding::ieee};
  static constexpr const char* name = "float16";
};
struct bfloat16_case {
  using type = lowp::bfloat16;
  static constexpr mpfr_oracle::format desc{8, 7, 127, encoding::ieee};
  static constexpr const char* name = "bfloat16";
};
struct tfloat32_case {
  using type = lowp::tfloat32;
  static constexpr mpfr_oracle::format desc{8, 10, 127, encoding::ieee};
  static constexpr const char* name = "tfloat32";
};

// GoogleTest names typed tests by these names instead of 0, 1, 2...
struct case_names {
  template <class C>
  static std::string GetName(int) {
    return C::name;
  }
};

template <class T, class R, class O>
using policy_t = lowp::with_overflow<lowp::with_rounding<T, R>, O>;

// Calls f.template operator()<T with policy>(mpfr_oracle::rounding, mpfr_oracle::overflow) for all 12
// deterministic policies (six rounding modes x two overflow policies).
template <class T, class F>
void for_each_policy(F&& f) {
  namespace r = lowp::rounding;
  namespace o = lowp::overflow;
  using R = mpfr_oracle::rounding;
  using O = mpfr_oracle::overflow;
  f.template operator()<policy_t<T, r::nearest_even, o::ieee>>(R::nearest_even, O::ieee);
  f.template operator()<policy_t<T, r::nearest_away, o::ieee>>(R::nearest_away, O::ieee);
  f.template operator()<policy_t<T, r::toward_zero, o::ieee>>(R::toward_zero, O::ieee);
  f.template operator()<policy_t<T, r::upward, o::ieee>>(R::upward, O::ieee);
  f.template operator()<policy_t<T, r::downward, o::ieee>>(R::downward, O::ieee);
  f.template operator()<policy_t<T, r::to_odd, o::ieee>>(R::to_odd, O::ieee);
  f.template operator()<policy_t<T, r::nearest_even, o::saturate>>(R::nearest_even, O::saturate);
  f.template operator()<policy_t<T, r::nearest_away, o::saturate>>(R::nearest_away, O::saturate);
  f.template operator()<policy_t<T, r::toward_zero, o::saturate>>(R::toward_zero, O::saturate);
  f.template operator()<policy_t<T, r::upward, o::saturate>>(R::upward, O::saturate);
  f.template operator()<policy_t<T, r::downward, o::saturate>>(R::downward, O::saturate);
  f.template operator()<policy_t<T, r::to_odd, o::saturate>>(R::to_odd, O::saturate);
}

// LOWP_TEST_QUICK=1 (sanitizer builds) strides the biggest loops.
inline bool quick_mode() {
  const char* value = std::getenv("LOWP_TEST_QUICK");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

// Collects mismatches and prints the first few in full, so one bug does not flood the log.
class mismatch_log {
 public:
  void record(const std::string& line) {
    if (count_ < 16) text_ += line + "\n";
    ++count_;
  }
  long count() const { return count_; }
  const std::string& text() const { return text_; }

 private:
  long count_ = 0;
  std::string text_;
};

}  // namespace lowp_test
