#include "core/machine.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace dign {
namespace {
using testing::contains;

Machine on_cpu(const std::string& precision, const std::string& memory_format) {
  MachineOptions o;
  o.threads = 1;
  o.device = "cpu";
  o.precision = precision;
  o.memory_format = memory_format;
  return resolve_machine(o);
}

TEST(Machine, MemoryFormatAutoFollowsThePrecisionAndBadNamesAreNamed) {
  EXPECT_EQ(on_cpu("bf16", "auto").memory_format, "channels-last");
  EXPECT_EQ(on_cpu("fp32", "auto").memory_format, "contiguous");
  EXPECT_EQ(on_cpu("fp32", "channels-last").memory_format, "channels-last");
  EXPECT_EQ(on_cpu("bf16", "contiguous").memory_format, "contiguous");
  try {
    on_cpu("fp32", "nhwc");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_TRUE(contains(e.what(), "memory_format")) << e.what();
    EXPECT_TRUE(contains(e.what(), "nhwc")) << e.what();
  }
}

TEST(Machine, ResolvesOnceWithTheRequestedThreadsAndPrecision) {
  const Machine m = on_cpu("bf16", "auto");
  EXPECT_EQ(m.threads, 1);
  EXPECT_EQ(m.precision, Precision::kBf16);
  EXPECT_EQ(m.device_name(), "cpu");
  EXPECT_EQ(m.to_json()["precision"], "bf16");
  // A resumed run keeps its own precision whatever auto would choose now.
  MachineOptions o;
  o.threads = 1;
  o.device = "cpu";
  EXPECT_EQ(resolve_machine(o, "fp32").precision, Precision::kFp32);
  o.device = "tpu";
  EXPECT_TRUE(contains(testing::error_of([&] { resolve_machine(o); }), "device"));
  o.device = "cuda:x";
  EXPECT_TRUE(contains(testing::error_of([&] { resolve_machine(o); }), "cuda:N"));
}

}  // namespace
}  // namespace dign
