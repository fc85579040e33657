package dev.provpt.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PpoAllocatorTest {
  private static final int L = 8;
  private static final int BEST = 5;

  private static float[] randomState(long seed) {
    Rng rng = new Rng(seed);
    float[] state = new float[3 * L];
    for (int i = 0; i < state.length; i++) {
      state[i] = (float) rng.nextGaussian();
    }
    return state;
  }

  private static PpoConfig withGamma(double gamma) {
    PpoConfig d = PpoConfig.defaults();
    return new PpoConfig(d.hidden(), gamma, d.clip(), d.epochs(), d.valueCoefficient(), d.entropyCoefficient(),
        d.updateEvery(), d.actorLearningRate(), d.criticLearningRate());
  }

  /** One decide → reward cycle of the stationary task: reward 1 for block 5, else 0. */
  private static int cycle(PpoAllocator ppo, float[] state) {
    int block = ppo.decide(state, 0).block();
    ppo.reward(block == BEST ? 1 : 0, block == BEST);
    return block;
  }

  private static int hitsInNext100(PpoAllocator ppo, float[] state) {
    int hits = 0;
    for (int i = 0; i < 100; i++) {
      hits += cycle(ppo, state) == BEST ? 1 : 0;
    }
    return hits;
  }

  /*
   * With γ = 0 every decision is credited with its own reward. Over 40 seeds P(block 5) reached
   * 0.95 within 11–50 updates, and the next 100 decisions (still learning) chose it 77–96 times.
   * They never settle at 100%: once every reward in a pair is 1 the normalised returns are 0, and
   * Adam turns the remaining entropy gradient into full-size steps away from the best block.
   */
  @Test
  void learnsTheRewardedBlockWithImmediateReturns() {
    float[] state = randomState(77);
    try (PpoAllocator ppo = PpoAllocator.create(L, withGamma(0), 1)) {
      double initial = ppo.probabilities(state)[BEST];
      assertTrue(initial < 0.25, "untrained P(best) should be near 1/8, got " + initial);
      while (ppo.probabilities(state)[BEST] < 0.95) {
        assertTrue(ppo.updates() < 100, "P(best block) still " + ppo.probabilities(state)[BEST] + " after 100 updates");
        cycle(ppo, state);
      }
      int hits = hitsInNext100(ppo, state);
      assertTrue(hits >= 70, "block " + BEST + " chosen " + hits + " of the next 100 times, expected >= 70");
    }
  }

  /*
   * [PRO-VPT]'s settings (γ = 1, an update every 2 rewards): the two normalised returns of an
   * update are ±0.71 whenever they differ, so the second decision's advantage is −sign(r1)·0.71
   * whatever it chose. Learning is real but noisy: after 100 updates block 5 was the most likely
   * in 23 of 24 seeds and the next 100 decisions chose it 34–93 times (chance: 12.5).
   */
  @Test
  void paperSettingsFavourTheRewardedBlock() {
    float[] state = randomState(101 * 77);
    try (PpoAllocator ppo = PpoAllocator.create(L, PpoConfig.defaults(), 101)) {
      while (ppo.updates() < 100) {
        cycle(ppo, state);
      }
      int hits = hitsInNext100(ppo, state);
      assertTrue(hits >= 25, "block " + BEST + " chosen " + hits + " of 100 times, expected >= 25 (chance 12.5)");
    }
  }

  @Test
  void decisionReportsTheProbabilitiesItSampledFrom() {
    float[] state = randomState(3);
    try (PpoAllocator ppo = PpoAllocator.create(L, 4)) {
      double[] before = ppo.probabilities(state);
      AllocationPolicy.Decision decision = ppo.decide(state, 2);
      assertArrayEquals(before, decision.probabilities(), 0.0);
      assertEquals(1.0, java.util.Arrays.stream(before).sum(), 1e-5);
      assertTrue(decision.block() >= 0 && decision.block() < L);
      assertTrue(ppo.reward(0.5, true).isEmpty(), "one reward must not trigger an update (every 2)");
      assertEquals(0, ppo.updates());
      ppo.decide(state, 2);
      OptionalDouble loss = ppo.reward(-0.2, false);
      assertTrue(loss.isPresent(), "the second reward must trigger an update");
      assertEquals(1, ppo.updates());
    }
  }

  @Test
  void saveJsonRestoreContinuesBitForBit() {
    float[][] states = {randomState(21), randomState(22), randomState(23)};
    try (PpoAllocator original = PpoAllocator.create(L, 11)) {
      for (int i = 0; i < 7; i++) { // 3 updates, then one rewarded transition in the buffer
        original.decide(states[i % 3], i % L);
        original.reward(0.1 * i - 0.3, i % 2 == 0);
      }
      original.decide(states[0], 1); // and a pending decision
      String json = original.save().toJson();

      try (PpoAllocator restored = PpoAllocator.create(L, 999)) {
        restored.restore(PolicyState.fromJson(json));
        assertEquals(json, restored.save().toJson(), "restored state must save back to the same JSON");
        assertEquals(original.updates(), restored.updates());
        for (float[] s : states) {
          assertArrayEquals(original.probabilities(s), restored.probabilities(s), 0.0);
        }
        for (int i = 0; i < 9; i++) {
          OptionalDouble a = original.reward(0.05 * i, true);
          OptionalDouble b = restored.reward(0.05 * i, true);
          assertEquals(a, b, "loss after reward " + i);
          if (a.isPresent()) {
            assertArrayEquals(original.lastEpochLosses(), restored.lastEpochLosses(), 0f);
          }
          AllocationPolicy.Decision da = original.decide(states[i % 3], 3);
          AllocationPolicy.Decision db = restored.decide(states[i % 3], 3);
          assertEquals(da.block(), db.block(), "decision " + i);
          assertArrayEquals(da.probabilities(), db.probabilities(), 0.0);
        }
        assertEquals(original.save().toJson(), restored.save().toJson());
      }
    }
  }

  @Test
  void saveHoldsOptimiserSlotsAndBetaPowers() {
    float[] state = randomState(5);
    try (PpoAllocator ppo = PpoAllocator.create(L, 6)) {
      Map<String, float[]> before = ppo.save().tensors();
      for (String name : List.of("actor.0.weight", "actor.4.bias", "critic.2.weight", "critic.4.bias")) {
        assertTrue(before.containsKey(name), name + " missing from " + before.keySet());
        assertTrue(before.containsKey(name + "-m"), name + "-m missing from " + before.keySet());
        assertTrue(before.containsKey(name + "-v"), name + "-v missing from " + before.keySet());
      }
      assertEquals(12 * 3 + 4, before.size(), "12 parameters with m and v, 2 beta powers per optimiser");
      assertEquals(3 * L * 64, before.get("actor.0.weight").length);
      assertEquals(0.9f, before.get("actor.adam.beta1_power")[0]);
      assertEquals(0.999f, before.get("critic.adam.beta2_power")[0]);

      ppo.decide(state, 0);
      ppo.reward(1, true);
      ppo.decide(state, 0);
      ppo.reward(0, false);
      Map<String, float[]> after = ppo.save().tensors();
      // One beta-power step per epoch: β^(1 + K) after one update of K = 60 epochs.
      assertEquals(Math.pow(0.9, 61), after.get("actor.adam.beta1_power")[0], 1e-6);
      assertEquals(Math.pow(0.999, 61), after.get("critic.adam.beta2_power")[0], 1e-5);
      assertTrue(after.get("critic.4.bias-m")[0] != 0, "Adam's first moment must have moved");
    }
  }

  /** Two allocators from one seed stay identical (this caught the framework Adam's beta-power race). */
  @Test
  void identicalAllocatorsStayIdentical() {
    float[] state = randomState(9);
    try (PpoAllocator a = PpoAllocator.create(L, 3); PpoAllocator b = PpoAllocator.create(L, 3)) {
      List<Double> lossesA = new ArrayList<>();
      List<Double> lossesB = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int blockA = a.decide(state, 0).block();
        int blockB = b.decide(state, 0).block();
        assertEquals(blockA, blockB, "decision " + i);
        a.reward(blockA == BEST ? 1 : 0, true).ifPresent(lossesA::add);
        b.reward(blockB == BEST ? 1 : 0, true).ifPresent(lossesB::add);
      }
      assertEquals(lossesA, lossesB);
      assertEquals(20, lossesA.size());
    }
  }

  /** The graph's loss at the first epoch (ratio 1) against the same formula in plain Java. */
  @Test
  void firstEpochLossMatchesThePlainJavaFormula() {
    float[] s1 = randomState(31);
    float[] s2 = randomState(32);
    double r1 = 0.3;
    double r2 = -0.1;
    try (PpoAllocator ppo = PpoAllocator.create(L, 12)) {
      double[] p1 = ppo.decide(s1, 0).probabilities();
      ppo.reward(r1, true);
      double[] p2 = ppo.decide(s2, 4).probabilities();
      PolicyState saved = ppo.save();
      float v1 = saved.transitions().get(0).decision().stateValue();
      float v2 = saved.pending().stateValue();
      ppo.reward(r2, false);

      double[] returns = PpoAllocator.normalisedReturns(new double[] {r1, r2}, 1.0);
      double[][] p = {p1, p2};
      double[] v = {v1, v2};
      double expected = 0;
      for (int i = 0; i < 2; i++) {
        double advantage = (float) returns[i] - v[i];
        double entropy = 0;
        for (double q : p[i]) {
          entropy -= q * Math.log(q);
        }
        // ratio = 1, so min(ratio·A, clip(ratio)·A) = A
        expected += -advantage + 0.5 * (v[i] - returns[i]) * (v[i] - returns[i]) - 0.01 * entropy;
      }
      expected /= 2;
      assertEquals(expected, ppo.lastEpochLosses()[0], 1e-5);
      assertTrue(ppo.lastEpochLosses()[59] < ppo.lastEpochLosses()[0], "60 Adam steps should lower the loss");
    }
  }

  @Test
  void normalisedReturnsFollowTheReference() {
    // γ = 1: returns (1, 0) → mean 0.5, unbiased std 0.7071 → ±0.7071
    double[] mixed = PpoAllocator.normalisedReturns(new double[] {1, 0}, 1.0);
    assertArrayEquals(new double[] {Math.sqrt(0.5), -Math.sqrt(0.5)}, mixed, 1e-6);
    // returns (1, 1): no spread, so both normalise to 0 rather than dividing by zero
    assertArrayEquals(new double[] {0, 0}, PpoAllocator.normalisedReturns(new double[] {0, 1}, 1.0), 0.0);
    // γ = 0.5, rewards (1, 2, 4): returns (1 + 0.5·4, 2 + 0.5·4, 4) = (3, 4, 4), mean 11/3,
    // unbiased std sqrt((4/9 + 1/9 + 1/9) / 2) = sqrt(1/3)
    double[] r = PpoAllocator.normalisedReturns(new double[] {1, 2, 4}, 0.5);
    double std = Math.sqrt(1.0 / 3.0);
    assertArrayEquals(new double[] {(3 - 11.0 / 3) / std, (4 - 11.0 / 3) / std, (4 - 11.0 / 3) / std}, r, 1e-6);
  }

  @Test
  void theCycleIsEnforced() {
    float[] state = randomState(1);
    try (PpoAllocator ppo = PpoAllocator.create(L, 2)) {
      IllegalStateException noDecision = assertThrows(IllegalStateException.class, () -> ppo.reward(1, true));
      assertTrue(noDecision.getMessage().contains("no pending decision"), noDecision.getMessage());
      ppo.decide(state, 0);
      assertThrows(IllegalStateException.class, () -> ppo.decide(state, 0));
      ppo.reward(1, true);
      assertThrows(IllegalStateException.class, () -> ppo.reward(1, true));
      ppo.decide(state, 0);
      assertThrows(IllegalArgumentException.class, () -> ppo.reward(Double.NaN, true));
    }
  }

  @Test
  void rejectsBadArguments() {
    try (PpoAllocator ppo = PpoAllocator.create(L, 2)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ppo.decide(new float[5], 0));
      assertTrue(e.getMessage().contains("3L = 24") && e.getMessage().contains("got 5"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> ppo.probabilities(new float[25]));
      assertThrows(IllegalArgumentException.class, () -> ppo.decide(randomState(1), L));
      float[] nan = randomState(1);
      nan[4] = Float.NaN;
      assertThrows(IllegalArgumentException.class, () -> ppo.decide(nan, 0));

      PolicyState bandit = ThompsonAllocator.create(L, 1).save();
      assertThrows(IllegalArgumentException.class, () -> ppo.restore(bandit));
      try (PpoAllocator smaller = PpoAllocator.create(L - 1, 2)) {
        assertThrows(IllegalArgumentException.class, () -> ppo.restore(smaller.save()));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new PpoConfig(64, 1, 0.2, 60, 0.5, 0.01, 1, 3e-4f, 1e-3f));
  }
}
