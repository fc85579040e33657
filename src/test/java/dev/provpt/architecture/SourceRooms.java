package dev.provpt.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Java source files for their sizes: a file's lines, and each method's or constructor's
 * body in lines (the lines strictly between its opening and closing brace). A small scanner, not
 * a parser: it blanks comments, string, text-block and char literals, then matches braces, and
 * takes a brace for a method's when the text before it (back to the previous ';', '{' or '}')
 * ends in {@code name(...)} with an optional throws clause, and is neither a control statement
 * nor a {@code new} (an anonymous class). Run {@link #main} to list what it finds.
 */
final class SourceRooms {

  /** A method or constructor whose body has {@code lines} lines. */
  record MethodSize(Path file, int line, String name, int lines) {
    @Override
    public String toString() {
      return file + ":" + line + " " + name + " (" + lines + " lines)";
    }
  }

  private static final Pattern HEAD = Pattern.compile(
      "(?s).*?\\b([A-Za-z_$][\\w$]*)\\s*\\((.*)\\)\\s*(throws\\s+[\\w$.,\\s<>]+)?\\s*$");
  private static final Pattern NOT_A_METHOD = Pattern.compile(
      "(?s)(.*(=|->).*|.*\\bnew\\b.*|\\s*(if|for|while|switch|catch|synchronized|try|else|do|return)\\b.*)");

  private SourceRooms() {}

  static List<Path> javaFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  static int lineCount(Path file) throws IOException {
    return Files.readAllLines(file).size();
  }

  static List<MethodSize> methods(Path file) throws IOException {
    String code = blankCommentsAndLiterals(Files.readString(file));
    List<MethodSize> found = new ArrayList<>();
    List<int[]> open = new ArrayList<>(); // {offset, isMethod ? 1 : 0, headStart}
    int headStart = 0;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '{') {
        String head = code.substring(headStart, i);
        open.add(new int[] {i, isMethodHead(head) ? 1 : 0, headStart});
        headStart = i + 1;
      } else if (c == '}') {
        if (!open.isEmpty()) {
          int[] o = open.remove(open.size() - 1);
          if (o[1] == 1) {
            int body = lineOf(code, i) - lineOf(code, o[0]) - 1;
            Matcher m = HEAD.matcher(code.substring(o[2], o[0]));
            String name = m.matches() ? m.group(1) : "?";
            found.add(new MethodSize(file, lineOf(code, o[0]), name, Math.max(body, 0)));
          }
        }
        headStart = i + 1;
      } else if (c == ';') {
        headStart = i + 1;
      }
    }
    return found;
  }

  private static boolean isMethodHead(String head) {
    String h = head.replaceAll("@[\\w$.]+(\\([^)]*\\))?", " ").strip();
    if (h.isEmpty() || NOT_A_METHOD.matcher(h).matches()) {
      return false;
    }
    return HEAD.matcher(h).matches() && !h.matches("(?s).*\\b(class|record|interface|enum)\\b.*");
  }

  private static int lineOf(String code, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (code.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The source with comments and literals replaced by spaces, newlines kept. */
  static String blankCommentsAndLiterals(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    while (i < src.length()) {
      int end;
      if (src.startsWith("//", i)) {
        end = src.indexOf('\n', i);
        end = end < 0 ? src.length() : end;
      } else if (src.startsWith("/*", i)) {
        end = src.indexOf("*/", i + 2);
        end = end < 0 ? src.length() : end + 2;
      } else if (src.startsWith("\"\"\"", i)) {
        end = src.indexOf("\"\"\"", i + 3);
        end = end < 0 ? src.length() : end + 3;
      } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
        end = literalEnd(src, i);
      } else {
        out.append(src.charAt(i++));
        continue;
      }
      for (int k = i; k < end; k++) {
        out.append(src.charAt(k) == '\n' ? '\n' : ' ');
      }
      i = end;
    }
    return out.toString();
  }

  private static int literalEnd(String src, int start) {
    char quote = src.charAt(start);
    int i = start + 1;
    while (i < src.length() && src.charAt(i) != quote && src.charAt(i) != '\n') {
      i += src.charAt(i) == '\\' ? 2 : 1;
    }
    return Math.min(i + 1, src.length());
  }

  /** Lists files over {@code args[0]} lines and methods over {@code args[1]} lines under src/main/java. */
  public static void main(String[] args) throws IOException {
    int fileLimit = args.length > 0 ? Integer.parseInt(args[0]) : 350;
    int methodLimit = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    for (Path file : javaFiles(Path.of("src/main/java"))) {
      int lines = lineCount(file);
      if (lines > fileLimit) {
        System.out.println("file " + file + " (" + lines + " lines)");
      }
      for (MethodSize m : methods(file)) {
        if (m.lines() > methodLimit) {
          System.out.println("method " + m);
        }
      }
    }
  }
}
