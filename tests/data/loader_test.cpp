#include "data/loader.h"

#include <gtest/gtest.h>

#include "augment/augmix.h"
#include "augment/color_jitter.h"
#include "augment/pipeline.h"
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

TrainingViews paper_transforms(const ImageSet& set, std::vector<augment::ViewSpec> views = {}) {
  return {std::make_shared<augment::Compose>(augment::training_transforms(
              "crop,flip,jitter,rotate", set.height, set.width, set.height)),
          std::move(views)};
}

TEST(BatchLoader, AugmentedBatchesDependOnSeedAndEpochNotOnPrefetch) {
  const auto set = images(12);
  std::vector<int64_t> order(12);
  std::iota(order.begin(), order.end(), 0);
  const TrainingViews augment = paper_transforms(set);
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

TEST(BatchLoader, ViewsAreTheSameWhateverTheNumberOfWorkers) {
  // Two views made by the same random transform differ (each view draws from its own name's
  // stream), and every byte of every view is the same with 1, 2 or 3 workers and any prefetch.
  const auto set = images(23);
  std::vector<int64_t> order(23);
  std::iota(order.rbegin(), order.rend(), 0);
  const auto jitter = std::make_shared<augment::ColorJitter>();
  const TrainingViews views = paper_transforms(set, {{"a", jitter}, {"b", jitter}, {"c", nullptr}});
  auto all = [&](int64_t workers, int64_t prefetch) {
    BatchLoader loader(
        set, order,
        LoaderOptions().batch_size(7).seed(3).epoch(2).workers(workers).prefetch(prefetch), &views);
    std::vector<torch::Tensor> out;
    while (auto batch = loader.next()) {
      out.push_back(batch->images);
      for (const char* name : {"a", "b", "c"}) out.push_back(batch->views.at(name));
    }
    return out;
  };
  const auto one = all(1, 0);
  ASSERT_EQ(one.size(), 4u * 4u);
  for (const auto& other : {all(2, 2), all(3, 1)}) {
    ASSERT_EQ(other.size(), one.size());
    for (size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(torch::equal(one[i], other[i])) << i;
  }
  EXPECT_FALSE(torch::equal(one[1], one[2]));  // views a and b
  EXPECT_FALSE(torch::equal(one[0], one[1]));  // clean and a
  EXPECT_TRUE(torch::equal(one[0], one[3]));   // c has no transform of its own: the clean view
}

TEST(BatchLoader, AugMixViewsAreTheSameWhateverTheNumberOfWorkers) {
  // AugMix's two views (severity drawn per image) as the augmix method asks for them.
  const auto set = images(19);
  std::vector<int64_t> order(19);
  std::iota(order.begin(), order.end(), 0);
  const auto augmix = std::make_shared<augment::AugMix>();
  const TrainingViews views{std::make_shared<augment::Compose>(augment::training_transforms(
                                "crop,flip", set.height, set.width, set.height)),
                            {{"augmix_1", augmix}, {"augmix_2", augmix}}};
  auto all = [&](int64_t workers) {
    BatchLoader loader(set, order, LoaderOptions().batch_size(8).seed(4).workers(workers), &views);
    std::vector<torch::Tensor> out;
    while (auto batch = loader.next()) {
      for (const char* name : {"augmix_1", "augmix_2"}) out.push_back(batch->views.at(name));
    }
    return out;
  };
  const auto one = all(1), three = all(3);
  ASSERT_EQ(one.size(), 6u);
  for (size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(torch::equal(one[i], three[i])) << i;
  EXPECT_FALSE(torch::equal(one[0], one[1]));
  EXPECT_GE(one[0].min().item<float>(), 0.0f);
  // A view that stacks images (AugMax's chains): [B,3,k*S,S].
  const TrainingViews chains{views.transforms,
                             {{"chains", std::make_shared<augment::AugMixChains>(), 3}}};
  BatchLoader loader(set, order, LoaderOptions().batch_size(8).seed(4), &chains);
  EXPECT_EQ(loader.next()->views.at("chains").sizes(),
            (std::vector<int64_t>{8, 3, 3 * set.height, set.width}));
  EXPECT_LE(one[0].max().item<float>(), 1.0f);
}

TEST(BatchLoader, ResumesMidEpochWithTheSameBatches) {
  const auto set = images(20);
  std::vector<int64_t> order(20);
  std::iota(order.begin(), order.end(), 0);
  const TrainingViews augment = paper_transforms(set);
  BatchLoader whole(set, order, LoaderOptions().batch_size(6).seed(1), &augment);
  whole.next();
  const auto second = whole.next()->images;
  BatchLoader resumed(set, order, LoaderOptions().batch_size(6).seed(1), &augment);
  resumed.skip(1);
  EXPECT_TRUE(torch::equal(resumed.next()->images, second));
  EXPECT_TRUE(resumed.next().has_value());
  EXPECT_TRUE(resumed.next().has_value());
  EXPECT_FALSE(resumed.next().has_value());
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
