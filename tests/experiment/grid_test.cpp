// The grid file: expansion of lists into runs, stable names, and every bad input as one error
// naming the file and the entry, before any run starts.
#include "experiment/grid.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "test_util.h"

namespace dign::experiment {
namespace {

using nlohmann::json;
using testing::contains;
using testing::error_of;

json base_grid() {
  return json::parse(R"({
    "name": "t",
    "runs_root": "/tmp/nowhere",
    "train": {"data": {"path": "synthetic", "synthetic_train": 40, "synthetic_test": 20},
              "model": {"arch": "resnet18", "width": 2}, "epochs": 1},
    "runs": [{"method": ["standard", "dign"], "seed": [0, 1, 2]},
             {"method": {"method": "dign", "lambda": [0.5, 0.02]}, "seed": 0},
             {"lr_milestones": [[7, 11], [5]], "method": "gn", "seed": 0}]
  })");
}

TEST(Grid, ListsExpandIntoEveryCombination) {
  const Grid g = parse_grid(base_grid(), "grid.json");
  // 2 methods x 3 seeds + 2 lambdas + 2 milestone lists (a list of lists: lr_milestones is a list).
  ASSERT_EQ(g.runs.size(), 10u);
  EXPECT_EQ(g.runs[0].method, "standard");
  EXPECT_EQ(g.runs[3].method, "dign");
  EXPECT_EQ(g.runs[3].seed, 0u);
  EXPECT_EQ(g.runs[6].label, "dign lambda=0.5");
  EXPECT_EQ(g.runs[7].label, "dign lambda=0.02");
  EXPECT_EQ(g.runs[8].options.lr_milestones, (std::vector<int64_t>{7, 11}));
  EXPECT_EQ(g.runs[9].options.lr_milestones, (std::vector<int64_t>{5}));
  EXPECT_EQ(g.runs[0].options.model.index(), 0u);  // resnet18 from "train"
  std::set<std::string> names;
  for (const auto& r : g.runs) names.insert(r.name);
  EXPECT_EQ(names.size(), g.runs.size());
  EXPECT_TRUE(contains(g.runs[0].name, "standard-resnet18-s0-")) << g.runs[0].name;
  EXPECT_EQ(g.runs[0].options.out, "/tmp/nowhere/" + g.runs[0].name);
}

TEST(Grid, NamesAreStableAndFollowTheSettingsOnly) {
  const Grid a = parse_grid(base_grid(), "grid.json");
  // The same run written differently (defaults spelled out, another order, machine settings
  // changed) gets the same name; another seed does not.
  json other = base_grid();
  other["runs"] = json::parse(
      R"([{"seed": 0, "method": {"method": "standard"}, "threads": 3, "keep_last": 5}])");
  const Grid b = parse_grid(other, "other.json", "/elsewhere");
  EXPECT_EQ(a.runs[0].name, b.runs[0].name);
  EXPECT_EQ(a.runs[0].identity, b.runs[0].identity);
  EXPECT_NE(a.runs[0].name, a.runs[1].name);
  EXPECT_EQ(b.runs[0].options.out, "/elsewhere/" + b.runs[0].name);
  // The hash is a pure function of the identity: pinned so a change of naming is noticed.
  EXPECT_EQ(identity_hash(json{{"a", 1}}), identity_hash(json::parse(R"({"a": 1})")));
  EXPECT_EQ(a.runs[0].name.size(), std::string("standard-resnet18-s0-").size() + 8);
  // Pinned to the names dign gave these runs before options were added later (sync_bn): a
  // new option at its default must not rename the runs a grid has already trained.
  EXPECT_EQ(a.runs[0].name, "standard-resnet18-s0-6870c5bb");
  EXPECT_EQ(a.runs[4].name, "dign-resnet18-s1-774f2a5e");
  json synced = base_grid();
  synced["train"]["sync_bn"] = true;
  const Grid c = parse_grid(synced, "synced.json");
  EXPECT_NE(c.runs[0].name, a.runs[0].name);
  EXPECT_EQ(c.runs[0].identity["sync_bn"], true);
}

std::string grid_error(const std::string& runs, const std::string& extra = "") {
  json g = base_grid();
  g["runs"] = json::parse(runs);
  if (!extra.empty()) g.update(json::parse(extra));
  return error_of([&] { parse_grid(g, "bad.json"); });
}

TEST(Grid, BadInputIsOneLineNamingTheFileAndEntry) {
  std::string e = grid_error(R"([{"seed": 0}, {"method": "nope"}])");
  EXPECT_TRUE(contains(e, "bad.json: runs[1]") && contains(e, "unknown method 'nope'")) << e;
  e = grid_error(R"([{"model": {"arch": "vgg"}}])");
  EXPECT_TRUE(contains(e, "bad.json: runs[0]") && contains(e, "unknown arch 'vgg'")) << e;
  e = grid_error(R"([{"epochz": 3}])");
  EXPECT_TRUE(contains(e, "bad.json: runs[0]") && contains(e, "unknown option 'epochz'")) << e;
  e = grid_error(R"([{"method": {"method": "standard", "lambda": 0.5}}])");
  EXPECT_TRUE(contains(e, "runs[0]") && contains(e,
                                                 "'lambda' is not an option of method "
                                                 "'standard' (it belongs to dign"))
      << e;
  e = grid_error(R"([{"method": {"method": "dign", "lambda": -1}}])");
  EXPECT_TRUE(contains(e, "runs[0]") && contains(e, "lambda")) << e;
  e = grid_error(R"([{"data": {"path": "/no/such/dataset"}}])");
  EXPECT_TRUE(contains(e, "runs[0]") && contains(e, "/no/such/dataset")) << e;
  e = grid_error(R"([{"method": "dign", "seed": 0}, {"method": {"method": "dign", "lambda": 0.2},
                     "seed": [1, 0]}])");
  EXPECT_TRUE(contains(e, "runs[1]") && contains(e, "runs[0]") && contains(e, "same settings"))
      << e;
  e = grid_error(R"([{"seed": 0}])", R"({"landscape": {"labels": ["dign"], "radii": [0, 4, 2]}})");
  EXPECT_TRUE(contains(e, "bad.json: landscape") && contains(e, "radii")) << e;
  e = grid_error(R"([{"seed": 0}])", R"({"landscape": {"labels": ["dign"], "radii": [-1, 2]}})");
  EXPECT_TRUE(contains(e, "bad.json: landscape") && contains(e, "radii")) << e;
  e = grid_error(R"([{"seed": 0}])", R"({"landscape": {"labels": ["dign"], "eta": 0}})");
  EXPECT_TRUE(contains(e, "bad.json: landscape") && contains(e, "eta")) << e;
  e = grid_error(R"([{"seed": 0}])", R"({"landscape": {"labels": ["augmix"]}})");
  EXPECT_TRUE(contains(e, "no run labelled 'augmix'")) << e;
  e = grid_error(R"([{"seed": 0}])", R"({"evaluation": {"attacks": [{"kind": "fgsm"}]}})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks") && contains(e, "kind")) << e;
  e = grid_error(R"([{"seed": 0}])", R"({"evaluation": {"sigmas": [0.1]}})");
  EXPECT_TRUE(contains(e, "unknown option 'sigmas'")) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  e = grid_error(R"([{"seed": 0}])", R"({"paper": "imagenet"})");
  EXPECT_TRUE(contains(e,
                       "bad.json: paper: expected one of cifar10, cifar100, tiny-imagenet, "
                       "imagenette") &&
              contains(e, "got 'imagenet'"))
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(Grid, DubinIsASettingOfItsOwnAndBatchNormKeepsTheNames) {
  // norm joined the model's options after grids had named their runs: "bn" spelled out keeps
  // the pinned names (NamesAreStableAndFollowTheSettingsOnly), "dubin" is another run with a
  // label of its own, so that tables do not merge it with plain AugMax.
  json j = base_grid();
  j["runs"] = json::parse(R"([{"method": "augmax", "seed": 0,
                               "model": [{"arch": "resnet18", "norm": "bn"},
                                         {"arch": "resnet18", "norm": "dubin"}]},
                              {"method": "standard", "seed": 0,
                               "model": {"arch": "resnet18", "norm": "bn"}}])");
  const Grid g = parse_grid(j, "norm.json");
  ASSERT_EQ(g.runs.size(), 3u);
  EXPECT_EQ(g.runs[2].name, "standard-resnet18-s0-6870c5bb");
  EXPECT_FALSE(g.runs[0].identity.at("model").contains("norm"));
  EXPECT_EQ(g.runs[1].identity.at("model").at("norm"), "dubin");
  EXPECT_NE(g.runs[0].name, g.runs[1].name);
  EXPECT_EQ(g.runs[0].label, "augmax");
  EXPECT_EQ(g.runs[1].label, "augmax norm=dubin");
  EXPECT_EQ(g.runs[1].options.out, "/tmp/nowhere/" + g.runs[1].name);
  // DuBIN with another method: one line naming the entry and norm.
  j["runs"] = json::parse(R"([{"method": "dign",
                               "model": {"arch": "resnet18", "norm": "dubin"}}])");
  const std::string e = error_of([&] { parse_grid(j, "norm.json"); });
  EXPECT_TRUE(contains(e, "norm.json: runs[0]: norm: dubin is for --method augmax only")) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(Grid, AttacksTakeTheRulesOfDignEvalUnderTheirKeys) {
  // dign eval's ranges (eval/attack_options.h), reported under the grid file's key.
  auto attack_error = [](const std::string& attack) {
    return grid_error(R"([{"seed": 0}])", R"({"evaluation": {"attacks": [)" + attack + "]}}");
  };
  std::string e = attack_error(R"({"kind": "fgsm"})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: kind: expected pgd or pgd7-paper")) << e;
  e = attack_error(R"({"norm": "l1"})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: norm: expected linf or l2")) << e;
  e = attack_error(R"({"epsilon": 2})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: epsilon: expected a value in [0, 1]"))
      << e;
  e = attack_error(R"({"steps": 100001})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: steps: expected 1 to 100000")) << e;
  e = attack_error(R"({"step_size": -0.1})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: step_size")) << e;
  e = attack_error(R"({"restarts": 0})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: restarts")) << e;
  e = attack_error(R"({"limit": -1})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: limit")) << e;
  e = attack_error(R"({"steps": "many"})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: steps: wrong type")) << e;
  e = attack_error(R"({"eps": 0.1})");
  EXPECT_TRUE(contains(e, "bad.json: evaluation: attacks: unknown option 'eps'")) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(Grid, TheEvaluationSpecIsPinnedAndLeavesRunNamesAlone) {
  json j = base_grid();
  const Grid plain = parse_grid(j, "grid.json");
  j["evaluation"] = json::parse(R"({"corrupted": "generate", "test_limit": 100,
      "attacks": [{}, {"kind": "pgd7-paper", "norm": "l2", "epsilon": 0.5, "steps": 3,
                       "step_size": 0.25, "random_start": false, "restarts": 2, "limit": 10}]})");
  const Grid g = parse_grid(j, "grid.json");
  ASSERT_EQ(g.evaluation.attacks.size(), 2u);
  EXPECT_EQ(g.evaluation.attacks[0].kind, "pgd");
  EXPECT_EQ(g.evaluation.attacks[1].restarts, 2);
  // Attacks are what eval measures, not part of a run: the same names.
  ASSERT_EQ(g.runs.size(), plain.runs.size());
  for (size_t i = 0; i < g.runs.size(); ++i) EXPECT_EQ(g.runs[i].name, plain.runs[i].name);
  // The spec's JSON, byte for byte, as before attacks became eval::AttackOptions.
  EXPECT_EQ(g.evaluation.to_json().dump(),
            R"({"attacks":[{"epsilon":0.03137254901960784,"kind":"pgd","limit":0,"norm":"linf",)"
            R"("random_start":true,"restarts":1,"step_size":0.0,"steps":20},)"
            R"({"epsilon":0.5,"kind":"pgd7-paper","limit":10,"norm":"l2","random_start":false,)"
            R"("restarts":2,"step_size":0.25,"steps":3}],"corrupted":"generate",)"
            R"("corruption_seed":0,"enabled":true,"noise_sigmas":[0.05,0.1,0.2,0.3],)"
            R"("report":"eval.json","severities":[1,2,3,4,5],"test_limit":100})");
}

