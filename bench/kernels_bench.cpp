// The machine's peak for the work a ResNet-18 training step does: 3x3 convolutions
// (forward, and forward + both backward products) and the GEMMs an im2col convolution
// would run, at the shapes of ResNet-18's four stages, in fp32 and bf16, NCHW and
// channels-last, with the threads `dign` uses. `dign bench train` reports its step's
// FLOP rate; bench/train.sh divides it by the best rate found here.
// Run: build/bench/kernels_bench [--benchmark_filter=conv/bf16]
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <string>

#include "core/threads.h"

namespace {

// A stage of ResNet-18 (CIFAR form) at width w: channels w * 2^s on a (32 / 2^s)^2 map.
struct Shape {
  int64_t channels, side;
};

constexpr int64_t kBatch = 128;

torch::Tensor make(std::initializer_list<int64_t> sizes, bool bf16, bool channels_last) {
  auto t = torch::randn(sizes);
  if (bf16) t = t.to(torch::kBFloat16);
  if (channels_last && t.dim() == 4) t = t.contiguous(at::MemoryFormat::ChannelsLast);
  return t;
}

// 2 FLOP per multiply-add: output elements x input channels x 9.
double conv_flops(const Shape& s) {
  return 2.0 * kBatch * s.side * s.side * s.channels * s.channels * 9;
}

void conv(benchmark::State& state, Shape s, bool bf16, bool channels_last, bool backward) {
  dign::set_threads(0);
  auto x = make({kBatch, s.channels, s.side, s.side}, bf16, channels_last);
  auto w = make({s.channels, s.channels, 3, 3}, bf16, channels_last);
  if (backward) {
    x.requires_grad_(true);
    w.requires_grad_(true);
  }
  for (auto _ : state) {
    auto y = torch::conv2d(x, w, {}, 1, 1);
    if (backward) {
      // Gradients of input and weight: together twice the forward's work.
      auto grads = torch::autograd::grad({y}, {x, w}, {torch::ones_like(y)});
      benchmark::DoNotOptimize(grads[1].data_ptr());
    } else {
      benchmark::DoNotOptimize(y.data_ptr());
    }
  }
  const double flops = conv_flops(s) * (backward ? 3.0 : 1.0);
  state.counters["FLOP/s"] = benchmark::Counter(
      flops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.counters["torch_threads"] = at::get_num_threads();
}

// The im2col GEMM of the same convolution: [N*H*W, 9C] x [9C, C].
void gemm(benchmark::State& state, Shape s, bool bf16) {
  dign::set_threads(0);
  const int64_t m = kBatch * s.side * s.side, k = 9 * s.channels, n = s.channels;
  auto a = make({m, k}, bf16, false);
  auto b = make({k, n}, bf16, false);
  for (auto _ : state) {
    auto c = torch::mm(a, b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  state.counters["FLOP/s"] = benchmark::Counter(
      2.0 * m * k * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  state.counters["torch_threads"] = at::get_num_threads();
}

void register_all() {
  for (int64_t width : {16, 64}) {
    for (int64_t stage = 0; stage < 4; ++stage) {
      const Shape s{width << stage, 32 >> stage};
      const std::string shape = std::to_string(s.channels) + "ch_" + std::to_string(s.side) + "x" +
                                std::to_string(s.side);
      for (const bool bf16 : {false, true}) {
        const std::string dtype = bf16 ? "bf16" : "fp32";
        for (const bool cl : {false, true}) {
          const std::string layout = cl ? "channels_last" : "nchw";
          benchmark::RegisterBenchmark(("conv/" + dtype + "/" + layout + "/fwd/" + shape).c_str(),
                                       conv, s, bf16, cl, false)
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
          benchmark::RegisterBenchmark(
              ("conv/" + dtype + "/" + layout + "/fwd_bwd/" + shape).c_str(), conv, s, bf16, cl,
              true)
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
        }
        benchmark::RegisterBenchmark(("gemm/" + dtype + "/" + shape).c_str(), gemm, s, bf16)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
