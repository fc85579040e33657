package dev.provpt.data.suite;

import dev.provpt.data.DataException;
import java.util.List;

/**
 * The mini-VTAB-1k suite: nine tasks in VTAB's three groups, each addressable by name. Listing them
 * reads no file; {@link SuiteTask#generate} does, and names the missing Debian package when its source
 * is absent. Write a task where the {@code data.kind = vtab} loader reads it with {@link SuiteFolders#write}.
 */
public final class SuiteTasks {

  /** The suite's fixed seed: {@code generate(size, channels)} uses it. */
  public static final long SEED = 20_240_601L;

  private static final List<SuiteTask> ALL = List.of(
      new Digits(),
      new Letters(),
      Degraded.noisyDigits(new Digits()),
      Degraded.elasticInvertedDigits(new Digits()),
      Degraded.lowResLetters(new Letters()),
      new Location(),
      new Orientation(),
      new Count(),
      new Distance());

  private SuiteTasks() {
  }

  /** Every task, natural first, then specialized, then structured. */
  public static List<SuiteTask> all() {
    return ALL;
  }

  public static List<String> names() {
    return ALL.stream().map(SuiteTask::name).toList();
  }

  public static List<SuiteTask> group(TaskInfo.Group group) {
    return ALL.stream().filter(t -> t.info().group() == group).toList();
  }

  /** The task called {@code name}; a DataException listing the names when there is none. */
  public static SuiteTask named(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() -> new DataException(
        "no suite task \"" + name + "\", expected one of " + names()));
  }
}