TEST(Grid, PaperNamesADatasetWithPublishedValues) {
  for (const char* paper : {"cifar10", "cifar100", "tiny-imagenet"}) {
    json g = base_grid();
    g["paper"] = paper;
    EXPECT_EQ(parse_grid(g, "grid.json").paper, paper);
  }
  EXPECT_EQ(parse_grid(base_grid(), "grid.json").paper, "");
}

TEST(Grid, TheShippedGridFilesParse) {
  for (const char* f : {"cifar10-cpu.json", "cifar10-paper.json"}) {
    const std::string path =
        (std::filesystem::path(__FILE__).parent_path() / "../../experiments" / f).string();
    const auto dataset =
        (std::filesystem::path(path).parent_path() / "../../shared/datasets/cifar10-jpeg")
            .lexically_normal();
    if (!std::filesystem::is_directory(dataset)) {
      // Elsewhere the dataset path does not exist: the grid names it in its error.
      EXPECT_TRUE(contains(error_of([&] { load_grid(path); }), "cifar10-jpeg"));
      continue;
    }
    const Grid g = load_grid(path);
    EXPECT_EQ(g.runs[0].options.data.path, dataset.string()) << f;
    EXPECT_EQ(g.runs.size(), std::string(f) == "cifar10-cpu.json" ? 18u : 69u) << f;
    EXPECT_TRUE(g.landscape.enabled);
    // Figure 2 on the ResNet-18 runs, not on the DenseNet or WRN runs of the same method.
    for (size_t k : g.landscape.runs) EXPECT_EQ(g.runs[k].arch, "resnet18") << f;
  }
}

