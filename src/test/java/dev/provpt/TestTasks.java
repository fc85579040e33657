package dev.provpt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Task folders for end-to-end tests. */
public final class TestTasks {
  private TestTasks() {}

  /**
   * Writes the four VTAB-1k list files of {@code task} from {@code lines} ("path label"): the first
   * {@code train} lines are train800.txt, the next {@code val} val200.txt, both together
   * train800val200.txt, and the rest test.txt.
   */
  public static Path writeVtabLists(Path task, List<String> lines, int train, int val) throws IOException {
    Files.write(task.resolve("train800.txt"), lines.subList(0, train));
    Files.write(task.resolve("val200.txt"), lines.subList(train, train + val));
    Files.write(task.resolve("train800val200.txt"), lines.subList(0, train + val));
    Files.write(task.resolve("test.txt"), lines.subList(train + val, lines.size()));
    return task;
  }
}
