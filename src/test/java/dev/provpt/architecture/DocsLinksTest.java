package dev.provpt.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README stays short, and every relative link in it and in docs/ reaches a file and, with #, a heading. */
class DocsLinksTest {

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void theReadmeIsShort() throws IOException {
    long lines = Files.readAllLines(Path.of("README.md")).size();
    assertTrue(lines < 150, "README.md has " + lines + " lines, expected under 150: move detail to docs/");
  }

  @Test
  void relativeLinksReachAFileAndAHeading() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        String[] parts = target.split("#", 2);
        Path file = parts[0].isEmpty() ? page : page.resolveSibling(parts[0]).normalize();
        if (!Files.exists(file)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (parts.length == 2 && !anchors(file).contains(parts[1])) {
          broken.add(page + ": " + target + " (no such heading in " + file + ")");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces to hyphens. */
  private static List<String> anchors(Path file) throws IOException {
    if (Files.isDirectory(file) || !file.toString().endsWith(".md")) {
      return List.of();
    }
    return Files.readAllLines(file).stream().filter(l -> l.startsWith("#"))
        .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
            .replace(' ', '-'))
        .toList();
  }
}
