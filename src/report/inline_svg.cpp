#include "report/inline_svg.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <string>

#include "core/error.h"

namespace dign::report {
namespace {

bool valid_prefix(const std::string& p) {
  if (p.empty() || !std::isalpha(static_cast<unsigned char>(p[0]))) return false;
  for (const char c : p) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// Removes ` name="..."` from a tag.
void drop_attribute(std::string& tag, const std::string& name) {
  const size_t at = tag.find(" " + name + "=\"");
  if (at == std::string::npos) return;
  const size_t end = tag.find('"', at + name.size() + 3);
  if (end != std::string::npos) tag.erase(at, end + 1 - at);
}

// width="640pt" -> width="640": cairo measures its surfaces in points, one user unit each.
void points_to_pixels(std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const size_t at = tag.find(key);
  if (at == std::string::npos) return;
  const size_t end = tag.find('"', at + key.size());
  if (end != std::string::npos && end >= 2 && tag.compare(end - 2, 2, "pt") == 0) {
    tag.erase(end - 2, 2);
  }
}

// "153.300781" -> "153.3", "-0.000001" -> "0": every decimal number in `value`.
std::string round_numbers(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  size_t i = 0;
  while (i < value.size()) {
    const bool sign = value[i] == '-' && i + 1 < value.size() &&
                      std::isdigit(static_cast<unsigned char>(value[i + 1]));
    if (!sign && !std::isdigit(static_cast<unsigned char>(value[i]))) {
      out += value[i++];
      continue;
    }
    size_t end = i + (sign ? 1 : 0);
    while (end < value.size() &&
           (std::isdigit(static_cast<unsigned char>(value[end])) || value[end] == '.')) {
      ++end;
    }
    const std::string number = value.substr(i, end - i);
    if (number.find('.') == std::string::npos) {
      out += number;
    } else {
      std::string r = fmt::format("{:.2f}", std::strtod(number.c_str(), nullptr));
      while (r.back() == '0') r.pop_back();
      if (r.back() == '.') r.pop_back();
      out += r == "-0" ? "0" : r;
    }
    i = end;
  }
  return out;
}

// Rounds the numbers of the attributes d, x and y of one tag.
void round_coordinates(std::string& tag) {
  for (const char* name : {" d=\"", " x=\"", " y=\""}) {
    const size_t at = tag.find(name);
    if (at == std::string::npos) continue;
    const size_t begin = at + std::char_traits<char>::length(name);
    const size_t end = tag.find('"', begin);
    if (end == std::string::npos) continue;
    tag.replace(begin, end - begin, round_numbers(tag.substr(begin, end - begin)));
  }
}

}  // namespace

std::string inline_svg(const std::string& svg, const std::string& prefix) {
  DIGN_CHECK(valid_prefix(prefix), "inline SVG: id prefix '", prefix,
             "' is not a letter followed by letters, digits, '_' or '-'");
  const size_t open = svg.find("<svg");
  const size_t open_end = open == std::string::npos ? open : svg.find('>', open);
  DIGN_CHECK(open_end != std::string::npos, "inline SVG: no <svg> element in the figure");
  std::string root = svg.substr(open, open_end + 1 - open);
  drop_attribute(root, "xmlns");
  drop_attribute(root, "xmlns:xlink");
  points_to_pixels(root, "width");
  points_to_pixels(root, "height");

  std::string out = root;
  const std::string body = svg.substr(open_end + 1);
  out.reserve(body.size() + body.size() / 8);
  // Text between tags is copied as it is: escaped text has no '<' or '>', so the tags are
  // exactly the spans from '<' to the next '>'.
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t lt = body.find('<', pos);
    if (lt == std::string::npos) {
      out.append(body, pos, std::string::npos);
      break;
    }
    out.append(body, pos, lt - pos);
    const size_t gt = body.find('>', lt);
    const size_t stop = gt == std::string::npos ? body.size() : gt + 1;
    std::string tag = body.substr(lt, stop - lt);
    replace_all(tag, " id=\"", " id=\"" + prefix);
    replace_all(tag, "href=\"#", "href=\"#" + prefix);
    replace_all(tag, "url(#", "url(#" + prefix);
    round_coordinates(tag);
    out += tag;
    pos = stop;
  }
  // The document's trailing newline is not part of the element.
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace dign::report
