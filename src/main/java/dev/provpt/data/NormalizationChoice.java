package dev.provpt.data;

import java.util.ArrayList;
import java.util.List;

/** The input normalisation an experiment asks for: the backbone's own ({@code auto}) or a named one. */
public sealed interface NormalizationChoice {

  /** The name of {@link Auto}. */
  String AUTO = "auto";

  /** The spec to apply to a backbone whose model.conf names {@code backbones}. */
  String specFor(String backbones);

  /** The normalization named in the backbone's model.conf. */
  record Auto() implements NormalizationChoice {
    @Override
    public String specFor(String backbones) {
      return backbones;
    }
  }

  /** One of {@link Normalization#SPECS}, whatever the backbone's model.conf says. */
  record Named(String spec) implements NormalizationChoice {
    public Named {
      if (!Normalization.SPECS.contains(spec)) {
        throw new IllegalArgumentException("unknown normalization '" + spec + "', expected one of "
            + Normalization.SPECS);
      }
    }

    @Override
    public String specFor(String backbones) {
      return spec;
    }
  }

  /** Every name a choice can have: {@value #AUTO}, then {@link Normalization#SPECS}. */
  static List<String> names() {
    List<String> names = new ArrayList<>(List.of(AUTO));
    names.addAll(Normalization.SPECS);
    return names;
  }

  static NormalizationChoice of(String name) {
    return name.equals(AUTO) ? new Auto() : new Named(name);
  }
}
