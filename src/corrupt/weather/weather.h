#pragma once
// The weather corruptions (see corruptions.md, section 2): one file each in this folder.
#include <cstdint>

#include "corrupt/corruption.h"

namespace dign::corrupt {

cv::Mat snow(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat frost(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat fog(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);
cv::Mat spatter(const cv::Mat& rgb, int severity, Rng& rng, const Context& context);

// Internals exposed for tests (no `detail` namespace here: it would hide dign::detail in
// the files that include this header).

/// fog's plasma fractal (diamond-square with toroidal wrap, noise amplitude wibble^2, wibble
/// divided by `wibbledecay` per level): mapsize x mapsize CV_64FC1 rescaled to [0, 1].
/// mapsize: a power of two >= 2.
cv::Mat plasma_fractal(int mapsize, double wibbledecay, Rng& rng);

/// spatter's `(liquid * 255).astype(np.uint8)` without a clip: truncation, then modulo 256
/// as on x86 (1.004 -> 256.02 -> 0). liquid >= 0.
uint8_t spatter_quantize(double liquid);

}  // namespace dign::corrupt
