package dev.provpt.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The best validation accuracy and its epoch, as the run's summary reports them. */
class CycleStateTest {

  @Test
  void theBestEpochIsTheFirstToReachTheBestAccuracy() {
    CycleState c = CycleState.start(new int[] {2, 2});
    c = c.nextEpoch().evaluated(0.5);
    assertEquals(1, c.bestEpoch());
    c = c.nextEpoch().evaluated(0.5); // a tie keeps the earlier epoch
    assertEquals(1, c.bestEpoch());
    c = c.nextEpoch().evaluated(0.4);
    assertEquals(1, c.bestEpoch());
    assertEquals(0.5, c.bestVal());
    c = c.nextEpoch().evaluated(0.6);
    assertEquals(4, c.bestEpoch());
    assertEquals(0.6, c.bestVal());
  }
}
