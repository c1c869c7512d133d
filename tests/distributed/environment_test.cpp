// The launcher's environment (distributed/environment.h): torchrun's and dign launch's
// variables, read through a map so that the real environment is never touched.
#include "distributed/environment.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_util.h"

namespace dign::distributed {
namespace {

using testing::contains;

std::optional<WorldEnv> parse(std::map<std::string, std::string> variables) {
  return world_from(map_getter(std::move(variables)));
}

/// The message of the dign::Error `variables` raise ("" when none).
std::string error_of(std::map<std::string, std::string> variables) {
  try {
    parse(std::move(variables));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WorldEnvironment, NeitherRankNorWorldSizeIsOneProcess) {
  EXPECT_FALSE(parse({}).has_value());
  EXPECT_FALSE(parse({{"MASTER_PORT", "1234"}, {"LOCAL_RANK", "0"}}).has_value());
}

TEST(WorldEnvironment, ReadsTheLaunchersVariables) {
  const auto w = parse({{"RANK", "3"},
                        {"WORLD_SIZE", "4"},
                        {"LOCAL_RANK", "1"},
                        {"LOCAL_WORLD_SIZE", "2"},
                        {"MASTER_ADDR", "node7"},
                        {"MASTER_PORT", "29543"}});
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->rank, 3);
  EXPECT_EQ(w->world_size, 4);
  EXPECT_EQ(w->local_rank, 1);
  EXPECT_EQ(w->local_world_size, 2);
  EXPECT_EQ(w->master_addr, "node7");
  EXPECT_EQ(w->master_port, 29543);
  EXPECT_FALSE(w->agent_store);
  EXPECT_EQ(w->restart_count, 0);
}

TEST(WorldEnvironment, DefaultsAsTorch) {
  const auto w = parse({{"RANK", "1"}, {"WORLD_SIZE", "2"}});
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->local_rank, 1);        // LOCAL_RANK defaults to RANK
  EXPECT_EQ(w->local_world_size, 2);  // LOCAL_WORLD_SIZE to WORLD_SIZE
  EXPECT_EQ(w->master_addr, "127.0.0.1");
  EXPECT_EQ(w->master_port, 29500);
}

TEST(WorldEnvironment, TorchrunsAgentStore) {
  const auto w = parse({{"RANK", "0"},
                        {"WORLD_SIZE", "2"},
                        {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                        {"TORCHELASTIC_RESTART_COUNT", "2"}});
  ASSERT_TRUE(w.has_value());
  EXPECT_TRUE(w->agent_store);
  EXPECT_EQ(w->restart_count, 2);
  EXPECT_FALSE(
      parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"TORCHELASTIC_USE_AGENT_STORE", "False"}})
          ->agent_store);
}

TEST(WorldEnvironment, BadInputNamesTheVariable) {
  EXPECT_TRUE(contains(error_of({{"WORLD_SIZE", "2"}}), "RANK is not set"));
  EXPECT_TRUE(contains(error_of({{"RANK", "0"}}), "WORLD_SIZE is not set"));
  EXPECT_TRUE(contains(error_of({{"RANK", "x"}, {"WORLD_SIZE", "2"}}), "RANK='x'"));
  EXPECT_TRUE(contains(error_of({{"RANK", "0"}, {"WORLD_SIZE", "2.5"}}), "WORLD_SIZE='2.5'"));
  EXPECT_TRUE(contains(error_of({{"RANK", "2"}, {"WORLD_SIZE", "2"}}), "RANK=2"));
  EXPECT_TRUE(contains(error_of({{"RANK", "-1"}, {"WORLD_SIZE", "2"}}), "RANK=-1"));
  EXPECT_TRUE(contains(error_of({{"RANK", "0"}, {"WORLD_SIZE", "0"}}), "WORLD_SIZE=0"));
  for (const char* port : {"0", "65536", "http", "", "80x"}) {
    const auto message = error_of({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", port}});
    EXPECT_TRUE(contains(message, "MASTER_PORT")) << port << ": " << message;
  }
  EXPECT_TRUE(
      contains(error_of({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "z"}}), "LOCAL_RANK"));
  // One line each.
  EXPECT_EQ(error_of({{"WORLD_SIZE", "2"}}).find('\n'), std::string::npos);
}

}  // namespace
}  // namespace dign::distributed
