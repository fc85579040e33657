package dev.provpt.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.rl.PolicyState.PendingDecision;
import dev.provpt.rl.PolicyState.Transition;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What both policies promise beyond learning: their size, their guards, what a restore accepts and replaces. */
class PolicyContractTest {
  private static final int L = 3;
  private static final PpoConfig SMALL = new PpoConfig(4, 1.0, 0.2, 3, 0.5, 0.01, 2, 3e-4f, 1e-3f);
  private static final float[] STATE = {0.5f, -0.5f, 0f, 0.5f, 0.25f, 0.25f, 1f, 0f, 0f};

  private static void assertRefused(String expected, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
  }

  @Test
  void aPolicyNeedsOneBlockAndOneIsEnough() {
    assertRefused("at least 1 block, got 0", () -> ThompsonAllocator.create(0, 1));
    assertRefused("at least 1 block, got 0", () -> PpoAllocator.create(0, SMALL, 1));
    try (ThompsonAllocator thompson = ThompsonAllocator.create(1, 1); PpoAllocator ppo = PpoAllocator.create(1, SMALL, 1)) {
      for (AllocationPolicy policy : List.<AllocationPolicy>of(thompson, ppo)) {
        assertEquals(1, policy.blocks());
        assertEquals(0, policy.decide(new float[] {0f, 1f, 1f}, 0).block());
      }
    }
    try (ThompsonAllocator thompson = ThompsonAllocator.create(L, 1); PpoAllocator ppo = PpoAllocator.create(L, SMALL, 1)) {
      assertEquals(L, thompson.blocks());
      assertEquals(L, ppo.blocks());
    }
  }

  @Test
  void thompsonChecksItsStateAndItsReward() {
    try (ThompsonAllocator thompson = ThompsonAllocator.create(L, 1)) {
      assertRefused("3L = 9", () -> thompson.probabilities(new float[5]));
      thompson.decide(STATE, 0);
      assertRefused("reward must be finite", () -> thompson.reward(Double.NaN, true));
      assertEquals(0, thompson.updates(), "a refused reward counted");
    }
  }

  /** The reward that completes an update reports the mean of the K epochs' losses. */
  @Test
  void theUpdatesLossIsTheMeanOfItsEpochs() {
    try (PpoAllocator ppo = PpoAllocator.create(L, SMALL, 2)) {
      ppo.decide(STATE, 0);
      ppo.reward(1, true);
      ppo.decide(STATE, 1);
      OptionalDouble loss = ppo.reward(-1, false);
      float[] epochs = ppo.lastEpochLosses();
      assertEquals(3, epochs.length);
      assertEquals((epochs[0] + epochs[1] + epochs[2]) / 3.0, loss.orElseThrow(), 1e-6);
    }
  }

  /** Inverse CDF; when rounding leaves the probabilities short of u, the last block that can be chosen. */
  @Test
  void samplingNeverPicksABlockOfProbabilityZero() {
    float[] p = {0.25f, 0.5f, 0.25f};
    assertEquals(0, PpoAllocator.sample(p, 0.0));
    assertEquals(0, PpoAllocator.sample(p, 0.2499));
    assertEquals(1, PpoAllocator.sample(p, 0.25));
    assertEquals(1, PpoAllocator.sample(new float[] {0f, 1f}, 0.0), "u = 0 chose a block of probability 0");
    assertEquals(2, PpoAllocator.sample(p, 0.9999));
    float[] short0 = {0.5f, 0.4999f, 0f};
    assertEquals(1, PpoAllocator.sample(short0, 0.99995));
    assertEquals(0, PpoAllocator.sample(new float[] {0.4999f, 0f, 0f}, 0.99995));
  }