TEST(Grid, ALabelOnSeveralArchitecturesNamesItsArchitecture) {
  json j = base_grid();
  j["runs"] = json::parse(R"([{"model": [{"arch": "resnet18", "width": 2},
                                         {"arch": "densenet121", "growth_rate": 2}],
                               "method": ["standard", "dign"], "seed": 0},
                              {"method": "gn", "seed": 0}])");
  const Grid g = parse_grid(j, "arch.json");
  ASSERT_EQ(g.runs.size(), 5u);
  EXPECT_EQ(g.runs[0].label, "standard arch=resnet18");
  EXPECT_EQ(g.runs[3].label, "dign arch=densenet121");
  EXPECT_EQ(g.runs[4].label, "gn");  // one architecture: unchanged
  j["landscape"] = json::parse(R"({"labels": ["dign arch=densenet121", "gn"]})");
  const Grid l = parse_grid(j, "arch.json");
  ASSERT_EQ(l.landscape.runs.size(), 2u);
  EXPECT_EQ(l.runs[l.landscape.runs[0]].arch, "densenet121");
  EXPECT_EQ(l.runs[l.landscape.runs[0]].method, "dign");
  // A bare label that spans architectures is not guessed: the error lists the labels.
  j["landscape"] = json::parse(R"({"labels": ["dign"]})");
  const std::string e = error_of([&] { parse_grid(j, "arch.json"); });
  EXPECT_TRUE(contains(e, "no run labelled 'dign'") && contains(e, "dign arch=resnet18")) << e;
}

TEST(Grid, ARelativeDataPathIsRelativeToTheGridFile) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.str("data/images"));
  std::filesystem::create_directories(dir.str("grids"));
  json j = base_grid();
  j["train"]["data"]["path"] = "../data/images";
  const Grid g = parse_grid(j, dir.str("grids/g.json"));
  EXPECT_EQ(g.runs[0].options.data.path,
            std::filesystem::absolute(dir.str("data/images")).lexically_normal().string());
  // Not relative to the working directory: from elsewhere the same file finds the same data.
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.str("data"));
  EXPECT_EQ(parse_grid(j, dir.str("grids/g.json")).runs[0].options.data.path,
            g.runs[0].options.data.path);
  std::filesystem::current_path(cwd);
  // A missing relative directory is named as written.
  j["train"]["data"]["path"] = "../none";
  EXPECT_TRUE(contains(error_of([&] { parse_grid(j, dir.str("grids/g.json")); }), "none"));
}

}  // namespace
}  // namespace dign::experiment
