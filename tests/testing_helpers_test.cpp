// The helpers of <lowp/testing.hpp>: ULP distance and QSNR against hand-computed values, and the matchers
// both passing and failing, with the failure message naming the index and both values as fields.
#include <cmath>
#include <limits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <lowp/testing.hpp>

namespace {

using lowp::testing::BitExact;
using lowp::testing::WithinUlps;

template <class Matcher, class Value>
std::string explain(const Matcher& matcher, const Value& value) {
  ::testing::StringMatchResultListener listener;
  const bool matched = ::testing::Matcher<const Value&>(matcher).MatchAndExplain(value, &listener);
  return (matched ? "matched: " : "failed: ") + listener.str();
}

TEST(UlpDistance, CountsStepsOfTheFormatsGrid) {
  // float8_e4m3fn around 1: 1, 1.125, 1.25 ... and 0.9375 below.
  EXPECT_EQ(lowp::ulp_distance<lowp::float8_e4m3fn>(1.0, 1.25), 2);
  EXPECT_EQ(lowp::ulp_distance<lowp::float8_e4m3fn>(0.9375, 1.125), 2);
  EXPECT_EQ(lowp::ulp_distance<lowp::float8_e4m3fn>(0.0, -0.0), 0);
  // Across zero: the smallest subnormals 2^-9 on either side are 2 steps apart.
  EXPECT_EQ(lowp::ulp_distance<lowp::float8_e4m3fn>(std::ldexp(1.0, -9), -std::ldexp(1.0, -9)), 2);
  EXPECT_EQ(lowp::ulp_distance<lowp::float8_e4m3fn>(448.0, -448.0), 2 * 126);
  EXPECT_EQ(lowp::ulp_distance<lowp::bfloat16>(1.0f, 1.0f + 3.0f / 128), 3);
  EXPECT_EQ(lowp::ulp_distance<lowp::float16>(std::nan(""), 1.0), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(lowp::ulp_distance<lowp::bfloat16>(lowp::bfloat16(2.0f), lowp::bfloat16(1.0f)), 128);
}

TEST(Qsnr, MatchesTheDefinition) {
  Eigen::VectorXd reference(4), x(4);
  reference << 1, 2, 3, 4;
  x << 1, 2, 3, 5;  // noise 1, signal 30
  EXPECT_DOUBLE_EQ(lowp::qsnr_db(reference, x), 10 * std::log10(30.0));
  EXPECT_EQ(lowp::qsnr_db(reference, reference), std::numeric_limits<double>::infinity());
  const std::vector<float> a{1, 2, 3, 4}, b{1, 2, 3, 5};
  EXPECT_DOUBLE_EQ(lowp::qsnr_db(std::span<const float>(a), std::span<const float>(b)),
                   10 * std::log10(30.0));
  EXPECT_THROW((void)lowp::qsnr_db(reference, Eigen::VectorXd(3)), std::invalid_argument);
}

TEST(BitExact, ScalarsPassAndFailWithFields) {
  EXPECT_THAT(lowp::bfloat16(1.5f), BitExact(lowp::bfloat16(1.5f)));
  EXPECT_THAT(0.1f, BitExact(0.1f));
  EXPECT_THAT(explain(BitExact(0.0f), -0.0f), ::testing::HasSubstr("failed"));  // sign of zero matters
  const std::string message = explain(BitExact(lowp::float8_e4m3fn(1.5f)), lowp::float8_e4m3fn(1.625f));
  EXPECT_THAT(message, ::testing::HasSubstr("failed"));
  EXPECT_THAT(message, ::testing::HasSubstr("0|0111|101"));  // 1.625
  EXPECT_THAT(message, ::testing::HasSubstr("0|0111|100"));  // 1.5
}

TEST(BitExact, MatricesNameTheFirstMismatch) {
  Eigen::Matrix<lowp::bfloat16, 2, 3> expected, actual;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) expected(i, j) = actual(i, j) = lowp::bfloat16(float(i * 3 + j));
  EXPECT_THAT(actual, BitExact(expected));
  actual(1, 2) = lowp::bfloat16(5.5f);
  const std::string message = explain(BitExact(expected), actual);
  EXPECT_THAT(message, ::testing::HasSubstr("(1, 2)"));
  EXPECT_THAT(message, ::testing::HasSubstr("5.5 (0|10000001|0110000)"));
  EXPECT_THAT(message, ::testing::HasSubstr("5 (0|10000001|0100000)"));
  EXPECT_THAT(explain(BitExact(expected), Eigen::Matrix<lowp::bfloat16, 3, 2>()),
              ::testing::HasSubstr("3x2"));
  Eigen::MatrixXf f = Eigen::MatrixXf::Ones(2, 2), g = f;
  g(0, 1) = 1.0f + 1e-7f;
  EXPECT_THAT(explain(BitExact(f), g), ::testing::HasSubstr("(0, 1)"));
}

TEST(WithinUlps, ToleratesExactlyNSteps) {
  EXPECT_THAT(1.25f, WithinUlps<lowp::float8_e4m3fn>(1.0f, 2));
  EXPECT_THAT(explain(WithinUlps<lowp::float8_e4m3fn>(1.0f, 1), 1.25f), ::testing::HasSubstr("failed"));
  Eigen::MatrixXf reference = Eigen::MatrixXf::Constant(3, 3, 1.0f), kernel_output = reference;
  kernel_output(2, 0) = 1.0f + 2.0f / 128;  // 2 bfloat16 ulps
  EXPECT_THAT(kernel_output, WithinUlps<lowp::bfloat16>(reference, 2));
  const std::string message = explain(WithinUlps<lowp::bfloat16>(reference, 1), kernel_output);
  EXPECT_THAT(message, ::testing::HasSubstr("(2, 0)"));
  EXPECT_THAT(message, ::testing::HasSubstr("failed"));
}

}  // namespace
