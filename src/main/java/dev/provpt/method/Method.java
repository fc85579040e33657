package dev.provpt.method;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A tuning method ({@code provpt.method}) and what follows from it. Every property is a switch over the
 * constants, so a new method is one constant here and the compiler names each decision it needs; code elsewhere
 * asks these properties (or switches over {@link PromptMode} and {@link HeadInput}), never the constant's name.
 * The declaration order is the results page's row order (Tab. 1).
 */
public enum Method {
  /** Multinomial logistic regression on the normalised pixels: no backbone, no prompts (the page's floor). */
  PIXELS("pixels"),
  /** The linear probe: a head on the frozen backbone's features. */
  LINEAR("linear"),
  /** VPT-Shallow: prompts in front of the first block only. */
  VPT_SHALLOW("vpt-shallow"),
  /** VPT-Deep: the same number of prompts in every block, where they stay. */
  VPT_DEEP("vpt-deep"),
  /** PRO-VPT: VPT-Deep's start, then one idle prompt relocated per epoch. */
  PRO_VPT("pro-vpt");

  /** The name in provpt.method, summary.json and the metrics lines. */
  public final String key;

  Method(String key) {
    this.key = key;
  }

  /** Where its prompts enter the backbone. */
  public PromptMode layout() {
    return switch (this) {
      case PIXELS, LINEAR -> PromptMode.NONE;
      case VPT_SHALLOW -> PromptMode.SHALLOW;
      case VPT_DEEP, PRO_VPT -> PromptMode.DEEP;
    };
  }

  /** What its classifier head reads. */
  public HeadInput headInput() {
    return switch (this) {
      case PIXELS -> HeadInput.PIXELS;
      case LINEAR, VPT_SHALLOW, VPT_DEEP, PRO_VPT -> HeadInput.BACKBONE;
    };
  }

  /** Whether prompts move between blocks while it tunes (then idleness is measured and the allocator runs). */
  public boolean relocates() {
    return switch (this) {
      case PRO_VPT -> true;
      case PIXELS, LINEAR, VPT_SHALLOW, VPT_DEEP -> false;
    };
  }

  /** Whether the paper's Tab. 1 has it (the results page names those of them not run). */
  public boolean inPaper() {
    return switch (this) {
      case PIXELS -> false;
      case LINEAR, VPT_SHALLOW, VPT_DEEP, PRO_VPT -> true;
    };
  }

  /** How many prompts a run holds: {@code perBlock} in each of {@code depth} blocks, {@code shallowCount}, or none. */
  public int promptCount(int depth, int perBlock, int shallowCount) {
    return switch (layout()) {
      case DEEP -> depth * perBlock;
      case SHALLOW -> shallowCount;
      case NONE -> 0;
    };
  }

  /** Prompts per block at the start of a run (shallow prompts count in block 0). */
  public int[] initialDistribution(int depth, int perBlock, int shallowCount) {
    int[] counts = new int[depth];
    switch (layout()) {
      case DEEP -> Arrays.fill(counts, perBlock);
      case SHALLOW -> counts[0] = shallowCount;
      case NONE -> { }
    }
    return counts;
  }

  /**
   * Trainable parameters: prompts × width plus the head, inputs × classes + classes, where the head's inputs are
   * the backbone's {@code width} features or the image's {@code imageValues} values ({@link #headInput}).
   */
  public long trainableParameters(long prompts, long width, long imageValues, long classes) {
    long inputs = switch (headInput()) {
      case BACKBONE -> width;
      case PIXELS -> imageValues;
    };
    return prompts * width + inputs * classes + classes;
  }

  /** The method named {@code key}, if any. */
  public static Optional<Method> byKey(String key) {
    return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(m -> m.key).toList();
  }
}
