#!/usr/bin/env python3
"""Markdown tables from `provpt bench` output (JSON lines on stdin or in the files named).

docs/PERFORMANCE.md's tables are this script's output on the bench output kept at the end of
that page; no figure is typed by hand."""
import json
import sys


def lines(paths):
    """Each JSON line; one written as `LABEL {...}` (say, which build printed it) carries "label": LABEL."""
    sources = [open(p) for p in paths] if paths else [sys.stdin]
    for source in sources:
        for line in source:
            line = line.strip()
            if line.startswith("{"):
                yield json.loads(line)
            elif " {" in line and not line.startswith("="):
                label, _, rest = line.partition(" ")
                try:
                    d = json.loads(rest)
                except ValueError:
                    continue  # prose or code that merely contains " {"
                d["label"] = label
                yield d


def wall(row):
    """A packing layout's wall seconds, with both runs where the bench measured it twice."""
    if "wall_s_runs" not in row:
        return row["wall_s"]
    return "%s (runs: %s)" % (row["wall_s"], " / ".join(str(x) for x in row["wall_s_runs"]))


def speedup(d, kind):
    for k, v in d.items():
        if k.startswith(kind + "_speedup_vs_"):
            return v
    return ""


def main(paths):
    steps, memory, packing, cost, profiles = [], [], [], [], []
    for d in lines(paths):
        b = d.get("benchmark")
        (memory if b == "memory" else packing if b == "packing" else cost if b == "epoch-cost"
         else profiles if b == "profile" else steps).append(d)
    if steps:
        base = steps[0]
        first = next((k[len("train_speedup_vs_"):] for k in base if k.startswith("train_speedup_vs_")), "fp32")
        labelled = any("label" in d for d in steps)
        with_method = any("method" in d for d in steps)
        print("| %s%smodel | batch | prompts/block | precision | xla | train step ms | train speed-up vs %s | eval img/s "
              "| eval speed-up vs %s | graph build s | first step s |" % ("build | " if labelled else "",
                                                            "method | " if with_method else "", first, first))
        print("|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if labelled else "") + ("---|" if with_method else ""))
        for d in steps:
            print("| %s%s%s | %s | %s | %s | %s | %s | %s× | %s | %s× | %s | %s |" % (
                d.get("label", "") + " | " if labelled else "",
                d.get("method", "") + " | " if with_method else "", d["model"], d["batch"], d["prompts_per_block"], d.get("precision", "fp32"), d.get("xla", "off"),
                d["train_step_ms"], speedup(d, "train"), d["eval_images_per_s"], speedup(d, "eval"),
                d["graph_build_s"], d.get("first_step_s", "")))
        print()
    if memory:
        print("| model | batch | prompts/block | precision | peak RSS MB | RSS before MB | first train step s |")
        print("|---|---|---|---|---|---|---|")
        for d in memory:
            print("| %s | %s | %s | %s | %s | %s | %s |" % (d["model"], d["batch"], d["prompts_per_block"],
                d["precision"], d["peak_rss_mb"], d["rss_before_mb"], d["first_train_step_s"]))
        print()
    if len([d for d in packing if "label" in d]) > 1:
        # packing lines of several builds: every layout against the first build's first layout
        labelled = [d for d in packing if "label" in d]
        base = labelled[0]["layouts"][0]
        print("| build | layout | wall s | runs per hour | throughput vs %s %s |" % (labelled[0]["label"], base["layout"]))
        print("|---|---|---|---|---|")
        for d in labelled:
            for row in d["layouts"]:
                print("| %s | %s | %s | %s | %.2f× |" % (d["label"], row["layout"], wall(row), row["runs_per_hour"],
                                                       base["wall_s"] / row["wall_s"]))
        print()
        packing = [d for d in packing if "label" not in d]
    for d in packing:
        mix = ""
        if d.get("methods"):
            counts = {}
            for m in d["methods"]:
                counts[m] = counts.get(m, 0) + 1
            mix = " (%s)" % ", ".join("%s %s" % (n, m) for m, n in counts.items())
        print("%s runs%s of %s epochs per layout (`%s`), %s cores; RUNSxTHREADS = runs at once × TensorFlow threads "
              "each, then the layout's own settings." % (d["runs_per_layout"], mix, d["epochs_per_run"],
                                                         d["experiment"], d["cores"]))
        print()
        print("| layout | wall s | runs per hour | throughput vs %s |" % d["layouts"][0]["layout"])
        print("|---|---|---|---|")
        for row in d["layouts"]:
            print("| %s | %s | %s | %s× |" % (row["layout"], wall(row), row["runs_per_hour"], row["throughput_vs_first"]))
        print()
    for d in profiles:
        print("%s, batch %s, %s prompts per block, %s: %s traced steps, %s ms of kernel time and %s kernels per step."
              % (d["model"], d["batch"], d["prompts_per_block"], d["precision"], d["traced_steps"],
                 d["kernel_ms_per_step"], d["kernels_per_step"]))
        print()
        print("| kernel | ms per step | share | kernels per step |")
        print("|---|---|---|---|")
        for k in d["top"]:
            print("| %s | %s | %.1f%% | %s |" % (k["kernel"], k["ms_per_step"], 100 * k["share"], k["per_step"]))
        print()
    for d in cost:
        print("| run | epoch s | relative to VPT-Deep |")
        print("|---|---|---|")
        print("| VPT-Deep (runs: %s) | %s | 1.00 |" % (" / ".join(str(x) for x in d["vpt_deep_epoch_s_runs"]),
                                                    d["vpt_deep_epoch_s"]))
        print("| PRO-VPT, `scoring = online` | %s | %s |" % (d["pro_vpt_online_epoch_s"], d["ratio_online"]))
        print("| PRO-VPT, `scoring = pass` | %s | %s |" % (d["pro_vpt_pass_epoch_s"], d["ratio_pass"]))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
