#include "data/loader.h"

#include <gtest/gtest.h>

#include "data/synthetic.h"

namespace dign::data {
namespace {

ImageSet images(int64_t n) {
  SyntheticOptions o;
  o.train_size = n;
  o.test_size = 1;
  return make_synthetic(o).train;
}

TEST(BatchLoader, VisitsTheOrderInBatchesWithMatchingLabels) {
  const auto set = images(10);
  const std::vector<int64_t> order = {9, 3, 5, 0, 1, 2, 4, 6, 7, 8};
  BatchLoader loader(set, order, LoaderOptions().batch_size(4), nullptr);
  EXPECT_EQ(loader.num_batches(), 3);
  std::vector<int64_t> seen;
  while (auto batch = loader.next()) {
    EXPECT_EQ(batch->images.dim(), 4);
    EXPECT_EQ(batch->images.size(1), 3);
    for (size_t i = 0; i < batch->indices.size(); ++i) {
      seen.push_back(batch->indices[i]);
      EXPECT_EQ(batch->labels[static_cast<int64_t>(i)].item<int64_t>(),
                set.labels[static_cast<size_t>(batch->indices[i])]);
    }
  }
  EXPECT_EQ(seen, order);
}

TEST(BatchLoader, AugmentedBatchesDependOnSeedAndEpochNotOnPrefetch) {
  const auto set = images(12);
  std::vector<int64_t> order(12);
  std::iota(order.begin(), order.end(), 0);
  AugmentOptions augment;
  auto first = [&](int64_t prefetch, uint64_t seed, int64_t epoch) {
    BatchLoader loader(set, order,
                       LoaderOptions().batch_size(5).prefetch(prefetch).seed(seed).epoch(epoch),
                       &augment);
    return loader.next()->images;
  };
  EXPECT_TRUE(torch::equal(first(0, 1, 0), first(3, 1, 0)));
  EXPECT_FALSE(torch::equal(first(1, 1, 0), first(1, 2, 0)));
  EXPECT_FALSE(torch::equal(first(1, 1, 0), first(1, 1, 1)));
}

TEST(BatchLoader, DropsAFinalBatchSmallerThanMinBatch) {
  const auto set = images(9);
  std::vector<int64_t> order(9);
  std::iota(order.begin(), order.end(), 0);
  EXPECT_EQ(
      BatchLoader(set, order, LoaderOptions().batch_size(4).min_batch(2), nullptr).num_batches(),
      2);
  EXPECT_EQ(BatchLoader(set, order, LoaderOptions().batch_size(4), nullptr).num_batches(), 3);
}

}  // namespace
}  // namespace dign::data
