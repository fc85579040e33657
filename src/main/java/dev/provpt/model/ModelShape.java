package dev.provpt.model;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.HeadInput;
import dev.provpt.method.PromptMode;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a tuning graph is built for besides its backbone: the classes, the prompts and their layout, what the head
 * reads, and the idleness estimators it measures. A graph holds the gates and fetches the gradients of these
 * estimators only: a run that never relocates measures none, and its graph has no gate at all.
 *
 * @param promptCount 0 without prompts (layout NONE)
 * @param estimators the estimators each training and scoring step measures; leave-one-out adds the attention-key
 *     input its removal passes feed (forward only)
 */
public record ModelShape(int numClasses, int promptCount, PromptMode mode, HeadInput headInput,
    Set<Estimator> estimators) {

  public ModelShape {
    if (numClasses < 2) {
      throw new IllegalArgumentException("a classification task needs at least 2 classes, got " + numClasses);
    }
    if (mode != PromptMode.NONE && promptCount < 1) {
      throw new IllegalArgumentException("prompted tuning needs at least one prompt, got " + promptCount);
    }
    if (mode == PromptMode.NONE) {
      promptCount = 0;
    }
    if (!headInput.runsBackbone() && mode != PromptMode.NONE) {
      throw new IllegalArgumentException("a head on " + headInput + " runs no backbone to prompt, got " + mode
          + " prompts");
    }
    EnumSet<Estimator> copy = EnumSet.noneOf(Estimator.class);
    copy.addAll(estimators);
    for (Estimator e : copy) {
      if (!measurable(mode).contains(e)) {
        throw new IllegalArgumentException(e.key + " idleness cannot be measured with " + mode + " prompts");
      }
    }
    estimators = java.util.Collections.unmodifiableSet(copy);
  }

  /** A head on the backbone measuring every estimator {@code mode} allows (tests, benchmarks and the audit). */
  public static ModelShape measuringAll(int numClasses, int promptCount, PromptMode mode) {
    return new ModelShape(numClasses, promptCount, mode, HeadInput.BACKBONE, measurable(mode));
  }

  /**
   * The estimators a layout can measure: all of them with deep prompts; with shallow ones (carried through every
   * block) only the gradient of the prompt's row; none without prompts.
   */
  public static Set<Estimator> measurable(PromptMode mode) {
    return switch (mode) {
      case DEEP -> EnumSet.allOf(Estimator.class);
      case SHALLOW -> EnumSet.of(Estimator.INPUT_GATE);
      case NONE -> EnumSet.noneOf(Estimator.class);
    };
  }
}
