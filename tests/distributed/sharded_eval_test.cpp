#include "distributed/sharded_eval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "core/progress.h"
#include "data/synthetic.h"
#include "dign_process.h"
#include "distributed/environment.h"
#include "distributed/same_json.h"
#include "distributed/thread_ranks.h"
#include "eval/attack_condition.h"
#include "eval/conditions.h"
#include "eval/corruption_eval.h"
#include "eval/fake_corrupted_set.h"
#include "models/resnet.h"

namespace dign::distributed {
namespace {

using dign::testing::thread_shards;
using torch::Tensor;

TEST(ShardedEval, PositionsAreStridedAndGatherRestoresBatchOrder) {
  // 7 rows over 3 ranks: rank 0 takes 0, 3, 6; rank 1 takes 1, 4; rank 2 takes 2, 5.
  dign::testing::ThreadRanks ranks(3);
  std::vector<std::vector<int64_t>> positions(3);
  std::vector<Tensor> gathered(3);
  ranks.run([&](int r) {
    const auto shards = thread_shards(ranks, r);
    positions[r] = shard_positions(7, *shards);
    // Row i of the batch holds (10 i, 10 i + 1); each rank fills only its own rows.
    std::vector<Tensor> rows;
    for (int64_t i : positions[r]) rows.push_back(torch::tensor({10.0 * i, 10.0 * i + 1}));
    gathered[r] = gather_rows(torch::stack(rows), 7, *shards);
  });
  EXPECT_EQ(positions[0], (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(positions[1], (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(positions[2], (std::vector<int64_t>{2, 5}));
  const Tensor expected = torch::arange(7, torch::kDouble).mul(10).unsqueeze(1) +
                          torch::tensor({0.0, 1.0}, torch::kDouble);
  for (const auto& g : gathered) EXPECT_TRUE(torch::equal(g, expected)) << g;
  EXPECT_EQ(shard_of({5, 8, 13, 21, 34}, EvalShards{1, 2, {}, {}}), (std::vector<int64_t>{8, 21}));
}

TEST(ShardedEval, AccuracyCountsAddUpOverRanks) {
  dign::testing::ThreadRanks ranks(2);
  std::vector<metrics::AccuracyMeter> totals(2);
  ranks.run([&](int r) {
    metrics::AccuracyMeter local;
    local.add(r == 0 ? 3 : 4, r == 0 ? 5 : 9);
    totals[r] = sum_over_ranks(local, *thread_shards(ranks, r));
  });
  for (const auto& t : totals) {
    EXPECT_EQ(t.correct(), 7);
    EXPECT_EQ(t.total(), 14);
  }
}

/// Every number of `a` equals b's (integers exactly, others within `tol`), same keys and sizes.
/// The report sections of every condition (clean, Gaussian noise, corrupted, a PGD attack),
/// as run_evaluation makes them, with `shards` (null = one process).
nlohmann::json evaluate_all(models::ClassifierImpl& model, const data::ImageSet& test,
                            std::shared_ptr<const EvalShards> shards,
                            std::vector<eval::PredictionRecords>* records) {
  eval::EvalOptions options;
  options.batch_size = 5;  // several batches, the last one short; with 3 ranks, uneven shards
  options.noise_sigmas = {0.1, 0.3};
  options.bootstrap = 20;  // keeps per-image records and adds intervals computed from them
  options.seed = 17;
  options.shards = std::move(shards);
  eval::AttackOptions attack;
  attack.epsilon = 4.0 / 255;
  attack.steps = 2;
  attack.limit = 9;
  std::vector<std::unique_ptr<eval::Condition>> conditions;
  conditions.push_back(std::make_unique<eval::CleanCondition>(test));
  conditions.push_back(std::make_unique<eval::GaussianNoiseCondition>(test, options.noise_sigmas));
  conditions.push_back(std::make_unique<eval::CorruptedCondition>(
      std::make_unique<dign::testing::FakeCorruptedSet>(40), eval::CorruptionEvalOptions(),
      nlohmann::json(), ""));
  conditions.push_back(std::make_unique<eval::AttackCondition>(test, std::vector{attack}));
  SilentProgress progress;
  eval::EvalContext context{model, torch::kCPU, options, progress};
  nlohmann::json report;
  for (auto& condition : conditions) condition->evaluate(context, report);
  // The clean condition's records, to compare image by image.
  if (records != nullptr) {
    records->push_back(
        eval::evaluate_condition(model, test, torch::kCPU, context.options, 0.0).records);
    auto ensemble = context.options;  // RSE's test-time ensemble: noise keyed by image index
    ensemble.ensemble = 3;
    ensemble.ensemble_sigma = 0.2;
    records->push_back(eval::evaluate_condition(model, test, torch::kCPU, ensemble, 0.0).records);
  }
  return report;
}

models::Classifier small_resnet() {
  torch::manual_seed(0);
  return models::make_classifier(models::ResNet18Options().width(2),
                                 models::ModelData().num_classes(10));
}

void expect_same_records(const eval::PredictionRecords& a, const eval::PredictionRecords& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.correct, b.correct);
  EXPECT_EQ(a.predicted, b.predicted);
  EXPECT_EQ(a.label, b.label);
  for (size_t i = 0; i < a.confidence.size(); ++i) {
    EXPECT_NEAR(a.confidence[i], b.confidence[i], 1e-6) << i;
  }
}

TEST(ShardedEval, ReportsOverTwoAndThreeRanksEqualOneProcess) {
  data::SyntheticOptions synthetic;
  synthetic.train_size = 1;
  synthetic.test_size = 23;
  synthetic.image_size = 16;
  const data::Dataset data = data::make_synthetic(synthetic);
  auto reference_model = small_resnet();
  std::vector<eval::PredictionRecords> reference_records;
  const nlohmann::json reference =
      evaluate_all(*reference_model, data.test, nullptr, &reference_records);
  ASSERT_TRUE(reference.contains("corrupted"));
  ASSERT_EQ(reference["adversarial"][0]["images"], 9);

  for (int size : {2, 3}) {
    dign::testing::ThreadRanks ranks(size);
    std::vector<nlohmann::json> reports(static_cast<size_t>(size));
    std::vector<std::vector<eval::PredictionRecords>> records(static_cast<size_t>(size));
    // Each rank its own replica, as separate processes (made here: the seed is global).
    std::vector<models::Classifier> replicas;
    for (int r = 0; r < size; ++r) replicas.push_back(small_resnet());
    ranks.run([&](int r) {
      reports[r] = evaluate_all(*replicas[r], data.test, thread_shards(ranks, r), &records[r]);
    });
    for (int r = 0; r < size; ++r) {
      SCOPED_TRACE("rank " + std::to_string(r) + " of " + std::to_string(size));
      dign::testing::expect_same_json(reports[r], reference, "report");
      for (size_t k = 0; k < reference_records.size(); ++k) {
        expect_same_records(records[r][k], reference_records[k]);
      }
    }
  }
}

/// FakeCorruptedSet counting the images it is asked for.
class CountingSet : public dign::testing::FakeCorruptedSet {
 public:
  void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const override {
    images_read += count;
    FakeCorruptedSet::read(c, s, begin, count, out);
  }
  mutable int64_t images_read = 0;
};

TEST(ShardedEval, EachRankReadsOnlyTheCorruptedImagesItScores) {
  // 4 images x 3 corruptions x 2 severities = 24 reads for one process; in batches of 3 (images
  // 0-2, then 3), rank 0 of 2 scores positions 0 and 2 of the first batch and 0 of the second
  // (3 images per cell, 18 in all), rank 1 position 1 of the first (1 per cell, 6).
  auto model = small_resnet();
  eval::EvalOptions options;
  options.batch_size = 3;
  SilentProgress progress;
  CountingSet alone;
  const auto reference =
      eval::evaluate_corrupted(*model, alone, torch::kCPU, options, {}, progress);
  EXPECT_EQ(alone.images_read, 24);
  dign::testing::ThreadRanks ranks(2);
  std::vector<CountingSet> sets(2);
  std::vector<std::vector<int64_t>> correct(2);
  std::vector<models::Classifier> replicas = {small_resnet(), small_resnet()};
  ranks.run([&](int r) {
    auto sharded = options;
    sharded.shards = thread_shards(ranks, r);
    const auto results =
        eval::evaluate_corrupted(*replicas[r], sets[r], torch::kCPU, sharded, {}, progress);
    for (const auto& row : results.cells) {
      for (const auto& cell : row) correct[r].push_back(cell.accuracy.correct());
    }
  });
  EXPECT_EQ(sets[0].images_read, 18);
  EXPECT_EQ(sets[1].images_read, 6);
  // ... and every rank still reports what one process does.
  std::vector<int64_t> expected;
  for (const auto& row : reference.cells) {
    for (const auto& cell : row) expected.push_back(cell.accuracy.correct());
  }
  EXPECT_EQ(correct[0], expected);
  EXPECT_EQ(correct[1], expected);
}

// End to end through the built binary on 127.0.0.1: `dign eval` of a run trained here, under
// `dign launch --nproc 2`, writes the report one process writes (timing apart), and the same
// per-image predictions.
TEST(ShardedEvalEndToEnd, LaunchedOverTwoRanksTheReportEqualsOneProcess) {
  dign::testing::TempDir dir;
  const std::string data = "--data synthetic --synthetic-train 64 --synthetic-test 23 ";
  auto r = dign::testing::run_dign("train " + data +
                                       "--width 4 --batch-size 16 --method standard --quiet "
                                       "--threads 1 --epochs 1 --out " +
                                       dir.str("run"),
                                   dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string eval = "eval --model " + dir.str("run") + " " + data +
                           "--noise-sigmas 0.1 0.3 --batch-size 5 --bootstrap 10 "
                           "--corrupted generate --corruptions gaussian_noise,contrast "
                           "--severities 1 3 --attack pgd --attack-steps 2 --attack-limit 9 "
                           "--threads 1 --quiet";
  r = dign::testing::run_dign(
      eval + " --report " + dir.str("one.json") + " --save-predictions " + dir.str("one"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  // Two ranks as torchrun starts them: the environment contract, rank 1 in the background; the
  // exit status is nonzero if either rank failed.
  const std::string env = "WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" +
                          std::to_string(distributed::free_loopback_port());
  const std::string ranked =
      eval + " --report " + dir.str("two.json") + " --save-predictions " + dir.str("two");
  const std::string binary = DIGN_BINARY;
  const std::string command = "env RANK=1 " + env + " " + binary + " " + ranked + " 2>" +
                              dir.str("rank1.err") + " & pid=$!; env RANK=0 " + env + " " + binary +
                              " " + ranked + " 2>" + dir.str("rank0.err") +
                              "; a=$?; wait $pid; b=$?; exit $((a | b))";
  const int status = std::system(("/bin/sh -c '" + command + "'").c_str());
  ASSERT_EQ(status, 0) << read_text_file(dir.str("rank0.err"))
                       << read_text_file(dir.str("rank1.err"));
  // And through dign launch.
  r = dign::testing::run_dign("launch --nproc 2 -- " + eval + " --report " + dir.str("three.json"),
                              dir);
  ASSERT_EQ(r.code, 0) << r.err;
  auto one = nlohmann::json::parse(read_text_file(dir.str("one.json")));
  auto two = nlohmann::json::parse(read_text_file(dir.str("two.json")));
  auto three = nlohmann::json::parse(read_text_file(dir.str("three.json")));
  EXPECT_EQ(two["timing"]["ranks"], 2);
  EXPECT_EQ(three["timing"]["ranks"], 2);
  three.erase("timing");
  three.erase("predictions");
  auto one_without_predictions = one;
  one_without_predictions.erase("timing");
  one_without_predictions.erase("predictions");
  dign::testing::expect_same_json(three, one_without_predictions, "report through dign launch");
  for (auto* report : {&one, &two}) {
    report->erase("timing");
    (*report)["predictions"].erase("dir");
  }
  ASSERT_TRUE(one.contains("corrupted") && one.contains("adversarial"));
  dign::testing::expect_same_json(two, one, "report");
  for (const char* file : {"clean.predicted.npy", "clean.label.npy", "gaussian_noise.predicted.npy",
                           "corrupted.predicted.npy", "corrupted.label.npy"}) {
    EXPECT_EQ(read_text_file(dir.str("two/") + file), read_text_file(dir.str("one/") + file))
        << file;
  }
}

}  // namespace
}  // namespace dign::distributed
