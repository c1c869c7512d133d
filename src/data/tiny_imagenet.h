#pragma once
// Reader for Tiny ImageNet (tiny-imagenet-200.zip, 200 classes of 64x64 images)
// in its official layout:
//   dir/wnids.txt                        class order, one wnid per line
//   dir/train/<wnid>/images/*.JPEG       training images
//   dir/val/images/*.JPEG                the labelled split, used as test
//   dir/val/val_annotations.txt          "<file>\t<wnid>\t<bbox...>" per image
// (dir/test/ is unlabelled and ignored.)
//
//   if (looks_like_tiny_imagenet(dir)) data = read_tiny_imagenet(dir, {});
#include <string>

#include "data/image_folder.h"
#include "data/image_set.h"

namespace dign::data {

/// True if dir/wnids.txt and dir/train/ exist. Check this before
/// looks_like_image_folder, which Tiny ImageNet also satisfies.
bool looks_like_tiny_imagenet(const std::string& dir);

/// Reads the dataset; name and format "tiny-imagenet". Class order is the
/// order of wnids.txt; training images are sorted by file name within each
/// class, validation images by file name. Decoding and resizing follow
/// `options` as for read_image_folder.
Dataset read_tiny_imagenet(const std::string& dir, const ImageFolderOptions& options = {});

}  // namespace dign::data
