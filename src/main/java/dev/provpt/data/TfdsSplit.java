package dev.provpt.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A split as TensorFlow Datasets' slicing syntax names it: {@code train}, {@code train[:800]},
 * {@code train[800:1000]}, {@code test[-100:]}, {@code train[:10%]}, and parts joined with {@code +}
 * ({@code train[:800]+validation[:200]}). Bounds are Python slice bounds: absolute example indices (negative
 * ones count from the end) or percentages of the split, rounded to the closest index (TFDS's default
 * {@code rounding="closest"}, ties to even like Python's {@code round}); a bound past the end is clipped.
 *
 * @param text the spec as written
 * @param parts its {@code +}-joined parts, read in order
 */
public record TfdsSplit(String text, List<Part> parts) {
  private static final Pattern PART =
      Pattern.compile("([A-Za-z0-9_.-]+)(?:\\[\\s*(-?\\d{1,9}%?)?\\s*:\\s*(-?\\d{1,9}%?)?\\s*\\])?");

  /** One split of the data set with optional bounds (null: open). */
  public record Part(String split, String from, String to) {
    /** The half-open range [start, end) of this part in a split of {@code size} examples. */
    public int[] range(int size) {
      int start = from == null ? 0 : bound(from, size);
      int end = to == null ? size : bound(to, size);
      return new int[] {start, Math.max(start, end)};
    }

    private static int bound(String bound, int size) {
      long value;
      if (bound.endsWith("%")) {
        int percent = Integer.parseInt(bound.substring(0, bound.length() - 1));
        value = (long) Math.rint(percent * (double) size / 100.0);
      } else {
        value = Long.parseLong(bound);
      }
      if (value < 0) {
        value += size;
      }
      return (int) Math.max(0, Math.min(size, value));
    }

    @Override
    public String toString() {
      return from == null && to == null ? split : split + "[" + (from == null ? "" : from) + ":" + (to == null ? "" : to) + "]";
    }
  }

  /** Parses {@code text}; a malformed spec throws a {@link DataException} saying what was expected. */
  public static TfdsSplit parse(String text) {
    List<Part> parts = new ArrayList<>();
    for (String piece : text.split("\\+", -1)) {
      Matcher m = PART.matcher(piece.trim());
      if (!m.matches()) {
        throw new DataException("split \"" + text + "\": \"" + piece.trim() + "\" is not a TFDS split "
            + "(expected split, split[a:b], split[:n], split[a:] or split[:p%], joined with +)");
      }
      for (int g = 2; g <= 3; g++) {
        String bound = m.group(g);
        if (bound != null && bound.endsWith("%") && Math.abs(Integer.parseInt(bound.replace("%", ""))) > 100) {
          throw new DataException("split \"" + text + "\": percentage " + bound + " outside [-100%, 100%]");
        }
      }
      parts.add(new Part(m.group(1), m.group(2), m.group(3)));
    }
    return new TfdsSplit(text, List.copyOf(parts));
  }

  /** The data set's splits this spec reads, in order of first mention. */
  public List<String> splits() {
    return parts.stream().map(Part::split).distinct().toList();
  }
}
