package dev.provpt.sweep.scheduler;

import static dev.provpt.sweep.scheduler.Asha.Decision.PAUSE;
import static dev.provpt.sweep.scheduler.Asha.Decision.PROMOTE;
import static dev.provpt.sweep.scheduler.Asha.Decision.TOP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.SettingsException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AshaTest {
  private static Optional<Asha.Promotion> promotion(int run, int fromRung) {
    return Optional.of(new Asha.Promotion(run, fromRung));
  }

  /**
   * η = 2, rungs at epochs 1, 2, 4; five runs arriving out of step, with two ties. Worked by hand: at a rung with n
   * arrivals the first floor(n/2) of the ranking (metric down, then arrival) are promotable.
   */
  @Test
  void aHandWorkedExampleWithAsynchronousArrivalsAndTies() {
    Asha asha = new Asha(2, List.of(1, 2, 4));
    // rung 0: [0: .50] -> floor(1/2) = 0 promotable
    assertEquals(PAUSE, asha.report(0, 0, 0.50));
    assertEquals(Optional.empty(), asha.nextPromotion());
    // rung 0: [1: .60, 0: .50] -> top 1 = run 1
    assertEquals(PROMOTE, asha.report(1, 0, 0.60));
    // rung 0: [1: .60, 2: .60, 0: .50] -> top 1 = run 1 (tie with run 2: run 1 arrived first)
    assertEquals(PAUSE, asha.report(2, 0, 0.60));
    assertEquals(Optional.empty(), asha.nextPromotion(), "run 1 was already promoted");
    // rung 1: [1: .70] -> floor(1/2) = 0
    assertEquals(PAUSE, asha.report(1, 1, 0.70));
    assertEquals(Optional.empty(), asha.nextPromotion());
    // rung 0: [1: .60, 2: .60, 3: .55, 0: .50] -> top 2 = runs 1, 2; run 3 pauses and run 2 becomes promotable
    assertEquals(PAUSE, asha.report(3, 0, 0.55));
    assertEquals(promotion(2, 0), asha.nextPromotion());
    asha.promote(new Asha.Promotion(2, 0));
    assertEquals(Optional.empty(), asha.nextPromotion());
    // rung 1: [1: .70, 2: .65] -> top 1 = run 1, paused since its arrival, now promotable
    assertEquals(PAUSE, asha.report(2, 1, 0.65));
    assertEquals(promotion(1, 1), asha.nextPromotion());
    asha.promote(new Asha.Promotion(1, 1));
    // rung 0: [4: .80, 1: .60, 2: .60, 3: .55, 0: .50] -> top 2 = runs 4, 1: run 4 goes on at once
    assertEquals(PROMOTE, asha.report(4, 0, 0.80));
    // rung 2 is the last: run 1 is done
    assertEquals(TOP, asha.report(1, 2, 0.75));
    // rung 1: [1: .70, 4: .70, 2: .65] -> top 1 = run 1 (tie with run 4: run 1 arrived first), promoted already
    assertEquals(PAUSE, asha.report(4, 1, 0.70));
    assertEquals(Optional.empty(), asha.nextPromotion());

    assertEquals(List.of(1, 4, 2), asha.ranking(1).stream().map(Asha.Arrival::run).toList());
    assertEquals(List.of(4, 1, 2, 3, 0), asha.ranking(0).stream().map(Asha.Arrival::run).toList());
    assertEquals(1, asha.pick().getAsInt());
    assertEquals(List.of(0, 2, 1, 0, 1), List.of(asha.lastRung(0), asha.lastRung(1), asha.lastRung(2),
        asha.lastRung(3), asha.lastRung(4)));
  }

  /** Two promotions offered at once (nobody took the first): the one from the higher rung comes first. */
  @Test
  void aPromotionFromAHigherRungIsOfferedFirst() {
    Asha asha = new Asha(2, List.of(1, 2, 4));
    assertEquals(PAUSE, asha.report(0, 0, 0.9)); // rung 0: [0] -> floor(1/2) = 0 promotable
    assertEquals(PAUSE, asha.report(1, 0, 0.8)); // rung 0: [0, 1] -> top 1 = run 0
    asha.promote(new Asha.Promotion(0, 0));
    assertEquals(PAUSE, asha.report(0, 1, 0.9)); // rung 1: [0]
    assertEquals(PAUSE, asha.report(2, 0, 0.7)); // rung 0: [0, 1, 2] -> top 1 = run 0, promoted
    assertEquals(PAUSE, asha.report(3, 0, 0.6)); // rung 0: [0, 1, 2, 3] -> top 2 = runs 0, 1
    asha.promote(new Asha.Promotion(1, 0));
    assertEquals(PAUSE, asha.report(1, 1, 0.5)); // rung 1: [0, 1] -> top 1 = run 0: offered, not taken
    assertEquals(promotion(0, 1), asha.nextPromotion());
    assertEquals(PAUSE, asha.report(4, 0, 0.55)); // rung 0: 5 arrivals -> top 2 = runs 0, 1
    assertEquals(PAUSE, asha.report(5, 0, 0.5)); // rung 0: 6 arrivals -> top 3 = runs 0, 1, 2: run 2 promotable
    assertEquals(promotion(0, 1), asha.nextPromotion(), "rung 1 before rung 0");
    var outOfOrder = assertThrows(IllegalStateException.class, () -> asha.promote(new Asha.Promotion(2, 0)));
    assertTrue(outOfOrder.getMessage().contains("Promotion[run=0, fromRung=1]"), outOfOrder.getMessage());
    asha.promote(new Asha.Promotion(0, 1));
    assertEquals(promotion(2, 0), asha.nextPromotion());
  }

  @Test
  void reportsOutOfTurnAreRefusedNamingTheRun() {
    Asha asha = new Asha(3, List.of(2, 6));
    var skipped = assertThrows(IllegalStateException.class, () -> asha.report(7, 1, 0.5));
    assertTrue(skipped.getMessage().contains("run 7") && skipped.getMessage().contains("rung 0"), skipped.getMessage());
    assertEquals(PAUSE, asha.report(7, 0, 0.5));
    var paused = assertThrows(IllegalStateException.class, () -> asha.report(7, 1, 0.5));
    assertTrue(paused.getMessage().contains("not promoted"), paused.getMessage());
    var twice = assertThrows(IllegalStateException.class, () -> asha.report(7, 0, 0.5));
    assertTrue(twice.getMessage().contains("last rung is 0"), twice.getMessage());
    assertThrows(IllegalStateException.class, () -> asha.promote(new Asha.Promotion(7, 0)));
    assertThrows(IllegalArgumentException.class, () -> asha.report(8, 2, 0.5));
  }

  @Test
  void rungsFallAtMinEpochsTimesEtaToTheKCappedAtTheRunsEpochs() {
    assertEquals(List.of(2, 6, 18, 20), new AshaSettings(3, 2, 4).rungEpochs(20));
    assertEquals(List.of(1, 2, 4, 8), new AshaSettings(2, 1, 4).rungEpochs(8));
    var tooMany = assertThrows(SettingsException.class, () -> new AshaSettings(3, 2, 5).rungEpochs(20));
    assertTrue(tooMany.getMessage().contains("at most 4 rungs"), tooMany.getMessage());
    var tooLong = assertThrows(SettingsException.class, () -> new AshaSettings(3, 30, 2).rungEpochs(20));
    assertTrue(tooLong.getMessage().contains("min-epochs"), tooLong.getMessage());
  }

  @Test
  void theSettingsAreReadAndRangeChecked() {
    var defaults = AshaSettings.from(ConfigLoader.load(null, List.of()));
    assertEquals(new AshaSettings(3, 2, 4), defaults);
    var bad = assertThrows(SettingsException.class, () -> AshaSettings.from(ConfigLoader.load(null,
        List.of("sweep.asha.reduction-factor=1"))));
    assertTrue(bad.getMessage().contains("provpt.sweep.asha.reduction-factor"), bad.getMessage());
  }
}
