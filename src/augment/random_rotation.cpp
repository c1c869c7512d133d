#include "augment/random_rotation.h"

#include <opencv2/imgproc.hpp>

#include <utility>
#include <vector>

#include "core/error.h"

namespace dign::augment {

void RandomRotationOptions::validate() const {
  DIGN_CHECK(degrees() >= 0.0 && degrees() <= 180.0,
             "RandomRotationOptions: degrees must be in [0, 180], got ", degrees());
}

RandomRotation::RandomRotation(RandomRotationOptions options) : options_(std::move(options)) {
  options_.validate();
}

void RandomRotation::apply(Image& image, SampleRng& rng) const {
  const double angle = rng.uniform(-options_.degrees(), options_.degrees());
  if (image.height() == 0 || image.width() == 0) return;
  // Floats, as before this class existed: OpenCV's 8-bit and float paths are
  // not promised to map coordinates identically, and runs must stay bitwise.
  auto& src = image.make_float();
  const int rows = static_cast<int>(image.height()), cols = static_cast<int>(image.width());
  std::vector<float> out(src.size());
  const cv::Mat source(rows, cols, CV_32FC3, src.data());
  cv::Mat dst(rows, cols, CV_32FC3, out.data());
  const cv::Point2f centre(static_cast<float>(cols - 1) / 2, static_cast<float>(rows - 1) / 2);
  cv::warpAffine(source, dst, cv::getRotationMatrix2D(centre, angle, 1.0), source.size(),
                 cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0, 0, 0));
  // A destination of the right size and type is written in place, never reallocated.
  DIGN_CHECK(dst.data == reinterpret_cast<uchar*>(out.data()),
             "RandomRotation: OpenCV reallocated the output");
  image.assign(image.height(), image.width(), std::move(out));
}

}  // namespace dign::augment
