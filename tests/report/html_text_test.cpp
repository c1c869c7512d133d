// The escaping of everything the HTML report takes from a JSON file, and its number format.
#include "report/html_text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dign::report {
namespace {

TEST(HtmlEscape, ReplacesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  // An entity in the input is text, not markup: its & is escaped too.
  EXPECT_EQ(html_escape("&lt;"), "&amp;lt;");
}

TEST(HtmlEscape, LeavesOtherTextAndUtf8Alone) {
  EXPECT_EQ(html_escape("c10-dign-s0 \u03c3 = 0.1 / [0,1]"), "c10-dign-s0 \u03c3 = 0.1 / [0,1]");
  EXPECT_EQ(html_escape(""), "");
}

TEST(HtmlEscape, ScriptInAModelNameStaysText) {
  const std::string out = html_escape("run<script>alert(1)</script>");
  EXPECT_EQ(out.find('<'), std::string::npos);
  EXPECT_EQ(out.find('>'), std::string::npos);
  EXPECT_EQ(out, "run&lt;script&gt;alert(1)&lt;/script&gt;");
}

TEST(ReportNumbers, PercentAndIntervals) {
  EXPECT_EQ(percent(0.8282), "82.82");
  EXPECT_EQ(percent(0.5, 1), "50.0");
  EXPECT_EQ(percent(std::nan("")), "\u2013");
  const nlohmann::json r = {
      {"accuracy", 0.8282}, {"accuracy_ci95", {0.8208, 0.8356}}, {"rmse", 0.039}};
  EXPECT_EQ(percent_with_interval(r, "accuracy"), "82.82 <span class=\"ci\">[82.08, 83.56]</span>");
  EXPECT_EQ(percent_with_interval(r, "rmse"), "3.90");   // no interval recorded
  EXPECT_EQ(percent_with_interval(r, "ece"), "\u2013");  // no figure at all
  double low = 0, high = 0;
  EXPECT_FALSE(interval({{"a", 1}, {"a_ci95", {nullptr, 0.5}}}, "a", &low, &high));
  EXPECT_TRUE(std::isnan(number_or_nan(nlohmann::json::array(), "a")));
}

TEST(ReportNumbers, JsonAsPlainText) {
  const nlohmann::json j = {{"a", 0.03137254901960784}, {"b", {{"c", true}}}, {"d", {1, 2}}};
  EXPECT_EQ(json_text(j), "a 0.0313725, b {c true}, d [1, 2]");
  EXPECT_EQ(json_text("x<y"), "x<y");  // plain text: html_escape comes after
  EXPECT_EQ(json_text(nlohmann::json()), "null");
}

}  // namespace
}  // namespace dign::report
