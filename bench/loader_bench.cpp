// Images per second of the training data path: the batch loader turning uint8 images
// into augmented float batches on its background workers, with the threads `dign
// train` gives it. It must stay well above the training step's images/s (`dign bench
// train`), so that data never limits training. The augmix rows add the two AugMix views of the
// augmix and dign-augmix methods (severity drawn per image, the default) to crop and flip, the
// augmax rows AugMax's views (one AugMix view and its three unmixed chains): an image counts
// once, with all its views. Run: build/bench/loader_bench
#include <benchmark/benchmark.h>

#include <numeric>
#include <string>

#include "augment/pipeline.h"
#include "core/threads.h"
#include "data/loader.h"
#include "data/synthetic.h"
#include "objectives/augmax.h"
#include "objectives/augmix.h"

namespace {

const dign::data::ImageSet& train_images() {
  static const auto set = [] {
    dign::data::SyntheticOptions o;
    o.train_size = 10000;
    o.test_size = 1;
    o.threads = dign::usable_cores();
    return dign::data::make_synthetic(o).train;
  }();
  return set;
}

enum class Views { kNone, kAugMix, kAugMax };

std::vector<dign::augment::ViewSpec> method_views(Views views) {
  switch (views) {
    case Views::kAugMix:
      return dign::objectives::AugMixOptions().views();
    case Views::kAugMax:
      return dign::objectives::AugMaxOptions().views();
    case Views::kNone:
      break;
  }
  return {};
}

// One epoch of 10,000 32x32 images per iteration, batch 128; state.range(0) loader threads.
void loader(benchmark::State& state, std::string augment, Views extra_views) {
  dign::set_threads(0);
  const auto& images = train_images();
  std::vector<int64_t> order(static_cast<size_t>(images.size()));
  std::iota(order.begin(), order.end(), 0);
  const dign::data::TrainingViews views{
      std::make_shared<dign::augment::Compose>(
          dign::augment::training_transforms(augment, images.height, images.width, images.height)),
      method_views(extra_views)};
  int64_t epoch = 0;
  for (auto _ : state) {
    dign::data::BatchLoader batches(
        images, order,
        dign::data::LoaderOptions().batch_size(128).epoch(epoch++).workers(state.range(0)), &views);
    while (auto batch = batches.next()) benchmark::DoNotOptimize(batch->images.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * images.size());
}

}  // namespace

BENCHMARK_CAPTURE(loader, paper_crop_flip_jitter_rotate, std::string("crop,flip,jitter,rotate"),
                  Views::kNone)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(loader, crop_flip, std::string("crop,flip"), Views::kNone)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(loader, crop_flip_augmix, std::string("crop,flip"), Views::kAugMix)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(loader, crop_flip_augmax, std::string("crop,flip"), Views::kAugMax)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(loader, none, std::string("none"), Views::kNone)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
