#include "data/loader.h"

#include "core/error.h"
#include "core/rng.h"

namespace dign::data {

BatchLoader::BatchLoader(const ImageSet& images, std::vector<int64_t> order,
                         const LoaderOptions& options, const AugmentOptions* augment)
    : images_(images), order_(std::move(order)), options_(options) {
  DIGN_CHECK_OPTION(options_.batch_size() >= 1, "batch_size", "expected at least 1, got ",
                    options_.batch_size());
  if (augment) augment_ = *augment;
  out_size_ = options_.image_size() > 0 ? options_.image_size() : images_.height;
  DIGN_CHECK(augment_ || (images_.height == out_size_ && images_.width == out_size_),
             "loader: evaluation images are ", images_.height, "x", images_.width,
             " but the model expects ", out_size_, "x", out_size_);
  const auto n = static_cast<int64_t>(order_.size());
  num_batches_ = (n + options_.batch_size() - 1) / options_.batch_size();
  if (num_batches_ > 0 && n - (num_batches_ - 1) * options_.batch_size() < options_.min_batch()) {
    --num_batches_;
  }
  refill();
}

BatchLoader::~BatchLoader() {
  for (auto& f : in_flight_) {
    if (f.valid()) f.wait();
  }
}

void BatchLoader::skip(int64_t batches) {
  for (auto& f : in_flight_) f.wait();
  in_flight_.clear();
  next_to_launch_ = std::min(num_batches_, batches);
  refill();
}

void BatchLoader::refill() {
  while (next_to_launch_ < num_batches_ &&
         static_cast<int64_t>(in_flight_.size()) <= options_.prefetch()) {
    const int64_t b = next_to_launch_++;
    in_flight_.push_back(std::async(std::launch::async, [this, b] { return prepare(b); }));
  }
}

std::optional<HostBatch> BatchLoader::next() {
  if (in_flight_.empty()) return std::nullopt;
  HostBatch batch = in_flight_.front().get();
  in_flight_.pop_front();
  refill();
  return batch;
}

HostBatch BatchLoader::prepare(int64_t batch_index) const {
  const int64_t begin = batch_index * options_.batch_size();
  const int64_t end =
      std::min<int64_t>(begin + options_.batch_size(), static_cast<int64_t>(order_.size()));
  const int64_t count = end - begin;
  const int64_t s = out_size_;
  HostBatch batch;
  batch.images = torch::empty({count, 3, s, s}, torch::kFloat32);
  batch.labels = torch::empty({count}, torch::kInt64);
  float* dst = batch.images.data_ptr<float>();
  int64_t* labels = batch.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t index = order_[static_cast<size_t>(begin + i)];
    batch.indices.push_back(index);
    labels[i] = images_.labels[static_cast<size_t>(index)];
    float* out = dst + i * 3 * s * s;
    if (augment_) {
      // Each image's randomness is a function of (seed, epoch, image index) alone.
      SampleRng rng(derive_seed(options_.seed(),
                                {purpose_tag("augment"), static_cast<uint64_t>(options_.epoch()),
                                 static_cast<uint64_t>(index)}));
      augment_image(images_.image(index), images_.height, images_.width, out, s, *augment_, rng);
    } else {
      to_float_chw(images_.image(index), images_.height, images_.width, out);
    }
  }
  return batch;
}

}  // namespace dign::data
