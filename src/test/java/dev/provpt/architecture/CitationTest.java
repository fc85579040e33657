package dev.provpt.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The other half of {@link ArchitectureTest#nothingCitesADocumentOutsideTheRepository}: what the code and the docs
 * do cite is defined in docs/REFERENCES.md. A citation is a bracketed short name ({@code [PRO-VPT]},
 * {@code [PRO-VPT-code]}, {@code [VPT]}) in a Java comment or in Markdown prose (code blocks and spans left out);
 * REFERENCES.md defines a name by a list item that opens with it in bold.
 */
class CitationTest {
  static final Path REFERENCES = Path.of("docs/REFERENCES.md");
  /** A short name: a capital, then letters and digits, hyphenated parts allowed; not a Markdown link's text. */
  private static final Pattern CITATION = Pattern.compile("\\[([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\\](?!\\()");
  private static final Pattern DEFINITION = Pattern.compile("^- \\*\\*\\[([^\\]]+)\\]\\*\\*");
  /** Bracketed words that are notation, not sources: the class token. */
  private static final Set<String> NOTATION = Set.of("CLS");

  @Test
  void everyBracketedCitationIsDefinedInReferences() throws IOException {
    Set<String> defined = defined(Files.readAllLines(REFERENCES));
    assertTrue(defined.containsAll(List.of("PRO-VPT", "PRO-VPT-code", "VPT", "PPO", "FractalDB")), defined.toString());
    List<String> undefined = new ArrayList<>();
    for (String root : List.of("src", "docs", "README.md", "models", "suite", "scripts")) {
      if (!Files.exists(Path.of(root))) {
        continue;
      }
      try (Stream<Path> files = Files.walk(Path.of(root))) {
        for (Path file : files.filter(f -> f.toString().matches(".*\\.(java|md)$")).sorted().toList()) {
          boolean java = file.toString().endsWith(".java");
          List<String> lines = Files.readAllLines(file);
          for (String found : undefined(lines, java, defined)) {
            undefined.add(file + ":" + found);
          }
        }
      }
    }
    assertEquals(List.of(), undefined, "cited but not defined in " + REFERENCES);
  }

  /** The rule on lines written here: it finds an undefined name and passes notation, indexing, links and code. */
  @Test
  void theRuleFindsAnUndefinedNameAndOnlyThat() {
    Set<String> defined = Set.of("PRO-VPT", "VPT");
    List<String> java = List.of(
        "  /** As in [PRO-VPT] Eq. 6 and [Nope] §2; the [CLS] token. */",
        "  double best = values[BEST]; // [VPT]'s layout",
        "   * [Unknown-Source] Tab. 3",
        "  int[] x = new int[PIXELS];");
    assertEquals(List.of("1: [Nope]", "3: [Unknown-Source]"), undefined(java, true, defined));
    List<String> markdown = List.of(
        "See [PRO-VPT] and [Missing], the [README](README.md), `[Code]` spans.",
        "```",
        "[Fenced]",
        "```",
        "    ./provpt status [ID]");
    assertEquals(List.of("1: [Missing]"), undefined(markdown, false, defined));
  }

  static Set<String> defined(List<String> references) {
    Set<String> names = new TreeSet<>();
    for (String line : references) {
      Matcher m = DEFINITION.matcher(line);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** "line: bracketed name" for each citation in {@code lines} that {@code defined} lacks. */
  static List<String> undefined(List<String> lines, boolean java, Set<String> defined) {
    List<String> found = new ArrayList<>();
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!java && line.strip().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      String prose = java ? comment(line) : fenced || line.startsWith("    ") ? "" : line.replaceAll("`[^`]*`", "");
      Matcher m = CITATION.matcher(prose);
      while (m.find()) {
        String name = m.group(1);
        if (name.length() > 1 && !NOTATION.contains(name) && !defined.contains(name)) {
          found.add((i + 1) + ": [" + name + "]");
        }
      }
    }
    return found;
  }

  /** The comment text of a Java line: the whole of a Javadoc or block-comment line, else what follows "//". */
  private static String comment(String line) {
    String t = line.strip();
    if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) {
      return t;
    }
    int slashes = line.indexOf("// ");
    return slashes < 0 ? "" : line.substring(slashes);
  }
}
