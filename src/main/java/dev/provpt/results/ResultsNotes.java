package dev.provpt.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The authors' notes for the results page ({@code provpt report --notes FILE}): Markdown included verbatim, which
 * may hold no typed result, so that every number of the page stays computed. A decimal number ({@code 0.71},
 * {@code 71.2}, {@code .5}) or a percentage ({@code 12%}, {@code 12 %}) is refused; integers ("20 epochs",
 * "3 seeds") are allowed.
 */
public final class ResultsNotes {
  /** A decimal number or a percentage; a dot between words ({@code results.json}) is neither. */
  static final Pattern TYPED_NUMBER = Pattern.compile("\\d*\\.\\d+|\\d+\\s*%");

  private ResultsNotes() {}

  /** The file's text; IllegalArgumentException (one line: file, line number, the number, the line) if it has one. */
  public static String read(Path file) throws IOException {
    String text = Files.readString(file);
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TYPED_NUMBER.matcher(lines.get(i));
      if (m.find()) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": notes may not type a decimal number or a "
            + "percentage (\"" + m.group().strip() + "\"; every number on the results page is computed from the "
            + "runs, integers are allowed): " + lines.get(i).strip());
      }
    }
    return text;
  }
}
