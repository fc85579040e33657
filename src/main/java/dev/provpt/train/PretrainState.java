package dev.provpt.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pre-training run's state after its last finished epoch: every variable of the training graph
 * and the epochs' reports, saved in {@code dir} so that a run cut short resumes there. The state
 * names the run it belongs to (architecture, recipe, data); a state of another run is refused,
 * never silently resumed.
 */
public record PretrainState(String fingerprint, List<Map<String, Object>> epochs, Map<String, float[]> variables) {
  private static final String VARIABLES = "state.bin";
  private static final String EPOCHS = "epochs.json";
  private static final int MAGIC = 0x50565053; // "PVPS"

  /** The state saved in {@code dir} for the run {@code fingerprint}, or null when there is none. */
  public static PretrainState read(Path dir, String fingerprint) {
    Path file = dir.resolve(VARIABLES);
    if (!Files.exists(file)) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalStateException(file + " is no pre-training state; delete it or set provpt.pretrain.state-dir");
      }
      String saved = in.readUTF();
      if (!saved.equals(fingerprint)) {
        throw new IllegalStateException("the pre-training state in " + dir + " belongs to another run (" + saved
            + "); delete it, or set provpt.pretrain.state-dir to another folder");
      }
      int count = in.readInt();
      Map<String, float[]> variables = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        float[] values = new float[in.readInt()];
        for (int j = 0; j < values.length; j++) {
          values[j] = in.readFloat();
        }
        variables.put(name, values);
      }
      List<Map<String, Object>> epochs = new ObjectMapper().readValue(dir.resolve(EPOCHS).toFile(),
          new TypeReference<List<Map<String, Object>>>() {});
      return new PretrainState(saved, epochs, variables);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the pre-training state in " + dir, e);
    }
  }

  /** Saves the state after an epoch: each file written aside, then moved over the old one. */
  public static void write(Path dir, String fingerprint, List<Map<String, Object>> epochs,
                           Map<String, float[]> variables) {
    try {
      Files.createDirectories(dir);
      Path epochsTmp = dir.resolve(EPOCHS + ".tmp");
      new ObjectMapper().writeValue(epochsTmp.toFile(), epochs);
      Path tmp = dir.resolve(VARIABLES + ".tmp");
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
        out.writeInt(MAGIC);
        out.writeUTF(fingerprint);
        out.writeInt(variables.size());
        for (Map.Entry<String, float[]> e : variables.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue().length);
          for (float v : e.getValue()) {
            out.writeFloat(v);
          }
        }
      }
      // epochs first: a state.bin is only ever read beside the epochs it was saved with or later ones
      Files.move(epochsTmp, dir.resolve(EPOCHS), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(tmp, dir.resolve(VARIABLES), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the pre-training state in " + dir, e);
    }
  }
}
