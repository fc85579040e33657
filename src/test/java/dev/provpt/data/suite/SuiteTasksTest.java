package dev.provpt.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.DataException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SuiteTasksTest {

  @Test
  void theRegistryHoldsAtLeastEightUniquelyNamedTasksInVtabsThreeGroups() {
    List<SuiteTask> all = SuiteTasks.all();
    assertTrue(all.size() >= 8, "only " + all.size() + " tasks");
    assertEquals(all.size(), new HashSet<>(SuiteTasks.names()).size(), "duplicate names in " + SuiteTasks.names());
    assertTrue(SuiteTasks.group(TaskInfo.Group.NATURAL).size() >= 2);
    assertTrue(SuiteTasks.group(TaskInfo.Group.SPECIALIZED).size() >= 2);
    assertTrue(SuiteTasks.group(TaskInfo.Group.STRUCTURED).size() >= 3);
    assertEquals(List.of("digits", "letters", "digits-noise", "digits-elastic-inverted", "letters-lowres",
        "location-x", "orientation", "count", "distance"), SuiteTasks.names());
  }

  @Test
  void everyTaskIsFoundByNameAndDescribesItself() {
    for (SuiteTask task : SuiteTasks.all()) {
      assertSame(task, SuiteTasks.named(task.name()));
      TaskInfo info = task.info();
      assertTrue(info.numClasses() >= 2, task.name());
      assertEquals(info.numClasses(), new HashSet<>(info.classNames()).size(), task.name() + " repeats a class name");
      for (String text : List.of(info.source(), info.licence(), info.generation())) {
        assertFalse(text.isBlank(), task.name());
      }
      String described = (info.name() + info.source() + info.generation()).toLowerCase(Locale.ROOT);
      assertFalse(described.contains("fashion"), task.name() + " must not be the backbone's pre-training set");
    }
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    var error = assertThrows(DataException.class, () -> SuiteTasks.named("fashion-mnist"));
    assertTrue(error.getMessage().contains("fashion-mnist") && error.getMessage().contains("digits"),
        error.getMessage());
  }
}
