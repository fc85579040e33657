package dev.provpt.bench;

import dev.provpt.model.Precision;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.Xla;

/** One configuration of the tuning graph, measured side by side with the others: its precision and XLA. */
public record Variant(Precision precision, Xla xla) {
  /** {@code fp32}, {@code bf16+xla}, ...: how the bench's lines name it. */
  public String label() {
    return precision.key + (xla == Xla.ON ? "+xla" : "");
  }

  /** The optimiser's settings every benchmark model shares, in this variant's arithmetic. */
  PromptedModel.Hyper hyper(int threads) {
    return new PromptedModel.Hyper(0.01f, 0.9f, 1e-4f, 0.25f, 0.1f, threads, precision, xla);
  }
}
