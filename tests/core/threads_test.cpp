#include "core/threads.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <thread>

namespace dign {
namespace {

TEST(Threads, UsableCoresIsWithinTheMachine) {
  const int cores = usable_cores();
  EXPECT_GE(cores, 1);
  EXPECT_LE(cores, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

TEST(Threads, SetThreadsGovernsLibTorch) {
  EXPECT_EQ(set_threads(1), 1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(set_threads(0), usable_cores());
  EXPECT_EQ(at::get_num_threads(), usable_cores());
}

}  // namespace
}  // namespace dign
