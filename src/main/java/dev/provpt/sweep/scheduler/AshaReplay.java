package dev.provpt.sweep.scheduler;

import dev.provpt.stats.Ranks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * ASHA replayed over a grid's recorded curves ({@link GridCurves}) instead of training: a segment "trains" by
 * reading its run's best validation accuracy up to the segment's last epoch. Runs start in grid order; time is
 * counted in epochs (every epoch of every run costs the same), and segments that end at the same time report in
 * grid order. With one slot that is exactly what {@code provpt sweep} with {@code scheduler = asha} and one run at a
 * time decides from the same curves; with more slots, real runs end in an order the epoch clock only approximates.
 */
public final class AshaReplay {
  /** Rank correlations of at least this from some epoch on call the ranking stable from there. */
  public static final double STABLE = 0.9;

  /** One grid replayed: the grid's pick and ASHA's, their last-epoch val accuracies, epochs spent, rank stability. */
  public record Result(int gridPoints, int epochs, int gridPick, int ashaPick, int ashaPickEpochs, double gridPickLastVal,
      double ashaPickLastVal, int ashaEpochs, int gridEpochs, double[] spearmanVal, double[] spearmanBest,
      AshaSearch.Outcome outcome) {
    public boolean agree() {
      return gridPick == ashaPick;
    }

    /** The first epoch from which ρ(val at k, val at the last epoch) stays >= {@value #STABLE}; -1: never. */
    public int stableFromVal() {
      return stableFrom(spearmanVal);
    }

    /** The same for the best val accuracy so far (ASHA's metric) against the best over all epochs (the grid's). */
    public int stableFromBest() {
      return stableFrom(spearmanBest);
    }
  }

  private AshaReplay() {}

  /** ASHA over {@code curves} (grid order) with {@code slots} at once; a curve needs the epochs ASHA trains it. */
  public static AshaSearch.Outcome search(List<GridCurves> curves, AshaSettings settings, int epochs, int slots)
      throws Exception {
    return AshaSearch.run(new Asha(settings, epochs), curves.size(), slots, new Simulated(curves));
  }

  /** The whole comparison for a full grid: every curve of the same length, the grid's epochs. */
  public static Result compare(List<GridCurves> curves, AshaSettings settings, int slots) throws Exception {
    int epochs = curves.get(0).epochs();
    for (GridCurves c : curves) {
      if (c.epochs() != epochs) {
        throw new IllegalArgumentException("not a full grid: grid run " + c.run() + " has " + c.epochs()
            + " epoch(s), grid run " + curves.get(0).run() + " " + epochs);
      }
    }
    AshaSearch.Outcome outcome = search(curves, settings, epochs, slots);
    int gridPick = 0; // the first of equals, as provpt sweep chooses
    for (int i = 1; i < curves.size(); i++) {
      if (curves.get(i).bestValUpTo(epochs) > curves.get(gridPick).bestValUpTo(epochs)) {
        gridPick = i;
      }
    }
    int ashaPick = outcome.pick();
    return new Result(curves.size(), epochs, gridPick, ashaPick, outcome.runs().get(ashaPick).epochs(),
        last(curves.get(gridPick)), last(curves.get(ashaPick)), outcome.epochsTrained(), curves.size() * epochs,
        spearman(curves, false), spearman(curves, true), outcome);
  }

  /**
   * Per epoch k (index k − 1), Spearman's ρ over the grid points between val accuracy at k and at the last epoch, or
   * with {@code best} between the best so far at k and the best over all epochs. NaN where undefined (fewer than
   * three points, or a constant side).
   */
  static double[] spearman(List<GridCurves> curves, boolean best) {
    int epochs = curves.get(0).epochs();
    double[] rho = new double[epochs];
    double[] end = new double[curves.size()];
    for (int i = 0; i < end.length; i++) {
      end[i] = best ? curves.get(i).bestValUpTo(epochs) : last(curves.get(i));
    }
    for (int k = 1; k <= epochs; k++) {
      double[] at = new double[curves.size()];
      for (int i = 0; i < at.length; i++) {
        at[i] = best ? curves.get(i).bestValUpTo(k) : curves.get(i).valAccuracy().get(k - 1);
      }
      rho[k - 1] = Ranks.spearman(at, end);
    }
    return rho;
  }

  /** The first epoch (1-based) from which every ρ is >= {@value #STABLE}; -1 when the last one is not. */
  static int stableFrom(double[] rho) {
    int from = -1;
    for (int k = rho.length; k >= 1 && rho[k - 1] >= STABLE; k--) {
      from = k;
    }
    return from;
  }

  private static double last(GridCurves c) {
    return c.valAccuracy().get(c.epochs() - 1);
  }

  /** Segments on an epoch clock: a segment of e epochs ends e after it starts; ties end in grid order. */
  private static final class Simulated implements AshaSearch.Slots {
    private record Pending(long end, AshaSearch.Segment segment) {}

    private final List<GridCurves> curves;
    private final PriorityQueue<Pending> running = new PriorityQueue<>(
        Comparator.comparingLong(Pending::end).thenComparingInt(p -> p.segment().run()));
    private long now;

    Simulated(List<GridCurves> curves) {
      this.curves = new ArrayList<>(curves);
    }

    @Override
    public void start(AshaSearch.Segment segment) {
      GridCurves c = curves.get(segment.run());
      if (c.epochs() < segment.toEpoch()) {
        throw new IllegalArgumentException("grid run " + c.run() + " has the curves of " + c.epochs()
            + " epoch(s); the replay needs epoch " + segment.toEpoch());
      }
      running.add(new Pending(now + segment.epochs(), segment));
    }

    @Override
    public AshaSearch.Finished next() {
      Pending done = running.remove();
      now = done.end();
      AshaSearch.Segment s = done.segment();
      return new AshaSearch.Finished(s, curves.get(s.run()).bestValUpTo(s.toEpoch()));
    }
  }
}
