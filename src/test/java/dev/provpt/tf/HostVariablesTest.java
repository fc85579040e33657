package dev.provpt.tf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Values written from Java come back unchanged; bad names and sizes are refused before anything runs. */
class HostVariablesTest {

  @Test
  void createdDeclaredAndRegisteredVariablesAreReadAndWrittenByName() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      HostVariables vars = new HostVariables(tf.withSubScope("scope"), "test variable");
      vars.create("created", new long[] {2}, new float[] {1f, 2f});
      vars.declare("declared", 2, 2);
      // not initialised from `created`: Session.initialize runs the init ops in no set order, so that would race
      var doubled = HostVariables.initialised(tf, "doubled", new long[] {2}, new float[] {2f, 4f});
      vars.register("doubled", doubled);
      assertEquals(List.of("created", "declared", "doubled"), List.copyOf(vars.names()));
      assertNotNull(graph.operation("scope/created_value"), "the placeholder is named by the scope");
      try (Session session = new Session(graph)) {
        session.initialize();
        assertArrayEquals(new float[] {1f, 2f}, vars.read(session, "created"));
        assertArrayEquals(new float[] {2f, 4f}, vars.read(session, "doubled"));

        vars.write(session, "declared", new float[] {1f, 2f, 3f, 4f});
        vars.writeAll(session, Map.of("created", new float[] {5f, 6f}, "doubled", new float[] {7f, 8f}));
        Map<String, float[]> all = vars.readAll(session);
        assertEquals(List.of("created", "declared", "doubled"), List.copyOf(all.keySet()));
        assertArrayEquals(new float[] {5f, 6f}, all.get("created"));
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, all.get("declared"));
        assertArrayEquals(new float[] {7f, 8f}, all.get("doubled"));
      }
    }
  }

  @Test
  void aWrongSizeOrNameIsRefusedAndNothingIsWritten() {
    try (Graph graph = new Graph()) {
      HostVariables vars = new HostVariables(Ops.create(graph), "test variable");
      vars.create("a", new long[] {2}, new float[] {1f, 2f});
      vars.create("b", new long[] {3}, new float[] {1f, 2f, 3f});
      try (Session session = new Session(graph)) {
        session.initialize();
        var size = assertThrows(IllegalArgumentException.class, () -> vars.writeAll(session,
            Map.of("a", new float[] {9f, 9f}, "b", new float[] {9f})));
        assertTrue(size.getMessage().contains("test variable b needs 3 values"), size.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, vars.read(session, "a"), "a must be unchanged");
        var name = assertThrows(IllegalArgumentException.class, () -> vars.read(session, "c"));
        assertTrue(name.getMessage().contains("no test variable c"), name.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> vars.declare("a", 2));
    }
  }

  @Test
  void everyVariableOfAGraphIsFoundByOpName() {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      HostVariables.initialised(tf, "w", new long[] {1}, new float[] {3f});
      tf.withName("v").variable(Shape.of(2), TFloat32.class);
      HostVariables vars = HostVariables.ofEveryVariable(graph, tf, "test variable");
      assertEquals(List.of("w", "v"), List.copyOf(vars.names()));
    }
  }
}
