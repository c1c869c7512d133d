// `dign landscape` split over ranks: simulated 2 and 3 ranks (threads) give one process's
// figures (counts exactly, means to rounding), every rank the whole result; end to end,
// `dign launch --nproc 2 -- landscape` writes the report one process writes (timing apart).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/file_io.h"
#include "core/progress.h"
#include "dign_process.h"
#include "distributed/same_json.h"
#include "distributed/sharded_eval.h"
#include "distributed/thread_ranks.h"
#include "landscape/landscape.h"
#include "landscape/landscape_models.h"

namespace dign::distributed {
namespace {

using dign::testing::thread_shards;

landscape::LandscapeOptions small_options() {
  landscape::LandscapeOptions o;
  o.radii = {0, 0.5, 2};
  o.directions = 2;
  o.curvature_samples = 2;
  o.kl_samples = 3;
  o.sigmas = {0.1, 0.01};
  o.batch_size = 3;  // 11 images: batches of 3, 3, 3 and 2; with 3 ranks, uneven shares
  return o;
}

nlohmann::json measure(const EvalShards* shards) {
  dign::testing::SmallMlp model(/*softplus=*/false, /*batch_norm=*/true);  // fixed weights
  model.eval();
  const auto images = dign::testing::tiny_images(11);
  std::vector<int64_t> positions;
  for (int64_t i = 0; i < images.size(); ++i) positions.push_back(7 * i + 2);
  SilentProgress quiet;
  const auto o = small_options();
  return landscape::landscape_json(
      landscape::measure_landscape(model, images, positions, o, torch::kCPU, quiet, "m", shards),
      o);
}

TEST(ShardedLandscape, RanksTogetherGiveOneProcessesFigures) {
  const nlohmann::json reference = measure(nullptr);
  ASSERT_EQ(reference["images"], 11);
  ASSERT_EQ(reference["proposition1"]["train"]["images"], 11);  // every batch has 2 or more
  for (int size : {2, 3}) {
    dign::testing::ThreadRanks ranks(size);
    std::vector<nlohmann::json> results(static_cast<size_t>(size));
    ranks.run([&](int r) { results[r] = measure(thread_shards(ranks, r).get()); });
    for (int r = 0; r < size; ++r) {
      SCOPED_TRACE("rank " + std::to_string(r) + " of " + std::to_string(size));
      dign::testing::expect_same_json(results[r], reference, "landscape", 1e-9);
    }
  }
}

// Through the built binary on 127.0.0.1, the way a user runs it.
TEST(ShardedLandscapeEndToEnd, LaunchedOverTwoRanksTheReportEqualsOneProcess) {
  dign::testing::TempDir dir;
  const std::string data = "--data synthetic --synthetic-train 48 --synthetic-test 20 ";
  auto r = dign::testing::run_dign(
      "train " + data +
          "--width 2 --batch-size 16 --method standard --quiet --threads 1 --epochs 1 --out " +
          dir.str("run"),
      dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string args = "landscape --model " + dir.str("run") + " " + data +
                           "--limit 9 --radii 0,2,8 --curvature-samples 2 --kl-samples 2 "
                           "--sigmas 0.01,0.1 --batch-size 2 --threads 1 --quiet --out ";
  r = dign::testing::run_dign(args + dir.str("one"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = dign::testing::run_dign("launch --nproc 2 -- " + args + dir.str("two"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  auto one = nlohmann::json::parse(read_text_file(dir.str("one/landscape.json")));
  auto two = nlohmann::json::parse(read_text_file(dir.str("two/landscape.json")));
  EXPECT_EQ(two["timing"]["ranks"], 2);
  EXPECT_FALSE(one["timing"].contains("ranks"));
  one.erase("timing");
  two.erase("timing");
  ASSERT_EQ(one["models"][0]["images"], 9);
  dign::testing::expect_same_json(two, one, "landscape", 1e-6);
}

}  // namespace
}  // namespace dign::distributed
