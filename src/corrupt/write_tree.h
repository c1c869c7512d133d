#pragma once
// `dign corrupt` for the layout ImageNet-C and Tiny-ImageNet-C are distributed in: one image
// file per corrupted image,
//
//   dir/<corruption>/<severity>/<class>/<file>    and dir/manifest.json, written last
//
// Each file is the corruption's output (uint8, truncated as the original writer's
// np.uint8(...)) saved once as JPEG at the final quality, as make_imagenet_c.py saved every
// image (quality 85, 4:2:0 chroma; optimized Huffman tables, which change no pixel), or as PNG
// when the final quality is 0 (no save). data/tiny_imagenet_c.h reads the tree back, and gives
// exactly the images a GeneratedSet with the same options makes in memory. Files keep the
// source image's name (ILSVRC2012_val_00000293.JPEG stays so; a .png source gets .JPEG); images
// without a file name are named by their index in reader order (00000017.JPEG).
//
//   write_corrupted_tree(test, options, "ImageNette-C", source, progress);
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/progress.h"
#include "corrupt/generated_set.h"
#include "data/image_set.h"

namespace dign::corrupt {

/// Where each image of `images` goes in a tree: its class folder (the class name) and its file
/// name (.JPEG or .png after `jpeg`). dign::Error naming the option `layout` for a class name
/// that cannot name a folder (empty, "." or "..", hidden, or holding '/': the synthetic data's
/// "circle/stripes"), or two images that would share a file.
struct TreeNames {
  std::vector<std::string> folders, files;  // one of each per image
};
TreeNames tree_names(const data::ImageSet& images, bool jpeg);

/// Corrupts `images` with `options` (resolved for their size; final_jpeg_quality is the files'
/// format) and writes the tree into `dir`. Refuses a directory holding folders this run would
/// not write (they would count as corruptions when it is evaluated) and, unless it holds a
/// tree dign wrote (its manifest.json), folders it would overwrite. `source` describes the
/// data (path, format, hash, order) for the manifest. One line per corruption and severity to
/// `progress`.
void write_corrupted_tree(const data::ImageSet& images, const GenerateOptions& options,
                          const std::string& dir, const nlohmann::json& source, Progress& progress);

}  // namespace dign::corrupt
