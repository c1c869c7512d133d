// The cell log of a corrupted-set evaluation: an evaluation stopped after a cell resumes there
// and ends with the same bits (cells, records and pooled meters) as one that ran through; a log
// of another evaluation, a damaged one or one whose records changed is deleted, not resumed; a
// log that cannot be written is given up while the evaluation goes on.
#include "eval/cell_log.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/file_io.h"
#include "core/stop_signal.h"
#include "eval/mean_brightness.h"
#include "test_util.h"

namespace dign::eval {
namespace {
namespace fs = std::filesystem;
using testing::contains;

/// 3 corruptions x 2 severities of 7 images of many brightnesses, so that MeanBrightness's
/// confidences differ from image to image and cell to cell.
class VariedSet : public data::CorruptedSet {
 public:
  VariedSet() {
    corruptions_ = {"gaussian_noise", "shot_noise", "fog"};
    severities_ = {1, 2};
    labels_ = {0, 1, 0, 1, 1, 0, 0};
    height_ = width_ = 2;
  }
  void read(size_t c, size_t s, int64_t begin, int64_t count, uint8_t* out) const override {
    for (int64_t i = 0; i < count; ++i) {
      for (int p = 0; p < 12; ++p) {
        out[i * 12 + p] = static_cast<uint8_t>((37 * (begin + i) + 53 * c + 29 * s + 11 * p) % 256);
      }
    }
  }
  nlohmann::json describe() const override { return {{"source", "varied"}}; }
};

/// Requests a stop (as SIGTERM would) when the `after`-th cell is reported.
class StopAfter : public StreamProgress {
 public:
  StopAfter(std::ostream& out, int after) : StreamProgress(out), left_(after) {}
  void message(const std::string& line) override {
    StreamProgress::message(line);
    if (contains(line, " severity ") && --left_ == 0) request_stop(SIGTERM);
  }

 private:
  int left_;
};

/// Batches of 3 over 7 images: the pooled meters merge three batches a cell, unlike the cells'
/// own; a temperature (scaled meters) and the bootstrap's per-image records, so that every part
/// of a cell is logged.
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
  VariedSet set;
  std::ostringstream text;
  StreamProgress progress{text};
  CorruptedResults run(const CellLog* log) {
    return evaluate_corrupted(model, set, torch::kCPU, options(), {}, progress, log);
  }
  /// Stops the logged evaluation once its `after`-th cell (of 6) is kept.
  void stop_after(const CellLog& log, int after) {
    StopAfter stopping(text, after);
    try {
      evaluate_corrupted(model, set, torch::kCPU, options(), {}, stopping, &log);
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
  // The confidences differ (7 distinct values in a cell), or the test would prove little.
  const auto& conf = through.cells[1][0].records.confidence;
  EXPECT_EQ(std::set<float>(conf.begin(), conf.end()).size(), 7u);
  const CellLog log(dir.str("eval.partial"), {{"model", "m"}});
  // After gaussian_noise (excluded from the pools) and shot_noise severity 1: the pooled meters
  // restored are not empty.
  stop_after(log, 3);
  EXPECT_TRUE(fs::exists(dir.str("eval.partial/cell-2.bin")));
  EXPECT_FALSE(fs::exists(dir.str("eval.partial/cell-3.bin")));
  const auto state = nlohmann::json::parse(read_text_file(dir.str("eval.partial/state.json")));
  EXPECT_EQ(state["cells"].size(), 3u);
  EXPECT_EQ(state["of"], 6);
  const CorruptedResults resumed = run(&log);
  EXPECT_EQ(resumed.resumed_cells, 3u);
  EXPECT_EQ(resumed.resumed_seconds, state["seconds"].get<double>());
  EXPECT_GE(resumed.seconds, resumed.resumed_seconds);
  EXPECT_TRUE(contains(text.str(), "resuming after the 3 of 6 cells finished before"))
      << text.str();
  expect_same(resumed, through);
  // Every cell done: a second resume restores them all and scores nothing.
  const CorruptedResults again = run(&log);
  EXPECT_EQ(again.resumed_cells, 6u);
  expect_same(again, through);
  log.remove();
  EXPECT_FALSE(fs::exists(dir.str("eval.partial")));
}

TEST_F(CellLogTest, ALogOfAnotherEvaluationIsDeletedNotResumed) {
  const CorruptedResults through = run(nullptr);
  stop_after(CellLog(dir.str("p"), {{"model", "m"}, {"data", "d"}}), 2);
  const CellLog another(dir.str("p"), {{"model", "m2"}, {"data", "d"}});
  const CorruptedResults other = run(&another);
  EXPECT_EQ(other.resumed_cells, 0u);
  EXPECT_TRUE(contains(text.str(), "warning: " + dir.str("p") +
                                       ": holds the cells of another evaluation (model differ); "
                                       "the evaluation starts over"))
      << text.str();
  expect_same(other, through);
}

TEST_F(CellLogTest, ADamagedLogOrChangedRecordsAreNotResumed) {
  const CorruptedResults through = run(nullptr);
  const CellLog log(dir.str("p"), {{"model", "m"}});
  stop_after(log, 2);
  std::vector<uint8_t> bytes = read_file(dir.str("p/cell-1.bin"));
  bytes[0] ^= 1;  // same size, other records
  write_file_atomic(dir.str("p/cell-1.bin"), bytes.data(), bytes.size());
  CorruptedResults r = run(&log);
  EXPECT_EQ(r.resumed_cells, 0u);
  EXPECT_TRUE(contains(text.str(), "cell-1.bin: not the records its state.json recorded"))
      << text.str();
  expect_same(r, through);
  fs::remove(dir.str("p/cell-0.bin"));  // gone
  r = run(&log);
  EXPECT_EQ(r.resumed_cells, 0u);
  expect_same(r, through);
  write_file_atomic(dir.str("p/state.json"), std::string("{\"key\": {\"model\": \"m\"}, \"cel"));
  r = run(&log);
  EXPECT_EQ(r.resumed_cells, 0u);
  expect_same(r, through);
}

TEST_F(CellLogTest, ALogThatCannotBeWrittenIsGivenUpAndTheEvaluationGoesOn) {
  const CorruptedResults through = run(nullptr);
  write_file_atomic(dir.str("p"), std::string("a file where the log's directory would be"));
  const CellLog log(dir.str("p"), {{"model", "m"}});
  const CorruptedResults r = run(&log);
  expect_same(r, through);
  const std::string said = text.str();
  const size_t first = said.find("cannot keep the finished cells");
  EXPECT_NE(first, std::string::npos) << said;
  EXPECT_EQ(said.find("cannot keep the finished cells", first + 1), std::string::npos) << said;
}

TEST(CellLogDir, IsBesideTheReport) {
  EXPECT_EQ(cell_log_dir("runs/a/eval.json"), "runs/a/eval.partial");
  EXPECT_EQ(cell_log_dir("r.json"), "r.partial");
}

}  // namespace
}  // namespace dign::eval
