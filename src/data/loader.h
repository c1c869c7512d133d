#pragma once
// Prepares batches on background threads while the model trains. Images stay
// uint8 in memory and become float [B,3,S,S] in [0,1] only here, one batch at
// a time. Batch contents depend only on (order, seed, epoch), never on the
// number of worker threads or how far ahead they run.
//
//   TrainingViews views{transforms, method.views()};
//   BatchLoader loader(train, sampler.order(epoch), LoaderOptions().batch_size(128).workers(2),
//                      &views);
//   while (auto batch = loader.next()) { ... batch->images, batch->views.at("augmix_1") ... }
#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "augment/transform.h"
#include "augment/view.h"
#include "core/thread_pool.h"
#include "data/image_set.h"

namespace dign::data {

struct LoaderOptions {
  /// Images per batch. Default: 128 (paper).
  TORCH_ARG(int64_t, batch_size) = 128;
  /// Batches prepared ahead of the one being consumed. Default: 2.
  TORCH_ARG(int64_t, prefetch) = 2;
  /// Output side length; 0 = the stored image size. Default: 0.
  TORCH_ARG(int64_t, image_size) = 0;
  /// Seeds the per-image augmentation randomness, with `epoch`.
  TORCH_ARG(uint64_t, seed) = 0;
  TORCH_ARG(int64_t, epoch) = 0;
  /// Drop a final batch smaller than this. Default: 1 (keep every image); training
  /// uses 2, because BatchNorm cannot train on a single image.
  TORCH_ARG(int64_t, min_batch) = 1;
  /// Threads preparing the images of a batch, a pool started with the loader (the batches
  /// themselves are prepared one after the other, ahead of use). Default: 1.
  TORCH_ARG(int64_t, workers) = 1;
};

/// What the loader makes of each training image: the run's training transforms (crop,
/// flip, ...), which give the clean view, and the method's further views, each made from a
/// copy of the transformed image.
struct TrainingViews {
  std::shared_ptr<const augment::Transform> transforms;
  std::vector<augment::ViewSpec> views;
};

struct HostBatch {
  torch::Tensor images;          ///< the clean view: float [B,3,S,S] in [0,1], CPU
  torch::Tensor labels;          ///< int64 [B]
  std::vector<int64_t> indices;  ///< positions in the ImageSet
  /// The method's further views by name, float [B,3,S,S] each ([B,3,k*S,S] for a view that
  /// stacks k images, augment::ViewSpec::stacked).
  std::map<std::string, torch::Tensor> views;
};

/// Stored images uint8 [count, h, w, 3] as a float [count, 3, h, w] batch in [0,1], each value
/// augment::unit_float: the conversion every evaluation uses.
torch::Tensor to_float_batch(const uint8_t* hwc, int64_t count, int64_t h, int64_t w);

class BatchLoader {
 public:
  /// `training` null = evaluation (the stored images as floats, which must already have the
  /// output size). `images` and `training` must outlive the loader.
  BatchLoader(const ImageSet& images, std::vector<int64_t> order, const LoaderOptions& options,
              const TrainingViews* training);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  /// The next batch in order, or nullopt at the end. Rethrows a preparation error.
  std::optional<HostBatch> next();
  int64_t num_batches() const { return num_batches_; }
  /// Skip the first `batches` batches (used when resuming mid-epoch); call before next().
  void skip(int64_t batches);

 private:
  HostBatch prepare(int64_t batch_index) const;
  void prepare_images(int64_t begin, int64_t end, HostBatch& batch) const;
  void start(int64_t first_batch);
  void stop();
  void produce(int64_t first_batch);

  const ImageSet& images_;
  std::vector<int64_t> order_;
  LoaderOptions options_;
  const TrainingViews* training_;
  int64_t out_size_;
  int64_t num_batches_;

  // One producer thread prepares batches in order into `ready_`, at most prefetch + 1 ahead,
  // each with the pool's workers (started once, for the loader's life).
  std::unique_ptr<ThreadPool> pool_;
  std::thread producer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<HostBatch> ready_;
  std::exception_ptr error_;
  int64_t consumed_ = 0;  ///< batches next() returned, counted from first_
  int64_t first_ = 0;
  bool stopping_ = false;
};

}  // namespace dign::data
