// Images per second of every corruption (Google Benchmark), one thread, on 32x32 CIFAR-sized
// images at each severity, 64x64 at severity 3 and 224x224 ImageNet-sized ones at each
// severity: generation must not be slower than the model evaluation that consumes it.
// Run: build/bench/corrupt_bench [--benchmark_filter=glass]
// (bench/corrupt.sh writes the JSON and a per-corruption table).
#include <benchmark/benchmark.h>

#include <vector>

#include "corrupt/registry.h"
#include "data/synthetic.h"

namespace {

const dign::data::ImageSet& images(int64_t side) {
  auto make = [](int64_t size) {
    dign::data::SyntheticOptions o;
    o.train_size = 1;
    o.test_size = 64;
    o.image_size = size;
    return dign::data::make_synthetic(o).test;
  };
  static const auto cifar = make(32);
  static const auto tiny = make(64);
  static const auto imagenet = make(224);
  return side == 32 ? cifar : side == 64 ? tiny : imagenet;
}

void corrupt(benchmark::State& state, const dign::corrupt::Corruption* c, int64_t side) {
  const int severity = static_cast<int>(state.range(0));
  const auto& set = images(side);
  using dign::corrupt::Table;
  const dign::corrupt::Context context{side == 32   ? Table::kCifar
                                       : side == 64 ? Table::kTiny
                                                    : Table::kImageNet,
                                       nullptr};
  int64_t index = 0;
  for (auto _ : state) {
    const int64_t i = index % set.size();
    const cv::Mat rgb(static_cast<int>(side), static_cast<int>(side), CV_8UC3,
                      const_cast<uint8_t*>(set.image(i)));
    benchmark::DoNotOptimize(dign::corrupt::corrupt_image(*c, rgb, severity, 0, index, context));
    ++index;
  }
  state.SetItemsProcessed(state.iterations());
}

const bool registered = [] {
  for (const auto& c : dign::corrupt::corruption_catalog()) {
    benchmark::RegisterBenchmark(("cifar/" + c.name).c_str(), corrupt, &c, 32)->DenseRange(1, 5);
    if (c.benchmark) {
      benchmark::RegisterBenchmark(("tiny/" + c.name).c_str(), corrupt, &c, 64)->Arg(3);
    }
    benchmark::RegisterBenchmark(("imagenet/" + c.name).c_str(), corrupt, &c, 224)
        ->DenseRange(1, 5);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
