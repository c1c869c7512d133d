// The cell log of a corrupted-set evaluation: an evaluation stopped after a cell resumes there
// and ends with the same bits (cells, records and pooled meters) as one that ran through; a log
// of another evaluation, or a damaged one, is not resumed.
#include "eval/cell_log.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>

#include "core/file_io.h"
#include "core/stop_signal.h"
#include "eval/fake_corrupted_set.h"
#include "eval/mean_brightness.h"
#include "test_util.h"

namespace dign::eval {
namespace {
namespace fs = std::filesystem;
using testing::contains;

/// Batches straddle the cells' images; a temperature (scaled meters) and the bootstrap's
/// per-image records, so that every part of a cell is logged.
EvalOptions options() {
  EvalOptions o;
  o.batch_size = 3;
  o.temperature = 1.5;
  o.bootstrap = 10;
  return o;
}

void expect_same(const ConditionResult& a, const ConditionResult& b) {
  EXPECT_EQ(a.accuracy.correct(), b.accuracy.correct());
  EXPECT_EQ(a.accuracy.total(), b.accuracy.total());
  EXPECT_EQ(a.calibration.exact_state(), b.calibration.exact_state());
  ASSERT_EQ(a.scaled.has_value(), b.scaled.has_value());
  if (a.scaled) {
    EXPECT_EQ(a.scaled->exact_state(), b.scaled->exact_state());
  }
  EXPECT_EQ(a.temperature, b.temperature);
  EXPECT_EQ(a.records.confidence, b.records.confidence);
  EXPECT_EQ(a.records.correct, b.records.correct);
  EXPECT_EQ(a.records.predicted, b.records.predicted);
  EXPECT_EQ(a.records.label, b.records.label);
}

void expect_same(const CorruptedResults& a, const CorruptedResults& b) {
  ASSERT_EQ(a.cells.size(), b.cells.size());
  for (size_t c = 0; c < a.cells.size(); ++c) {
    for (size_t s = 0; s < a.cells[c].size(); ++s) expect_same(a.cells[c][s], b.cells[c][s]);
  }
  expect_same(a.pooled_all, b.pooled_all);
  expect_same(a.pooled_noise, b.pooled_noise);
}

class CellLogTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  testing::MeanBrightness model;
  testing::FakeCorruptedSet set{40};
  std::ostringstream text;
  StreamProgress progress{text};
  CorruptedResults run(const CellLog* log) {
    return evaluate_corrupted(model, set, torch::kCPU, options(), {}, progress, log);
  }
  /// Stops the logged evaluation after its first cell (of 6).
  void stop_after_first_cell(const CellLog& log) {
    request_stop(SIGTERM);
    try {
      run(&log);
      ADD_FAILURE() << "not stopped";
    } catch (const Stopped& stopped) {
      EXPECT_EQ(stopped.signal_number(), SIGTERM);
    }
    clear_stop_request();
  }
};

TEST_F(CellLogTest, AStoppedEvaluationResumesWithTheSameBits) {
  const CorruptedResults through = run(nullptr);
  EXPECT_EQ(through.resumed_cells, 0u);
  const CellLog log(dir.str("eval.partial"), {{"model", "m"}});
  stop_after_first_cell(log);
  EXPECT_TRUE(fs::exists(dir.str("eval.partial/state.json")));
  EXPECT_TRUE(fs::exists(dir.str("eval.partial/cell-0.bin")));
  EXPECT_FALSE(fs::exists(dir.str("eval.partial/cell-1.bin")));
  const CorruptedResults resumed = run(&log);
  EXPECT_EQ(resumed.resumed_cells, 1u);
  EXPECT_TRUE(contains(text.str(), "resuming after the 1 of 6 cells finished before"))
      << text.str();
  expect_same(resumed, through);
  // Every cell done: a second resume restores them all and scores nothing.
  const CorruptedResults again = run(&log);
  EXPECT_EQ(again.resumed_cells, 6u);
  expect_same(again, through);
  log.remove();
  EXPECT_FALSE(fs::exists(dir.str("eval.partial")));
}

TEST_F(CellLogTest, ALogOfAnotherEvaluationIsNotResumed) {
  const CorruptedResults through = run(nullptr);
  stop_after_first_cell(CellLog(dir.str("p"), {{"model", "m"}, {"data", "d"}}));
  const CellLog another(dir.str("p"), {{"model", "m2"}, {"data", "d"}});
  const CorruptedResults other = run(&another);
  EXPECT_EQ(other.resumed_cells, 0u);
  EXPECT_TRUE(contains(text.str(), "finished cells of another evaluation (model differ)"))
      << text.str();
  expect_same(other, through);
}

TEST_F(CellLogTest, ADamagedLogIsNotResumed) {
  const CorruptedResults through = run(nullptr);
  const CellLog log(dir.str("p"), {{"model", "m"}});
  stop_after_first_cell(log);
  fs::remove(dir.str("p/cell-0.bin"));  // the cell's records are gone
  CorruptedResults r = run(&log);
  EXPECT_EQ(r.resumed_cells, 0u);
  EXPECT_TRUE(contains(text.str(), "cannot be resumed")) << text.str();
  expect_same(r, through);
  write_file_atomic(dir.str("p/state.json"), std::string("{\"key\": {\"model\": \"m\"}, \"cel"));
  r = run(&log);
  EXPECT_EQ(r.resumed_cells, 0u);
  expect_same(r, through);
}

TEST(CellLogDir, IsBesideTheReport) {
  EXPECT_EQ(cell_log_dir("runs/a/eval.json"), "runs/a/eval.partial");
  EXPECT_EQ(cell_log_dir("r.json"), "r.partial");
}

}  // namespace
}  // namespace dign::eval
