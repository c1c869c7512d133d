// Several cairo figures inlined in one HTML page: every id is unique in the page and every
// reference (href="#...", url(#...)) resolves inside its own figure.
#include "report/inline_svg.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "core/error.h"
#include "landscape/landscape_figure.h"
#include "metrics/reliability_diagram.h"

namespace dign::report {
namespace {

// Real cairo figures: text (cairo's glyph symbols, "glyph0-1", ...) and, in the landscape
// figure, clips ("clip1", ...).
std::string reliability_figure() {
  metrics::CalibrationMeter meter(4);
  meter.add(0.9f, true);
  meter.add(0.6f, false);
  return metrics::render_reliability_diagram({{"model", meter.value()}},
                                             metrics::FigureFormat::kSvg);
}

std::string landscape_figure() {
  landscape::LandscapeCurve c{"model", {0, 1, 2}, {0, 1, 2}, {1, 0.5, 0.2}, {0, 1, 2}, {0, 1, 4}};
  return landscape::render_landscape_figure({c}, metrics::FigureFormat::kSvg);
}

std::vector<std::string> all_matches(const std::string& text, const std::regex& re) {
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

TEST(InlineSvg, RewritesAHandWrittenDocumentExactly) {
  const std::string svg =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
      "width=\"100pt\" height=\"50pt\" viewBox=\"0 0 100 50\" version=\"1.1\">\n"
      "<title>url(#a) id=&quot;x&quot;</title>\n"
      "<defs><symbol overflow=\"visible\" id=\"glyph0-1\"><path d=\"M 0.546875 -0.000001 L "
      "153.300781 -7.3125 Z\"/></symbol></defs>\n"
      "<g clip-path=\"url(#clip1)\"><use xlink:href=\"#glyph0-1\" x=\"1.004\" y=\"2.5\"/></g>\n"
      "</svg>\n";
  EXPECT_EQ(inline_svg(svg, "f2-"),
            "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" version=\"1.1\">\n"
            "<title>url(#a) id=&quot;x&quot;</title>\n"  // text is left alone
            "<defs><symbol overflow=\"visible\" id=\"f2-glyph0-1\"><path d=\"M 0.55 0 L 153.3 "
            "-7.31 Z\"/></symbol></defs>\n"  // coordinates to 2 decimals
            "<g clip-path=\"url(#f2-clip1)\"><use xlink:href=\"#f2-glyph0-1\" x=\"1\" "
            "y=\"2.5\"/></g>\n"
            "</svg>");
}

TEST(InlineSvg, TwoCairoFiguresShareNoIdAndResolveTheirOwnReferences) {
  const std::string a = reliability_figure(), b = landscape_figure();
  // The collision this guards against: cairo names both figures' first glyph alike.
  ASSERT_NE(a.find("id=\"glyph0-1\""), std::string::npos);
  ASSERT_NE(b.find("id=\"glyph0-1\""), std::string::npos);
  const std::vector<std::string> figures = {inline_svg(a, "f1-"), inline_svg(b, "f2-")};
  const std::regex id_re("\\sid=\"([^\"]+)\""), ref_re("(?:href=\"#|url\\(#)([^\")]+)");
  std::set<std::string> page_ids;
  for (size_t i = 0; i < figures.size(); ++i) {
    const std::string& f = figures[i];
    EXPECT_EQ(f.rfind("<svg ", 0), 0u);
    EXPECT_EQ(f.find("<?xml"), std::string::npos);
    EXPECT_EQ(f.find("xmlns"), std::string::npos);
    EXPECT_EQ(f.find("http"), std::string::npos);
    EXPECT_EQ(f.find("pt\""), std::string::npos);
    EXPECT_EQ(f.substr(f.size() - 6), "</svg>");
    const auto ids = all_matches(f, id_re);
    ASSERT_FALSE(ids.empty());
    const std::set<std::string> own(ids.begin(), ids.end());
    EXPECT_EQ(own.size(), ids.size()) << "an id repeats inside figure " << i;
    for (const auto& id : ids) {
      EXPECT_EQ(id.rfind("f" + std::to_string(i + 1) + "-", 0), 0u) << id;
      EXPECT_TRUE(page_ids.insert(id).second) << "id " << id << " repeats in the page";
    }
    const auto refs = all_matches(f, ref_re);
    ASSERT_FALSE(refs.empty());
    for (const auto& ref : refs) EXPECT_TRUE(own.count(ref)) << "dangling reference " << ref;
  }
}

TEST(InlineSvg, RefusesBadPrefixesAndNonSvg) {
  EXPECT_THROW(inline_svg("<svg></svg>", "1a"), Error);
  EXPECT_THROW(inline_svg("<svg></svg>", "a\"b"), Error);
  EXPECT_THROW(inline_svg("<svg></svg>", ""), Error);
  EXPECT_THROW(inline_svg("<html></html>", "f1-"), Error);
}

}  // namespace
}  // namespace dign::report
