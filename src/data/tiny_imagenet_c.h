#pragma once
// Tiny-ImageNet-C as Hendrycks & Dietterich (2019) distribute it: a folder per
// corruption, a folder per severity, ImageFolder-style class folders (wnids) of
// images (.JPEG, quality 85; .jpg, .jpeg and .png in any case are read):
//
//   dir/<corruption>/<severity 1-5>/<class>/<image files>
//
// Classes are sorted by name and numbered in that order (as torchvision's ImageFolder,
// with which the benchmark was evaluated); files are sorted by name within each class.
// Every corruption must hold the same severities and every severity folder the same
// classes and file names, checked when the set is opened. Images are decoded on each
// read(), so memory does not grow with the set; their sizes are checked as they are
// decoded (the first image of every severity folder already when the set is opened).
//
//   auto set = open_tiny_imagenet_c("Tiny-ImageNet-C");  // 15 corruptions, 5 severities
//   set->read(/*corruption=*/0, /*severity index=*/4, 0, 500, buffer.data());
#include <memory>
#include <string>

#include "data/corrupted_set.h"

namespace dign::data {

/// True when some folder of `dir` holds a severity folder (named 1 to 5).
bool looks_like_tiny_imagenet_c(const std::string& dir);

/// Opens a Tiny-ImageNet-C tree; dign::Error naming the folder and what was expected when
/// a corruption's severities, a severity's class folders or a class's files differ from
/// the first corruption's, or a folder is empty. read() errors name an unreadable image, or
/// two files of different sizes.
std::unique_ptr<CorruptedSet> open_tiny_imagenet_c(const std::string& dir);

}  // namespace dign::data
