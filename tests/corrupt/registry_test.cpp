#include "corrupt/registry.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "data/corrupted_set.h"
#include "test_util.h"

namespace dign::corrupt {
namespace {
using testing::contains;
using testing::error_of;

cv::Mat test_image(int side) {
  cv::Mat image(side, side, CV_8UC3);
  for (int i = 0; i < side * side * 3; ++i) image.data[i] = static_cast<uint8_t>((i * 37) % 251);
  return image;
}

TEST(CorruptionRegistry, NineteenForCifarFifteenForTinyInTheOriginalOrder) {
  const auto cifar = corruption_names(Table::kCifar);
  const auto tiny = corruption_names(Table::kTiny);
  ASSERT_EQ(cifar.size(), 19u);
  ASSERT_EQ(tiny.size(), 15u);
  EXPECT_EQ(cifar.front(), "gaussian_noise");
  EXPECT_EQ(cifar[14], "jpeg_compression");
  EXPECT_EQ(cifar.back(), "saturate");
  EXPECT_EQ(std::set<std::string>(cifar.begin(), cifar.end()).size(), 19u);
  std::map<std::string, int> per_family;
  for (const auto& c : corruption_catalog()) ++per_family[c.family];
  EXPECT_EQ(per_family, (std::map<std::string, int>{
                            {"noise", 4}, {"blur", 5}, {"weather", 5}, {"digital", 5}}));
  const auto message = error_of([] { find_corruption("rain"); });
  EXPECT_TRUE(contains(message, "'rain'")) << message;
  EXPECT_TRUE(contains(message, "glass_blur")) << message;
}

TEST(CorruptionRegistry, ReadersListCorruptionsInTheCatalogsOrder) {
  // data/ sorts the corrupted sets it reads by this list without depending on corrupt/.
  EXPECT_EQ(corruption_names(Table::kCifar), data::generator_corruption_order());
}

TEST(CorruptionRegistry, EveryCorruptionIsAPureFunctionOfSeedCorruptionSeverityAndIndex) {
  for (const Table table : {Table::kCifar, Table::kTiny}) {
    const cv::Mat image = test_image(table == Table::kCifar ? 32 : 64);
    Context context;
    context.table = table;
    for (const auto& name : corruption_names(table)) {
      const Corruption& c = find_corruption(name);
      for (int severity = 1; severity <= 5; ++severity) {
        const cv::Mat a = corrupt_image(c, image, severity, 7, 3, context);
        const cv::Mat b = corrupt_image(c, image, severity, 7, 3, context);
        ASSERT_EQ(a.type(), CV_8UC3) << name;
        ASSERT_EQ(a.size(), image.size()) << name;
        EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0) << name << " severity " << severity;
      }
      EXPECT_TRUE(contains(error_of([&] { corrupt_image(c, image, 6, 0, 0, context); }), "1 to 5"));
    }
  }
  EXPECT_NE(image_seed(0, "snow", 1, 0), image_seed(0, "snow", 1, 1));
  EXPECT_NE(image_seed(0, "snow", 1, 0), image_seed(0, "snow", 2, 0));
  EXPECT_NE(image_seed(0, "snow", 1, 0), image_seed(0, "fog", 1, 0));
  EXPECT_NE(image_seed(0, "snow", 1, 0), image_seed(1, "snow", 1, 0));
}

}  // namespace
}  // namespace dign::corrupt
