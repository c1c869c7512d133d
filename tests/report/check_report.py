#!/usr/bin/python3
"""`dign report` and `dign eval --html` as a browser would meet them, checked with a real HTML
parser (lxml.html, Debian's python3-lxml).

CI mode (--dign BIN --work DIR): trains two tiny synthetic runs, evaluates them with `dign eval`
(Gaussian noise, two generated corruptions, one with --bootstrap, an attack and --html), runs
`dign landscape` on them, writes the page with `dign report`, and checks it; a file that is not
an eval.json must fail with one line and exit code 2, writing nothing.
Page mode (--page FILE --eval A.json --eval B.json ...): checks an existing page against the
reports it was made from.

The checks: the page parses; every <svg> figure has drawn content (glyphs and paths); ids are
unique in the page and every internal reference resolves; the headline table has one row per
model, in order, whose numbers match the JSON (data-value exactly, the printed percent to its
rounding); nothing can load from outside the file (no <script>, <link>, <img>, <iframe>,
<object>, <embed>; every src/href is a "#fragment"; no url() but url(#fragment), no @import;
no http:, https:, file: or // in any attribute); text from the JSON is escaped.
"""
import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys

import lxml.html

HEADLINE_KEYS = ["clean.accuracy", "corrupted.mca", "corrupted.mca_n", "clean.rmse",
                 "corrupted.noise.rmse"]


