# %% [markdown]
# # Energy per token against context: the eight variants on two chips
#
# A notebook-style script (cells marked `# %%`; it opens as a notebook in Jupyter with jupytext, or in VS Code):
# every attention variant of paper-300m ("Do Transformers Need Three Projections?", arXiv 2606.04032) costed by
# neurokv's analytic estimator, one decode step at each context, on the default Akida-2-like chip and on the
# AKD1500-like one, with the paper's fp16 KV cache (`kv_bits=16`). Every event count is an assumed density (no
# input is executed), and the chips' energy coefficients are sourced or marked assumed in hwconfigs/
# (docs/energy-model.md); the report's `notes` say so.
#
# Run from the repository (or with neurokv installed):
#
#     PYTHONPATH=build/python /usr/bin/python3 docs/examples/python/energy_vs_context.py
#
# It writes energy-per-token-vs-context.png beside itself.

# %%
import os

import matplotlib

matplotlib.use("Agg")  # a file, no window
import matplotlib.pyplot as plt
import matplotlib.ticker

import neurokv

MODEL = neurokv.load_model("paper-300m")
CHIPS = [neurokv.load_chip("akida2-like"), neurokv.load_chip("akd1500-like")]
CONTEXTS = [128, 256, 512, 1024, 2048]  # up to paper-300m's learned positions (2048)

# %% [markdown]
# One `estimate` per chip and context gives all eight variants (`variant="all"`: the paper's eight, with g =
# the model's `kv_groups`). `decode.energy_j` is the energy of one decode token at that context.

# %%
energy = {}  # (chip, variant) -> [joules per token, by context]
for chip in CHIPS:
    for context in CONTEXTS:
        report = neurokv.estimate(MODEL, chip, variant="all", context=context, kv_bits=16)
        for v in report["variants"]:
            energy.setdefault((chip.name, v["variant"]), []).append(v["decode"]["energy_j"])
variants = [v for (c, v) in energy if c == CHIPS[0].name]
print(f"{MODEL.name}: {len(variants)} variants x {len(CHIPS)} chips x {len(CONTEXTS)} contexts")

# %% [markdown]
# The table behind the plot: energy per token in mJ at the shortest and longest context, and how much of the
# QKV figure each variant spends at the longest.

# %%
for chip in CHIPS:
    qkv = energy[(chip.name, "QKV")][-1]
    print(f"\n{chip.name}            {CONTEXTS[0]:>8} {CONTEXTS[-1]:>8}   vs QKV at {CONTEXTS[-1]}")
    for variant in variants:
        e = energy[(chip.name, variant)]
        print(f"  {variant:<10} mJ {e[0] * 1e3:8.2f} {e[-1] * 1e3:8.2f}   {e[-1] / qkv:6.1%}")

# %% [markdown]
# The plot: one panel per chip, energy per decode token against context (log-log), one line per variant.

# %%
fig, axes = plt.subplots(1, len(CHIPS), figsize=(12, 4.8), sharey=True)
styles = ["-", "--", "-.", ":"]
for ax, chip in zip(axes, CHIPS):
    for i, variant in enumerate(variants):
        ax.plot(CONTEXTS, [e * 1e3 for e in energy[(chip.name, variant)]], styles[i % 4], marker="o",
                markersize=3, label=variant)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xticks(CONTEXTS, [str(c) for c in CONTEXTS])
    ax.set_title(f"{MODEL.name} on {chip.name}")
    ax.set_xlabel("context (cached tokens)")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("energy per decode token (mJ)")
axes[-1].legend(title="variant", fontsize=8)
fig.suptitle("neurokv analytic estimate, fp16 KV cache, assumed activation densities", fontsize=10)
fig.tight_layout()
image = os.path.join(os.path.dirname(os.path.abspath(__file__)), "energy-per-token-vs-context.png")
fig.savefig(image, dpi=110)
print(f"\nwrote {os.path.basename(image)}")
