// The library's progress sinks (core/progress.h): which kinds of line reach which stream.
#include "core/progress.h"

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "test_util.h"

namespace dign {
namespace {

using testing::Capture;

TEST(StreamProgress, MessagesAndWarningsAreLinesStatusesAreDropped) {
  std::ostringstream out;
  StreamProgress progress(out);
  progress.message("epoch 1 done");
  progress.status("[1/2] 3/5 loss 2.3");
  progress.warning("skipping checkpoint x.ckpt");
  progress.status("[1/2] 4/5 loss 2.2");
  progress.message("epoch 2 done");
  EXPECT_EQ(out.str(), "epoch 1 done\nwarning: skipping checkpoint x.ckpt\nepoch 2 done\n");
}

TEST(StreamProgress, WritesNothingToTheStandardStreams) {
  Capture cout(std::cout), cerr(std::cerr);
  std::ostringstream out;
  StreamProgress progress(out);
  progress.message("m");
  progress.warning("w");
  progress.status("s");
  EXPECT_EQ(cout.str(), "");
  EXPECT_EQ(cerr.str(), "");
  EXPECT_EQ(out.str(), "m\nwarning: w\n");
}

TEST(SilentProgress, ReportsNothingAnywhere) {
  Capture cout(std::cout), cerr(std::cerr);
  SilentProgress progress;
  progress.message("epoch 1 done");
  progress.status("[1/2] 3/5");
  progress.warning("skipping checkpoint x.ckpt");
  EXPECT_EQ(cout.str(), "");
  EXPECT_EQ(cerr.str(), "");
}

}  // namespace
}  // namespace dign
