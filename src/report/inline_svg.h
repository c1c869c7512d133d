#pragma once
// cairo's SVG documents made fit to sit inline in one HTML page. cairo names its definitions
// the same way in every document ("glyph0-1", "clip1", "surface1"): two figures inlined side by
// side would then draw each other's glyphs (the first definition of an id wins in a document).
// Every id and every reference to one gets a per-figure prefix.
//
// \code
//   page += inline_svg(metrics::render_figure(metrics::FigureFormat::kSvg, ...), "fig3-");
// \endcode
#include <string>

namespace dign::report {

/// The <svg> element of `svg` (an SVG document) ready for inlining in HTML:
/// - the XML declaration and anything before <svg> are dropped;
/// - the root's xmlns and xmlns:xlink declarations are dropped (HTML's parser puts <svg> and
///   xlink:href in their namespaces itself), so the page names no outside address at all;
/// - the root's width and height in points ("640pt") become CSS pixels ("640"): the viewBox
///   keeps the drawing, the page scales it;
/// - inside tags only (never in text such as <title>), id="X" becomes id="<prefix>X" and the
///   references href="#X" and url(#X) follow;
/// - the coordinates of d, x and y attributes are rounded to 2 decimals (cairo writes 6: a
///   hundredth of a pixel is invisible, and the page is a third smaller).
/// dign::Error when `svg` has no <svg ...> element or `prefix` is not [A-Za-z][A-Za-z0-9_-]*.
std::string inline_svg(const std::string& svg, const std::string& prefix);

}  // namespace dign::report
