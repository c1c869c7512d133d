#include "corrupt/common.h"

#include "core/error.h"

namespace dign::corrupt {

int table_side(Table table) {
  switch (table) {
    case Table::kTiny:
      return 64;
    case Table::kImageNet:
      return 224;
    case Table::kCifar:
      break;
  }
  return 32;
}

const char* table_name(Table table) {
  switch (table) {
    case Table::kTiny:
      return "tiny-imagenet";
    case Table::kImageNet:
      return "imagenet";
    case Table::kCifar:
      break;
  }
  return "cifar";
}

cv::Mat to_unit(const cv::Mat& rgb) {
  DIGN_CHECK(rgb.type() == CV_8UC3, "corruption input: expected a uint8 HxWx3 image");
  // k / 255 as numpy divides. convertTo(scale 1/255) multiplies instead, which differs in the
  // last bit, and 24 of the 256 values then come back as k - 1 through the truncating cast.
  cv::Mat unit(rgb.size(), CV_64FC3);
  for (int i = 0; i < rgb.rows; ++i) {
    const uint8_t* in = rgb.ptr<uint8_t>(i);
    double* out = unit.ptr<double>(i);
    for (int j = 0; j < rgb.cols * 3; ++j) out[j] = in[j] / 255.0;
  }
  return unit;
}

cv::Mat from_255_truncate(const cv::Mat& values) {
  CV_Assert(values.depth() == CV_64F || values.depth() == CV_32F);
  cv::Mat v;
  values.convertTo(v, CV_64F);
  cv::Mat out(v.size(), CV_8UC(v.channels()));
  const int n = v.rows * v.cols * v.channels();
  const cv::Mat vc = v.isContinuous() ? v : v.clone();
  const double* in = vc.ptr<double>();
  uint8_t* o = out.ptr<uint8_t>();
  for (int i = 0; i < n; ++i) {
    const double x = in[i] < 0.0 ? 0.0 : (in[i] > 255.0 ? 255.0 : in[i]);
    o[i] = static_cast<uint8_t>(x);  // truncation, as numpy's float -> uint8 cast
  }
  return out;
}

cv::Mat from_unit_truncate(const cv::Mat& unit) {
  cv::Mat clipped;
  unit.convertTo(clipped, CV_64F);
  cv::min(cv::max(clipped, 0.0), 1.0, clipped);
  return from_255_truncate(clipped * 255.0);
}

}  // namespace dign::corrupt
