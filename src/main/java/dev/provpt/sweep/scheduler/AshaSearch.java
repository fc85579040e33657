package dev.provpt.sweep.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ASHA over a finite list of runs (a sweep's grid, numbered in grid order) with a number of slots: whenever a slot
 * is free it takes the promotion {@link Asha#nextPromotion} offers, else starts the next run not yet started, in
 * order, at rung 0; a run that reports promotable goes on in its own slot. The search ends when nothing runs and
 * nothing is left to promote or start. How a segment is trained is the {@link Slots}' business: real runs resumed
 * from their checkpoints ({@code provpt sweep}), or validation curves read back ({@link AshaReplay}).
 */
public final class AshaSearch {
  /** Train {@code run} from epoch {@code fromEpoch} (0: from the start) to {@code toEpoch}, rung {@code rung}. */
  public record Segment(int run, int rung, int fromEpoch, int toEpoch) {
    public int epochs() {
      return toEpoch - fromEpoch;
    }
  }

  /** A segment that ended: the run's best validation accuracy up to its {@code toEpoch}. */
  public record Finished(Segment segment, double metric) {}

  /** Where segments are trained, a number of them at once. */
  public interface Slots {
    void start(Segment segment) throws Exception;

    /** Waits for a started segment to end and returns it (the order segments end in is the slots' business). */
    Finished next() throws Exception;
  }

  /** A report, in the order they were made: the segment, its metric and what ASHA decided. */
  public record Event(Segment segment, double metric, Asha.Decision decision) {}

  /** How a run ended: its last rung, the epochs it trained, and whether it was stopped there or reached the top. */
  public record RunEnd(int run, int lastRung, int epochs, boolean stopped) {}

  /** The search: every report in order, each run's end, the pick and the epochs trained in all. */
  public record Outcome(List<Event> events, List<RunEnd> runs, int pick, int epochsTrained) {}

  private final Asha asha;
  private final int runs;
  private final int slots;
  private int nextNew;

  private AshaSearch(Asha asha, int runs, int slots) {
    if (runs < 1 || slots < 1) {
      throw new IllegalArgumentException("an ASHA search needs at least one run and one slot, got " + runs + " and "
          + slots);
    }
    this.asha = asha;
    this.runs = runs;
    this.slots = slots;
  }

  /** Runs the search over runs 0 … runs − 1 with {@code slots} segments at most at once. */
  public static Outcome run(Asha asha, int runs, int slots, Slots executor) throws Exception {
    return new AshaSearch(asha, runs, slots).search(executor);
  }

  private Outcome search(Slots executor) throws Exception {
    List<Event> events = new ArrayList<>();
    int running = fill(executor, 0);
    int epochs = 0;
    while (running > 0) {
      Finished done = executor.next();
      running--;
      Segment seg = done.segment();
      epochs += seg.epochs();
      Asha.Decision decision = asha.report(seg.run(), seg.rung(), done.metric());
      events.add(new Event(seg, done.metric(), decision));
      if (decision == Asha.Decision.PROMOTE) {
        executor.start(segmentAfter(seg.run(), seg.rung()));
        running++;
      }
      running = fill(executor, running);
    }
    List<RunEnd> ends = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      int rung = asha.lastRung(run);
      ends.add(new RunEnd(run, rung, asha.rungEpochs().get(rung), rung < asha.topRung()));
    }
    return new Outcome(List.copyOf(events), List.copyOf(ends), asha.pick().orElseThrow(), epochs);
  }

  /** Starts segments until every slot is busy or nothing is left; returns the segments running. */
  private int fill(Slots executor, int running) throws Exception {
    while (running < slots) {
      Optional<Segment> more = nextSegment();
      if (more.isEmpty()) {
        break;
      }
      executor.start(more.get());
      running++;
    }
    return running;
  }

  /** A promotion if one is offered (taken now), else the next run not yet started, else none. */
  private Optional<Segment> nextSegment() {
    Optional<Asha.Promotion> promotion = asha.nextPromotion();
    if (promotion.isPresent()) {
      asha.promote(promotion.get());
      return Optional.of(segmentAfter(promotion.get().run(), promotion.get().fromRung()));
    }
    if (nextNew < runs) {
      return Optional.of(new Segment(nextNew++, 0, 0, asha.rungEpochs().get(0)));
    }
    return Optional.empty();
  }

  private Segment segmentAfter(int run, int rung) {
    return new Segment(run, rung + 1, asha.rungEpochs().get(rung), asha.rungEpochs().get(rung + 1));
  }
}
