#include "data/loader.h"

#include <algorithm>

#include "augment/image.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/thread_pool.h"

namespace dign::data {

torch::Tensor to_float_batch(const uint8_t* hwc, int64_t count, int64_t h, int64_t w) {
  torch::Tensor batch = torch::empty({count, 3, h, w}, torch::kFloat32);
  float* out = batch.data_ptr<float>();
  for (int64_t i = 0; i < count; ++i) {
    augment::uint8_to_float_chw(hwc + i * h * w * 3, h, w, out + i * 3 * h * w);
  }
  return batch;
}

BatchLoader::BatchLoader(const ImageSet& images, std::vector<int64_t> order,
                         const LoaderOptions& options, const TrainingViews* training)
    : images_(images), order_(std::move(order)), options_(options), training_(training) {
  DIGN_CHECK(options_.batch_size() >= 1, "LoaderOptions: batch_size must be at least 1, got ",
             options_.batch_size());
  DIGN_CHECK(options_.workers() >= 1 && options_.workers() <= 1024,
             "LoaderOptions: workers must be 1 to 1024, got ", options_.workers());
  DIGN_CHECK(options_.prefetch() >= 0, "LoaderOptions: prefetch must be >= 0, got ",
             options_.prefetch());
  out_size_ = options_.image_size() > 0 ? options_.image_size() : images_.height;
  DIGN_CHECK(training_ || (images_.height == out_size_ && images_.width == out_size_),
             "loader: evaluation images are ", images_.height, "x", images_.width,
             " but the model expects ", out_size_, "x", out_size_);
  if (training_) {
    DIGN_CHECK(training_->transforms != nullptr, "loader: training views need transforms");
    for (const auto& view : training_->views) {
      DIGN_CHECK(view.name != "clean" && !view.name.empty(), "loader: view name '", view.name,
                 "' is reserved");
      DIGN_CHECK(view.stacked >= 1 && (view.stacked == 1 || view.transform), "loader: view '",
                 view.name, "' stacks ", view.stacked, " images");
    }
  }
  const auto n = static_cast<int64_t>(order_.size());
  num_batches_ = (n + options_.batch_size() - 1) / options_.batch_size();
  if (num_batches_ > 0 && n - (num_batches_ - 1) * options_.batch_size() < options_.min_batch()) {
    --num_batches_;
  }
  pool_ = std::make_unique<ThreadPool>(static_cast<int>(options_.workers()));
  start(0);
}

BatchLoader::~BatchLoader() {
  stop();
}

void BatchLoader::start(int64_t first_batch) {
  first_ = first_batch;
  consumed_ = 0;
  stopping_ = false;
  error_ = nullptr;
  ready_.clear();
  producer_ = std::thread([this, first_batch] { produce(first_batch); });
}

void BatchLoader::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (producer_.joinable()) producer_.join();
}

void BatchLoader::skip(int64_t batches) {
  stop();
  start(std::min(num_batches_, std::max<int64_t>(batches, 0)));
}

void BatchLoader::produce(int64_t first_batch) {
  for (int64_t b = first_batch; b < num_batches_; ++b) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || static_cast<int64_t>(ready_.size()) <= options_.prefetch();
      });
      if (stopping_) return;
    }
    try {
      HostBatch batch = prepare(b);
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
      changed_.notify_all();
      return;
    }
    changed_.notify_all();
  }
}

std::optional<HostBatch> BatchLoader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (first_ + consumed_ >= num_batches_) return std::nullopt;
  changed_.wait(lock, [&] { return !ready_.empty() || error_ != nullptr; });
  if (ready_.empty()) std::rethrow_exception(error_);
  HostBatch batch = std::move(ready_.front());
  ready_.pop_front();
  ++consumed_;
  lock.unlock();
  changed_.notify_all();
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
  if (training_) {
    for (const auto& view : training_->views) {
      batch.views[view.name] = torch::empty({count, 3, view.stacked * s, s}, torch::kFloat32);
    }
  }
  batch.indices.assign(order_.begin() + begin, order_.begin() + end);
  int64_t* labels = batch.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < count; ++i) {
    labels[i] = images_.labels[static_cast<size_t>(batch.indices[static_cast<size_t>(i)])];
  }
  // Every image's randomness comes from its own seeds, so the split cannot change a byte.
  pool_->run_chunks(count, [&](int64_t a, int64_t b) { prepare_images(a, b, batch); });
  return batch;
}

void BatchLoader::prepare_images(int64_t begin, int64_t end, HostBatch& batch) const {
  const int64_t plane = 3 * out_size_ * out_size_;
  float* clean = batch.images.data_ptr<float>();
  for (int64_t i = begin; i < end; ++i) {
    const int64_t index = batch.indices[static_cast<size_t>(i)];
    if (!training_) {
      augment::uint8_to_float_chw(images_.image(index), images_.height, images_.width,
                                  clean + i * plane);
      continue;
    }
    const auto epoch = static_cast<uint64_t>(options_.epoch());
    const auto image = static_cast<uint64_t>(index);
    // The image's transforms draw from (seed, epoch, image index) alone.
    SampleRng rng(derive_seed(options_.seed(), {purpose_tag("augment"), epoch, image}));
    augment::Image transformed =
        augment::from_uint8(images_.image(index), images_.height, images_.width);
    training_->transforms->apply(transformed, rng);
    DIGN_CHECK(transformed.height() == out_size_ && transformed.width() == out_size_,
               "loader: the training transforms made a ", transformed.height(), "x",
               transformed.width(), " image, the model expects ", out_size_, "x", out_size_);
    augment::to_float_chw(transformed, clean + i * plane);
    for (const auto& view : training_->views) {
      augment::Image copy = transformed;
      if (view.transform) {
        SampleRng view_rng(derive_seed(
            options_.seed(), {purpose_tag("view"), purpose_tag(view.name), epoch, image}));
        view.transform->apply(copy, view_rng);
        DIGN_CHECK(copy.height() == view.stacked * out_size_ && copy.width() == out_size_,
                   "loader: view '", view.name, "' made a ", copy.height(), "x", copy.width(),
                   " image, expected ", view.stacked * out_size_, "x", out_size_);
      }
      augment::to_float_chw(copy,
                            batch.views.at(view.name).data_ptr<float>() + i * view.stacked * plane);
    }
  }
}

}  // namespace dign::data
