package dev.provpt.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ThompsonAllocatorTest {
  private static final int L = 8;
  private static final int BEST = 5;
  private static final float[] STATE = new float[3 * L];

  private static int cycle(ThompsonAllocator bandit) {
    int block = bandit.decide(STATE, 0).block();
    bandit.reward(block == BEST ? 1 : 0, block == BEST);
    return block;
  }

  @Test
  void learnsTheRewardedBlock() {
    try (ThompsonAllocator bandit = ThompsonAllocator.create(L, 1)) {
      for (int i = 0; i < 40; i++) {
        cycle(bandit);
      }
      int hits = 0;
      for (int i = 0; i < 100; i++) {
        hits += cycle(bandit) == BEST ? 1 : 0;
      }
      assertTrue(hits >= 90, "block " + BEST + " chosen " + hits + " of 100 times after 40 rewards, expected >= 90");
      assertTrue(bandit.probabilities(STATE)[BEST] > 0.9);
      assertEquals(140, bandit.updates());
    }
  }

  @Test
  void rewardsCountAsSuccessesOrFailuresOfTheChosenBlock() {
    try (ThompsonAllocator bandit = ThompsonAllocator.create(L, 2)) {
      int first = bandit.decide(STATE, 0).block();
      assertTrue(bandit.reward(-3.0, true).isEmpty(), "the bandit reports no loss");
      int second = bandit.decide(STATE, 0).block();
      bandit.reward(0.5, false);
      long[] successes = bandit.save().counts().get(ThompsonAllocator.SUCCESSES);
      long[] failures = bandit.save().counts().get(ThompsonAllocator.FAILURES);
      assertEquals(1, successes[first]);
      assertEquals(1, Arrays.stream(successes).sum());
      assertEquals(1, failures[second]);
      assertEquals(1, Arrays.stream(failures).sum());
    }
  }

  @Test
  void probabilitiesAreAMonteCarloEstimateThatLeavesTheSamplerAlone() {
    try (ThompsonAllocator probed = ThompsonAllocator.create(L, 3);
         ThompsonAllocator plain = ThompsonAllocator.create(L, 3)) {
      double[] uniform = probed.probabilities(STATE);
      assertEquals(1.0, Arrays.stream(uniform).sum(), 1e-9);
      for (double p : uniform) {
        assertEquals(1.0 / L, p, 0.03);
      }
      assertArrayEquals(uniform, probed.probabilities(STATE), 0.0, "same counts, same estimate");
      for (int i = 0; i < 30; i++) {
        probed.probabilities(STATE);
        assertEquals(cycle(plain), cycle(probed), "decision " + i);
      }
    }
  }

  @Test
  void saveJsonRestoreContinuesIdentically() {
    try (ThompsonAllocator original = ThompsonAllocator.create(L, 4)) {
      for (int i = 0; i < 25; i++) {
        cycle(original);
      }
      original.decide(STATE, 2);
      String json = original.save().toJson();
      try (ThompsonAllocator restored = ThompsonAllocator.create(L, 77)) {
        restored.restore(PolicyState.fromJson(json));
        assertEquals(json, restored.save().toJson());
        assertArrayEquals(original.probabilities(STATE), restored.probabilities(STATE), 0.0);
        original.reward(1, true);
        restored.reward(1, true);
        for (int i = 0; i < 30; i++) {
          assertEquals(cycle(original), cycle(restored), "decision " + i);
        }
        assertEquals(original.save().toJson(), restored.save().toJson());
      }
    }
  }

  @Test
  void theCycleAndTheArgumentsAreChecked() {
    try (ThompsonAllocator bandit = ThompsonAllocator.create(L, 5)) {
      assertThrows(IllegalStateException.class, () -> bandit.reward(1, true));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bandit.decide(new float[3], 0));
      assertTrue(e.getMessage().contains("3L = 24") && e.getMessage().contains("got 3"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> bandit.decide(STATE, -1));
      bandit.decide(STATE, 0);
      assertThrows(IllegalStateException.class, () -> bandit.decide(STATE, 0));
      try (PpoAllocator ppo = PpoAllocator.create(L, 1)) {
        assertThrows(IllegalArgumentException.class, () -> bandit.restore(ppo.save()));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> PolicyState.fromJson("{\"policy\": 3, \"blocks\": []}"));
  }
}
