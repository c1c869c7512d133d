#pragma once
// Prepares batches on background threads while the model trains. Images stay
// uint8 in memory and become float [B,3,S,S] in [0,1] only here, one batch at
// a time. Batch contents depend only on (order, seed, epoch), never on the
// number of worker threads.
//
//   BatchLoader loader(train, sampler.order(epoch), LoaderOptions().batch_size(128), &augment);
//   while (auto batch = loader.next()) { ... batch->images ... }
#include <torch/torch.h>

#include <deque>
#include <future>
#include <optional>
#include <vector>

#include "data/image_set.h"
#include "data/transforms.h"

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
};

struct HostBatch {
  torch::Tensor images;          ///< float [B,3,S,S] in [0,1], CPU
  torch::Tensor labels;          ///< int64 [B]
  std::vector<int64_t> indices;  ///< positions in the ImageSet
};

class BatchLoader {
 public:
  /// `augment` null = evaluation transform (no augmentation). `images` must outlive the loader.
  BatchLoader(const ImageSet& images, std::vector<int64_t> order, const LoaderOptions& options,
              const AugmentOptions* augment);
  ~BatchLoader();
  /// The next batch in order, or nullopt at the end.
  std::optional<HostBatch> next();
  int64_t num_batches() const { return num_batches_; }
  /// Skip the first `batches` batches (used when resuming mid-epoch).
  void skip(int64_t batches);

 private:
  HostBatch prepare(int64_t batch_index) const;
  void refill();

  const ImageSet& images_;
  std::vector<int64_t> order_;
  LoaderOptions options_;
  std::optional<AugmentOptions> augment_;
  int64_t out_size_;
  int64_t num_batches_;
  int64_t next_to_launch_ = 0;
  std::deque<std::future<HostBatch>> in_flight_;
};

}  // namespace dign::data
