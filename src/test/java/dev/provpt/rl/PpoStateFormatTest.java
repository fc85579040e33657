package dev.provpt.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * PPO checkpoints written by an earlier build still load. The two files were saved by the allocator
 * before its graph moved into {@link PpoGraph} (2 blocks, 4 hidden units, K = 3, seed 5): one fresh,
 * one after five rewards (two updates, one rewarded transition in the buffer, one pending decision).
 */
class PpoStateFormatTest {
  private static final PpoConfig SMALL = new PpoConfig(4, 1.0, 0.2, 3, 0.5, 0.01, 2, 3e-4f, 1e-3f);

  private static String resource(String name) throws IOException {
    try (InputStream in = Objects.requireNonNull(PpoStateFormatTest.class.getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Same seed, same weights, names and JSON: the weights are drawn in Java in the order the ops are built. */
  @Test
  void aFreshAllocatorSavesTheRecordedInitialState() throws IOException {
    try (PpoAllocator ppo = PpoAllocator.create(2, SMALL, 5)) {
      assertEquals(resource("ppo-state-fresh.json"), ppo.save().toJson());
    }
  }

  /** A recorded trained state restores into a differently seeded allocator and saves back unchanged. */
  @Test
  void aRecordedTrainedStateRestoresAndSavesBackUnchanged() throws IOException {
    String recorded = resource("ppo-state-trained.json");
    try (PpoAllocator ppo = PpoAllocator.create(2, SMALL, 99)) {
      ppo.restore(PolicyState.fromJson(recorded));
      assertEquals(recorded, ppo.save().toJson());
      assertEquals(2, ppo.updates());
    }
  }
}
