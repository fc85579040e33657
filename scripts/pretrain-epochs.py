#!/usr/bin/env python3
"""Prints a pre-training run's epochs as a Markdown table, from its pretrain.json (a finished run) or
from the epochs.json of its state folder (a run in progress): models/README.md's tables.

    scripts/pretrain-epochs.py models/glyph-bank-vit8.state/epochs.json
    scripts/pretrain-epochs.py models/fractal-glyphs-vit8/pretrain.json
"""
import json
import sys

data = json.load(open(sys.argv[1]))
epochs = data["epochs"] if isinstance(data, dict) else data
held_out = any("held_out_acc" in e for e in epochs)
print("| epoch | train loss | train acc |" + (" held-out acc | lr at end |" if held_out else "") + " seconds |")
print("|---|---|---|" + ("---|---|" if held_out else "") + "---|")
for e in epochs:
    extra = f" {e['held_out_acc']:.4f} | {e['learning_rate_end']:.2e} |" if held_out else ""
    print(f"| {e['epoch']} | {e['train_loss']:.4f} | {e['train_acc']:.4f} |{extra} {e['seconds']:.0f} |")
