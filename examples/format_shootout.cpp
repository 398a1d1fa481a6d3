// Which block format represents which data best? QSNR (dB, higher is better) of every block format on
// Gaussian, Laplace, Student-t(3) and outlier-injected data, without and with a random Hadamard rotation
// (block 32) applied along the blocked axis first and undone after dequantisation. The experiment behind
// "INT v.s. FP: A Comprehensive Study of Fine-Grained Low-bit Quantization Formats" (Chen et al., 2025) and
// "Bridging the Gap Between Promise and Performance for Microscaling FP4 Quantization" (Egiazarian et al.,
// 2025): at 8 bits MXINT8 beats MXFP8; at 4 bits the FP formats beat INT4 on heavy-tailed data until the
// rotation makes the blocks Gaussian-like; MXFP4's power-of-two scale costs accuracy against NVFP4's e4m3.
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <lowp/block.hpp>

namespace {

enum class distribution { gaussian, laplace, student_t3, outliers };
const char* name_of(distribution d) {
  switch (d) {
    case distribution::gaussian:
      return "Gaussian";
    case distribution::laplace:
      return "Laplace";
    case distribution::student_t3:
      return "Student-t(3)";
    case distribution::outliers:
      return "outliers";
  }
  return "?";
}

Eigen::MatrixXf sample(distribution d, Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 engine(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::exponential_distribution<float> exponential(1.0f);
  std::student_t_distribution<float> student(3.0f);
  std::bernoulli_distribution coin(0.5), rare(0.005);
  Eigen::MatrixXf x(rows, cols);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    float v = 0.0f;
    switch (d) {
      case distribution::gaussian:
        v = normal(engine);
        break;
      case distribution::laplace:
        v = exponential(engine) * (coin(engine) ? 1.0f : -1.0f);
        break;
      case distribution::student_t3:
        v = student(engine);
        break;
      // Gaussian with 0.5% of the entries scaled by 50: the channel outliers of LLM activations.
      case distribution::outliers:
        v = normal(engine) * (rare(engine) ? 50.0f : 1.0f);
        break;
    }
    x.data()[i] = v;
  }
  return x;
}

constexpr int rotation_block = 32;
constexpr std::uint64_t rotation_seed = 2025;

template <class F>
double qsnr(const Eigen::MatrixXf& x, bool rotate) {
  if (!rotate) return lowp::qsnr_db(x, lowp::fake_quantize<F>(x, lowp::block_axis::row));
  const Eigen::MatrixXf turned = lowp::hadamard_transform(x, rotation_block, rotation_seed);
  const Eigen::MatrixXf back = lowp::inverse_hadamard_transform(
      lowp::fake_quantize<F>(turned, lowp::block_axis::row), rotation_block, rotation_seed);
  return lowp::qsnr_db(x, back);
}

struct row {
  std::string name;
  double bits_per_element;
  double (*plain)(const Eigen::MatrixXf&, bool);
};

template <class F>
row make_row(const char* name, double bits) {
  return {name, bits, &qsnr<F>};
}

}  // namespace

int main() {
  using namespace lowp;
  const std::vector<row> formats = {
      make_row<mxfp8_e4m3>("MXFP8 e4m3", 8.25),
      make_row<mxfp8_e5m2>("MXFP8 e5m2", 8.25),
      make_row<mxint8>("MXINT8", 8.25),
      make_row<int_group<8, 32>>("INT8 g32 fp16", 8.5),
      make_row<mxfp6_e2m3>("MXFP6 e2m3", 6.25),
      make_row<mxfp6_e3m2>("MXFP6 e3m2", 6.25),
      make_row<mxfp4>("MXFP4 (floor)", 4.25),
      make_row<with_scale_rule<mxfp4, scale_rule::ceil>>("MXFP4 ceil", 4.25),
      make_row<with_scale_rule<mxfp4, scale_rule::rceil>>("MXFP4 rceil", 4.25),
      make_row<with_scale_rule<mxfp4, scale_rule::even>>("MXFP4 even", 4.25),
      make_row<block_format<int_element<4, 2>, float8_e8m0fnu, 32, scale_rule::floor>>("INT4 b32 e8m0 *",
                                                                                       4.25),
      make_row<nvfp4>("NVFP4", 4.5),
      make_row<nvfp4_2d>("NVFP4 16x16", 4.03),
      make_row<int_group<4, 32>>("INT4 g32 fp16", 4.5),
      make_row<int_group<4, 16, float8_e4m3fn>>("INT4 g16 e4m3", 4.5),
      make_row<int_group<4, 128>>("INT4 g128 fp16", 4.125),
  };
  const distribution kinds[] = {distribution::gaussian, distribution::laplace, distribution::student_t3,
                                distribution::outliers};
  const Eigen::Index rows = 128, cols = 1024;  // blocks along rows, as for the K dimension of A
  std::vector<Eigen::MatrixXf> data;
  for (const auto d : kinds) data.push_back(sample(d, rows, cols, 7 + unsigned(d)));

  std::printf(
      "QSNR in dB of a %ldx%ld matrix, blocks along rows; plain / after a random Hadamard rotation (block "
      "%d)\n\n",
      long(rows), long(cols), rotation_block);
  std::printf("%-16s %5s", "format", "bits");
  for (const auto d : kinds) std::printf(" | %-19s", name_of(d));
  std::printf("\n%-16s %5s", "", "");
  for (std::size_t k = 0; k < std::size(kinds); ++k) std::printf(" | %8s  %8s", "plain", "rotated");
  std::printf("\n");
  for (const auto& f : formats) {
    std::printf("%-16s %5.2f", f.name.c_str(), f.bits_per_element);
    for (const auto& x : data) std::printf(" | %8.2f  %8.2f", f.plain(x, false), f.plain(x, true));
    std::printf("\n");
  }
  std::printf(
      "\n* not an OCP format: INT4 elements k/4 (k = -7..7) under MX's E8M0 floor scale, the INT analogue of "
      "MXFP4.\n");
  return 0;
}
