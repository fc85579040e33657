package dev.provpt.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rooms stay small: every file under src/main/java has at most 350 lines and every method or
 * constructor body at most 60 lines, except the few named below, each with its reason. Read from
 * the sources by {@link SourceRooms}.
 */
class RoomSizesTest {

  private static final Path MAIN = Path.of("src/main/java");
  private static final int FILE_LINES = 350;
  private static final int METHOD_LINES = 60;

  /** Files allowed past {@link #FILE_LINES}, and why. */
  private static final Map<String, String> LARGE_FILES = Map.of(
      "dev/provpt/model/PromptedGraph.java",
      "the tuning graph is built in one place, in the order TensorFlow needs it");

  /** Methods ("path#name") allowed past {@link #METHOD_LINES}, and why. */
  private static final Map<String, String> LONG_METHODS = Map.of();

  @Test
  void filesStayUnderTheLimit() throws IOException {
    List<String> over = new ArrayList<>();
    for (Path file : SourceRooms.javaFiles(MAIN)) {
      int lines = SourceRooms.lineCount(file);
      if (lines > FILE_LINES && !LARGE_FILES.containsKey(relative(file))) {
        over.add(relative(file) + " (" + lines + " lines)");
      }
    }
    assertEquals(List.of(), over, "files over " + FILE_LINES + " lines: split them by responsibility");
  }

  @Test
  void methodsStayUnderTheLimit() throws IOException {
    List<String> over = new ArrayList<>();
    for (Path file : SourceRooms.javaFiles(MAIN)) {
      for (SourceRooms.MethodSize m : SourceRooms.methods(file)) {
        if (m.lines() > METHOD_LINES && !LONG_METHODS.containsKey(relative(file) + "#" + m.name())) {
          over.add(relative(file) + ":" + m.line() + " " + m.name() + " (" + m.lines() + " lines)");
        }
      }
    }
    assertEquals(List.of(), over, "method bodies over " + METHOD_LINES + " lines: split them");
  }

  /** The allow-lists name only what is still over the limit, so they shrink as rooms are split. */
  @Test
  void allowListsNameOnlyWhatIsStillOver() throws IOException {
    for (String file : LARGE_FILES.keySet()) {
      int lines = SourceRooms.lineCount(MAIN.resolve(file));
      assertTrue(lines > FILE_LINES, file + " has " + lines + " lines now: drop it from LARGE_FILES");
    }
    for (String key : LONG_METHODS.keySet()) {
      String[] parts = key.split("#");
      int longest = SourceRooms.methods(MAIN.resolve(parts[0])).stream()
          .filter(m -> m.name().equals(parts[1])).mapToInt(SourceRooms.MethodSize::lines).max().orElse(0);
      assertTrue(longest > METHOD_LINES, key + " has " + longest + " lines now: drop it from LONG_METHODS");
    }
  }

  /** The scanner itself: it finds a method's body, skips braces in literals, and ignores lambdas. */
  @Test
  void theScannerCountsBodiesNotLiteralsOrLambdas() throws IOException {
    Path tmp = java.nio.file.Files.createTempFile("Rooms", ".java");
    try {
      java.nio.file.Files.writeString(tmp, String.join("\n",
          "class A {",
          "  int f(int x) throws java.io.IOException {",
          "    String s = \"{ not a brace\"; // } nor this",
          "    Runnable r = () -> {",
          "      x++;",
          "    };",
          "    if (x > 0) {",
          "      return 1;",
          "    }",
          "    return 0;",
          "  }",
          "  A() {",
          "  }",
          "}"));
      List<SourceRooms.MethodSize> found = SourceRooms.methods(tmp);
      assertEquals(List.of("f:8", "A:0"),
          found.stream().map(m -> m.name() + ":" + m.lines()).toList());
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }

  private static String relative(Path file) {
    return MAIN.relativize(file).toString().replace('\\', '/');
  }
}