def fail(message):
    print("check_report: FAILED: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def json_path(report, dotted):
    value = report
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def local_name(element):
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.split("}")[-1].lower()


def check_page(page_path, reports, names=None, title=None, expect_sections=(), min_figures=1):
    with open(page_path, "rb") as f:
        raw = f.read()
    check(len(raw) > 0, page_path + " is empty")
    doc = lxml.html.document_fromstring(raw)
    elements = [e for e in doc.iter() if isinstance(e.tag, str)]
    tags = [local_name(e) for e in elements]
    if title is not None:
        check(doc.findtext(".//title") == title,
              "title %r, expected %r" % (doc.findtext(".//title"), title))
        h1 = doc.find(".//h1")
        check(h1 is not None and h1.text_content() == title, "the heading is not the title")

    # Nothing loads from outside the file.
    for bad in ("script", "link", "img", "iframe", "object", "embed", "base", "audio", "video",
                "source", "frame"):
        check(bad not in tags, "the page has a <%s> element" % bad)
    ids = {}
    for e in elements:
        for name, value in e.attrib.items():
            lname = name.split("}")[-1].lower()
            low = value.lower()
            if lname in ("src", "href", "action", "data", "poster", "srcset") or \
                    name.lower().endswith(":href"):
                check(value.startswith("#"), "<%s %s=%r> points outside the page"
                      % (local_name(e), name, value))
            for scheme in ("http:", "https:", "file:", "ftp:", "data:", "javascript:"):
                check(scheme not in low, "attribute %s=%r of <%s> names %s"
                      % (name, value[:80], local_name(e), scheme))
            check("//" not in low or lname == "d", "attribute %s=%r has //" % (name, value[:80]))
            for m in re.finditer(r"url\(\s*([^)]*)\)", low):
                check(m.group(1).startswith("#"), "attribute %s has url(%s)" % (name, m.group(1)))
            check(not lname.startswith("on"), "event handler attribute %s" % name)
            if lname == "id":
                check(value not in ids, "id %r repeats in the page" % value)
                ids[value] = e
    for style in doc.iter("style"):
        css = (style.text or "").lower()
        check("url(" not in css and "@import" not in css and "http" not in css,
              "the style sheet loads something")
    # Every internal reference resolves.
    for e in elements:
        for name, value in e.attrib.items():
            if name.lower().endswith("href") and value.startswith("#") and len(value) > 1:
                check(value[1:] in ids, "reference %s has no target" % value)
            for m in re.finditer(r"url\(#([^)]+)\)", value):
                check(m.group(1) in ids, "url(#%s) has no target" % m.group(1))

    # Every figure has drawn content.
    svgs = [e for e in elements if local_name(e) == "svg"]
    check(len(svgs) >= min_figures, "%d figures, expected at least %d" % (len(svgs), min_figures))
    for i, svg in enumerate(svgs):
        drawn = [e for e in svg.iter() if isinstance(e.tag, str) and
                 local_name(e) in ("path", "use", "rect", "line", "polyline", "circle")]
        paths = [e for e in drawn if local_name(e) == "path" and len(e.get("d", "")) > 10]
        glyphs = [e for e in drawn if local_name(e) == "use"]
        check(len(paths) >= 5 and len(glyphs) >= 5,
              "figure %d has %d paths and %d glyphs: nothing drawn" % (i, len(paths), len(glyphs)))
        check(svg.get("viewbox") or svg.get("viewBox"), "figure %d has no viewBox" % i)

    for section in expect_sections:
        check(section in ids and local_name(ids[section]) == "section",
              "no section %r" % section)

    # The headline table against the JSON.
    table = doc.get_element_by_id("headline-table", None)
    check(table is not None, "no headline table")
    rows = table.findall(".//tbody/tr")
    check(len(rows) == len(reports), "%d headline rows for %d models" % (len(rows), len(reports)))
    for row, report, k in zip(rows, reports, range(len(reports))):
        if names is not None:
            check(row.find("th").text_content().strip() == names[k],
                  "row %d names %r, expected %r" % (k, row.find("th").text_content(), names[k]))
        cells = {td.get("data-key"): td for td in row.findall("td") if td.get("data-key")}
        check(sorted(cells) == sorted(HEADLINE_KEYS), "row %d has cells %s" % (k, sorted(cells)))
        for key in HEADLINE_KEYS:
            expected, td = json_path(report, key), cells[key]
            if expected is None:
                check(td.get("data-value") is None, "%s: a value where the JSON has none" % key)
                continue
            check(float(td.get("data-value")) == float(expected),
                  "%s: data-value %s, JSON %r" % (key, td.get("data-value"), expected))
            shown = float(td.text_content().split()[0])
            check(abs(shown - 100 * expected) <= 0.005 + 1e-9,
                  "%s: shown %s, JSON %r" % (key, shown, expected))
            ci = json_path(report, key + "_ci95")
            if ci is not None:
                span = td.find(".//span")
                check(span is not None, "%s: the JSON's interval is not shown" % key)
                low, high = [float(x) for x in span.text_content().strip("[] ").split(",")]
                check(abs(low - 100 * ci[0]) <= 0.005 + 1e-9 and
                      abs(high - 100 * ci[1]) <= 0.005 + 1e-9,
                      "%s: interval [%s, %s], JSON %r" % (key, low, high, ci))
    return len(svgs)


def run(args, expect=0):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != expect:
        fail("%s exited %d (expected %d): %s" % (" ".join(args), r.returncode, expect, r.stderr))
    return r


def ci_mode(dign, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    data = ["--data", "synthetic", "--synthetic-train", "40", "--synthetic-test", "20"]
    quick = ["--threads", "1", "--quiet"]
    for method in ("standard", "dign"):
        # A model name with markup: it must reach the page as text.
        run([dign, "train"] + data + ["--width", "2", "--epochs", "1", "--batch-size", "16",
                                      "--method", method, "--out",
                                      os.path.join(work, method + "<&>")] + quick)
    runs = [os.path.join(work, m + "<&>") for m in ("standard", "dign")]
    evaluate = data + ["--noise-sigmas", "0.1,0.2", "--corrupted", "generate", "--corruptions",
                       "shot_noise,fog", "--severities", "1,2"] + quick
    run([dign, "eval", "--model", runs[0]] + evaluate)
    run([dign, "eval", "--model", runs[1], "--bootstrap", "20", "--attack", "pgd",
         "--attack-steps", "1", "--attack-limit", "8", "--html"] + evaluate)
    evals = [os.path.join(r, "eval.json") for r in runs]
    reports = [json.load(open(p)) for p in evals]
    check("mca_ci95" in reports[1]["corrupted"], "dign eval --bootstrap wrote no intervals")
    names = ["standard<&>", "dign<&>"]

    # dign eval --html: report.html beside its eval.json, one model.
    beside = os.path.join(runs[1], "report.html")
    check(os.path.isfile(beside), "dign eval --html wrote no report.html beside eval.json")
    n = check_page(beside, reports[1:], names[1:], expect_sections=["headline", "adversarial"],
                   min_figures=7)

    # Not an eval.json: one line naming the file, exit code 2, nothing written.
    bad_out = os.path.join(work, "bad.html")
    for bad in (os.path.join(runs[0], "config.json"), os.path.join(work, "missing.json")):
        r = run([dign, "report", evals[0], bad, "--out", bad_out], expect=2)
        check(r.stderr.count("\n") == 1 and bad in r.stderr and "eval.json" in r.stderr,
              "bad input error: %r" % r.stderr)
        check(not os.path.exists(bad_out), "a page was written for bad input")

    land = os.path.join(work, "landscape")
    run([dign, "landscape", "--model", runs[0], "--model", runs[1]] + data +
        ["--limit", "5", "--radii", "0,2,8", "--curvature-samples", "2", "--kl-samples", "2",
         "--sigmas", "0.01,0.1", "--batch-size", "3", "--out", land] + quick)
    page = os.path.join(work, "report.html")
    title = "Two <tiny> models & 'quotes'"
    run([dign, "report"] + evals + ["--out", page, "--title", title, "--landscape", land])
    n = check_page(page, reports, names, title=title,
                   expect_sections=["headline", "corruptions", "noise", "calibration",
                                    "adversarial", "landscape", "provenance"], min_figures=8)
    text = open(page, encoding="utf-8").read()
    check("standard&lt;&amp;&gt;" in text and "standard<&>" not in text,
          "the model name is not escaped")

    # dign calibrate's records, written here with eval.json's structure (eval/report.h): the
    # page gains a temperature section, its table and two reliability diagrams.
    scaled_report = json.loads(json.dumps(reports[0]))
    scaled_report["calibration_temperature"] = {"value": 1.5, "source": "calibration.json"}
    for record in (scaled_report["clean"], scaled_report["corrupted"]["noise"]):
        record["temperature_scaled"] = {k: record[k] for k in ("ece", "rmse", "oe", "sharpness",
                                                               "bins")}
        record["temperature_scaled"]["temperature"] = 1.5
        record["temperature_scaled"]["rmse"] = 0.0123
    os.makedirs(os.path.join(work, "scaled"))
    scaled_eval = os.path.join(work, "scaled", "eval.json")
    json.dump(scaled_report, open(scaled_eval, "w"))
    page2 = os.path.join(work, "report-temperature.html")
    run([dign, "report", scaled_eval, evals[1], "--out", page2])
    check_page(page2, [scaled_report, reports[1]], names,
               expect_sections=["headline", "temperature"], min_figures=n - 1 + 2)
    doc = lxml.html.document_fromstring(open(page2, "rb").read())
    rows = doc.get_element_by_id("temperature").findall(".//tbody/tr")
    check(len(rows) == 2, "%d temperature rows, expected 2 (clean, noise)" % len(rows))
    check("1.5" in rows[0].text_content() and "1.23" in rows[0].text_content(),
          "the temperature row does not show T and the scaled RMSE: %r" % rows[0].text_content())
    print("check_report: %d figures in %s" % (n, page))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dign", help="the dign executable (CI mode)")
    p.add_argument("--work", help="scratch directory (CI mode)")
    p.add_argument("--page", help="an existing page to check (page mode)")
    p.add_argument("--eval", action="append", default=[], help="its eval.json files, in order")
    a = p.parse_args()
    if a.page:
        reports = [json.load(open(e)) for e in a.eval]
        n = check_page(a.page, reports, min_figures=1)
        print("check_report: %d figures in %s" % (n, a.page))
    else:
        if not a.dign or not a.work:
            p.error("--dign and --work, or --page")
        ci_mode(a.dign, a.work)
    print("check_report: all checks passed")


if __name__ == "__main__":
    main()
