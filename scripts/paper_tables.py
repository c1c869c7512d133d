#!/usr/bin/python3
"""Lays out `dign eval --corrupted` reports side by side as the paper's Tables 1, 2 and 4.

Usage: scripts/paper_tables.py [--digits N] NAME=eval.json [NAME=eval.json ...]
Several reports under one NAME (NAME=a.json,b.json) are shown as mean ± population std
over them (the paper's ± over seeds), with the seed count in the header. Percent, as the
paper prints them (one decimal unless --digits says otherwise); SH as a plain number.
After the paper's layouts: accuracy per corruption (mean over its severities) and under the
evaluation's own Gaussian noise, per sigma.

For a grid of runs, `dign experiment tables GRID.json` does this (and Tables 6 and 7, missing
seeds named, the paper's values with --paper, CSV and JSON); this script stays for reports
given by hand.
"""
import json
import statistics
import sys


def fail(message):
    print(f"paper_tables.py: {message}", file=sys.stderr)
    sys.exit(2)


def load(spec):
    if "=" not in spec:
        fail(f"'{spec}': expected NAME=eval.json[,eval.json...]")
    name, files = spec.split("=", 1)
    reports = []
    for f in files.split(","):
        try:
            with open(f) as stream:
                reports.append(json.load(stream))
        except (OSError, ValueError) as error:
            fail(f"{f}: expected a dign eval report ({error})")
    return name, reports


DIGITS = 1


def cell(values, scale=100.0):
    digits = DIGITS
    values = [v * scale for v in values if v is not None]
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f}±{statistics.pstdev(values):.{digits}f}"


def sigma_accuracy(report, sigma):
    for row in report.get("gaussian_noise", []):
        if abs(row["sigma"] - sigma) < 1e-9:
            return row["accuracy"]
    return None


def noise_accuracy(report, corruption):
    for row in report["corrupted"]["per_corruption"]:
        if row["name"] == corruption:
            return row["mean_accuracy"]
    return None


def table(title, header, rows):
    print(f"**{title}**\n")
    print("| metric | " + " | ".join(header) + " |")
    print("|---|" + "---:|" * len(header))
    for label, cells in rows:
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()


def main():
    global DIGITS
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--digits":
        DIGITS, args = int(args[1]), args[2:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if args else 2)
    runs = [load(a) for a in args]
    header = [f"{n} ({len(r)} seed{'s' if len(r) > 1 else ''})" for n, r in runs]
    col = lambda f, **kw: [cell([f(r) for r in reports], **kw) for _, reports in runs]
    cor = lambda r: r["corrupted"]

    table("Table 1 layout: accuracy, %", header, [
        ("Clean acc.", col(lambda r: r["clean"]["accuracy"])),
        ("mCA-N", col(lambda r: cor(r)["mca_n"])),
    ] + [(c.replace("_", " ").title(), col(lambda r, c=c: noise_accuracy(r, c)))
         for c in ("gaussian_noise", "impulse_noise", "shot_noise", "speckle_noise")])

    rows = []
    for where, get in (("Clean", lambda r: r["clean"]), ("Corrupt", lambda r: cor(r)["noise"])):
        suffix = "-N" if where == "Corrupt" else ""
        rows += [(f"{where} RMSE{suffix}", col(lambda r: get(r)["rmse"])),
                 (f"{where} ECE{suffix}", col(lambda r: get(r)["ece"])),
                 (f"{where} OE{suffix}", col(lambda r: get(r)["oe"])),
                 (f"{where} SH{suffix}", col(lambda r: get(r)["sharpness"], scale=1.0))]
    table("Table 2 layout: calibration, % (SH plain)", header, rows)

    table("Table 4 layout: all common corruptions, %", header, [
        ("mCA", col(lambda r: cor(r)["mca"])),
        ("Clean RMSE", col(lambda r: r["clean"]["rmse"])),
        ("Corrupt RMSE", col(lambda r: cor(r)["all"]["rmse"])),
    ])

    first = runs[0][1][0]
    names = [row["name"] for row in cor(first)["per_corruption"]]
    table("Accuracy per corruption (mean over severities), %", header,
          [(c, col(lambda r, c=c: noise_accuracy(r, c))) for c in names])
    sigmas = [row["sigma"] for row in first.get("gaussian_noise", [])]
    if sigmas:
        table("Accuracy under Gaussian noise added in [0,1] pixel units, %", header,
              [(f"sigma {s:g}", col(lambda r, s=s: sigma_accuracy(r, s))) for s in sigmas])


if __name__ == "__main__":
    main()
