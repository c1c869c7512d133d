
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "core/error.h"
#include "core/threads.h"
#include "core/version.h"
#include "corrupt/preview.h"
#include "corrupt/write_set.h"
#include "corrupt/write_tree.h"
#include "data/dataset.h"

namespace dign::cli {

namespace {

struct CorruptCommandOptions {
  data::DataOptions data;
  std::string out;
  corrupt::GenerateOptions generate;
  std::string layout = "auto";
  std::string preview;
  int64_t preview_index = 0;
  int64_t test_limit = 0;
  int threads = 0;
  bool quiet = false;
};

int run_corrupt(const CorruptCommandOptions& o) {
  DIGN_CHECK(!o.out.empty() || !o.preview.empty(), "--out: an output directory is required");
  DIGN_CHECK_OPTION(o.test_limit >= 0, "test_limit", "expected a count >= 0, got ", o.test_limit);
  const auto progress = make_progress(o.quiet);
  const auto threads = set_threads(o.threads);
  data::DataOptions d = o.data;
  d.threads = threads;
  d.test_only = true;  // only the test split is corrupted
  data::Dataset dataset = data::load_dataset(d);
  // The images `dign eval --test-limit N` takes, in its order, so that the per-image seeds
  // (the index in this set) make the same corrupted images as its --corrupted generate.
  std::vector<int64_t> per_class;
  const data::ImageSet test = data::limit_images(std::move(dataset.test), o.test_limit, &per_class);
  corrupt::GenerateOptions g = o.generate;
  g.threads = threads;
  // Resolves the options and loads the frost photographs once, for the preview and the files.
  const auto set = corrupt::generate_corrupted(test, g);
  const bool tree = o.layout == "tree" || (o.layout == "auto" && test.height == 224);
  if (o.data.image_size == 224 && o.data.resize == 0) {
    progress->warning(
        "--image-size 224 without --resize resizes the shorter side straight to 224; the 224 px "
        "(ImageNet-C) table was made from the ImageNet evaluation crop, --resize 256 --image-size "
        "224");
  }
  if (!o.preview.empty()) {
    DIGN_CHECK(o.preview_index >= 0 && o.preview_index < test.size(),
               "--preview-index: expected 0 to ", test.size() - 1, ", got ", o.preview_index);
    const cv::Mat rgb(static_cast<int>(test.height), static_cast<int>(test.width), CV_8UC3,
                      const_cast<uint8_t*>(test.image(o.preview_index)));
    const corrupt::GenerateOptions& r = set->options();
    const int scale = test.height >= 128 ? 1 : 3;
    corrupt::write_png(o.preview, corrupt::preview_grid(rgb, r.corruptions, r.severities, r.seed,
                                                        o.preview_index, set->context(), scale));
    progress->message("wrote " + o.preview);
  }
  if (o.out.empty()) return 0;
  const nlohmann::json source = {
      {"data_path", o.data.path},
      {"data_format", dataset.format},
      {"split", "test"},
      {"images", test.size()},
      {"test_limit", o.test_limit},
      {"images_per_class", data::per_class_json(test, per_class)},
      {"content_hash", data::content_hash(test)},
      {"order",
       "the reader's order (ImageFolder: classes sorted, files sorted within each class); the "
       "per-image seed uses this index"},
      {"class_names", test.class_names},
      {"image_size", o.data.image_size},
      {"resize", o.data.resize},
      {"test_transform",
       o.data.resize > 0 ? "torchvision Resize(resize) + CenterCrop(image_size), Pillow's bilinear "
                           "filter (the ImageNet evaluation crop)"
       : o.data.image_size > 0 ? "shorter side to image_size (OpenCV), centre crop"
                               : "none (the stored size)"}};
  if (tree) {
    corrupt::write_corrupted_tree(test, set->options(), o.out, source, *progress);
  } else {
    corrupt::write_corrupted_set(*set, o.out, source, *progress);
  }
  progress->message("wrote " + o.out + "/manifest.json");
  return 0;
}

}  // namespace

void add_corrupt_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "corrupt",
      "Write the corrupted test split: 32x32 and 64x64 images in the CIFAR-10-C layout "
      "(<corruption>.npy, labels.npy, manifest.json), 224x224 images as ImageNet-C is "
      "distributed (<corruption>/<severity>/<class>/<file>, JPEG quality 85, manifest.json); "
      "optionally with a preview grid. The 224 px table expects the ImageNet evaluation crop "
      "(--resize 256 --image-size 224), the input of make_imagenet_c.py");
  auto o = std::make_shared<CorruptCommandOptions>();
  add_data_options(*cmd, o->data, /*required=*/true);
  add_resize_option(*cmd, o->data);
  cmd->add_option("--out", o->out, "Output directory");
  cmd->add_option("--layout", o->layout,
                  "auto (tree for 224x224 images, npy otherwise), npy (CIFAR-10-C: "
                  "<corruption>.npy) or tree (ImageNet-C / Tiny-ImageNet-C: one file per image, "
                  "JPEG at --final-jpeg-quality, PNG when it is 0)")
      ->check(CLI::IsMember({"auto", "npy", "tree"}))
      ->capture_default_str();
  add_corruption_options(*cmd, o->generate);
  cmd->add_option("--test-limit", o->test_limit,
                  "Corrupt N test images (0 = all), the ones dign eval --test-limit N uses");
  cmd->add_option("--preview", o->preview,
                  "Also write FILE.png: one test image under every corruption and severity");
  cmd->add_option("--preview-index", o->preview_index, "Test image shown in the preview")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Worker threads (0 = the cores this process may use)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  add_quiet_option(*cmd, o->quiet);
  cmd->callback([&action, o] { action = [o] { return run_corrupt(*o); }; });
}

}  // namespace dign::cli