  @Test
  void restoreRefusesAnotherPolicysState() {
    try (PpoAllocator ppo = PpoAllocator.create(L, SMALL, 1); ThompsonAllocator thompson = ThompsonAllocator.create(L, 1)) {
      assertRefused("cannot restore a thompson state for L = 3 into a ppo policy", () -> ppo.restore(thompson.save()));
      assertRefused("cannot restore a ppo state for L = 3 into a thompson policy", () -> thompson.restore(ppo.save()));
    }
  }

  /** A saved state whose buffer is full, or whose decisions do not fit the policy, is refused as a whole. */
  @Test
  void ppoRestoreChecksTheSavedDecisions() {
    try (PpoAllocator ppo = PpoAllocator.create(L, SMALL, 1)) {
      ppo.decide(STATE, 0);
      PolicyState saved = ppo.save();
      PendingDecision good = saved.pending();
      PendingDecision badBlock = new PendingDecision(STATE, L, good.logProbability(), good.stateValue());
      PendingDecision badState = new PendingDecision(new float[4], 0, good.logProbability(), good.stateValue());
      assertRefused("saved decision's block must be in [0, 3), got 3",
          () -> ppo.restore(with(saved, List.of(), badBlock)));
      assertRefused("got 4", () -> ppo.restore(with(saved, List.of(), badState)));
      assertRefused("saved decision's block must be in [0, 3), got 3",
          () -> ppo.restore(with(saved, List.of(new Transition(badBlock, 1)), good)));
      assertRefused("holds 2 rewarded transitions, expected fewer than updateEvery = 2",
          () -> ppo.restore(with(saved, List.of(new Transition(good, 1), new Transition(good, 0)), null)));
    }
  }

  @Test
  void thompsonRestoreChecksTheSavedDecisionAndCounts() {
    try (ThompsonAllocator thompson = ThompsonAllocator.create(L, 1)) {
      thompson.decide(STATE, 0);
      PolicyState saved = thompson.save();
      PendingDecision badBlock = new PendingDecision(STATE, L, 0f, 0f);
      assertRefused("saved decision's block must be in [0, 3), got 3",
          () -> thompson.restore(with(saved, List.of(), badBlock)));
      assertRefused("got 4", () -> thompson.restore(with(saved, List.of(), new PendingDecision(new float[4], 0, 0f, 0f))));
      PolicyState noCounts = new PolicyState(saved.policy(), L, Map.of(), Map.of(), List.of(), null, 0, 1);
      assertRefused("counts, got none", () -> thompson.restore(noCounts));
    }
  }

  /** A restore replaces the whole state: buffer, pending decision, counts; a state without a decision restores too. */
  @Test
  void restoreReplacesWhatWasThere() {
    restoreReplaces(PpoAllocator.create(L, SMALL, 1), PpoAllocator.create(L, SMALL, 2));
    restoreReplaces(ThompsonAllocator.create(L, 1), ThompsonAllocator.create(L, 2));
  }

  private static void restoreReplaces(AllocationPolicy fresh, AllocationPolicy used) {
    try (fresh; used) {
      PolicyState empty = fresh.save();
      used.decide(STATE, 0);
      used.reward(1, true); // one rewarded transition in PPO's buffer, a success in the bandit's counts
      used.decide(STATE, 1); // and a pending decision
      used.restore(empty);
      assertEquals(empty.toJson(), used.save().toJson());
      assertTrue(used.save().transitions().isEmpty());
      Consumer<AllocationPolicy> cycle = p -> {
        p.decide(STATE, 2);
        p.reward(0.5, true);
      };
      cycle.accept(used); // no pending decision left: decide is accepted
      cycle.accept(fresh);
      assertEquals(fresh.save().toJson(), used.save().toJson());
      assertArrayEquals(fresh.probabilities(STATE), used.probabilities(STATE), 0.0);
    }
  }

  private static PolicyState with(PolicyState s, List<Transition> transitions, PendingDecision pending) {
    return new PolicyState(s.policy(), s.blocks(), s.tensors(), s.counts(), transitions, pending, s.updates(),
        s.rngState());
  }
}
