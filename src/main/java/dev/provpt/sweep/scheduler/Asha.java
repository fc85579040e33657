package dev.provpt.sweep.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The promotion rule of asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", MLSys 2020), pure and deterministic: no clock, no threads, no training.
 *
 * <p>Runs are numbered (a sweep numbers them in grid order) and report at rungs; a run's metric at a rung is its
 * best validation accuracy up to the rung's epoch. At rung k, the runs that reached it rank by metric, higher first;
 * equal metrics rank by arrival at that rung, earlier first (a total order: arrivals are the order of
 * {@link #report} calls). A run is <em>promotable</em> from rung k when it is among the first
 * floor(n_k / η) of that ranking, n_k being the runs that reached rung k so far; each run is promoted from a rung at
 * most once, and a promotion is never taken back when later arrivals push the run out of the top.
 *
 * <p>{@link #report}: a run that arrives promotable is promoted at once ({@link Decision#PROMOTE}); otherwise it
 * pauses ({@link Decision#PAUSE}) and may be promoted later by {@link #nextPromotion}, as more runs reach its rung.
 * Li et al.'s get_job looks for promotions from the highest rung down whenever a worker is free; a slot freed by a
 * report that always asks {@link #nextPromotion} before starting a new run makes the same choices, because a report
 * makes at most one run newly promotable and that run is then taken by the reporting slot.
 */
public final class Asha {
  /** What a report decides for the reporting run. */
  public enum Decision {
    /** In the top 1/η of its rung: it goes on to the next rung now. */
    PROMOTE,
    /** Not in the top (yet): it stops here, keeping its checkpoint; {@link #nextPromotion} may promote it later. */
    PAUSE,
    /** It reached the last rung: it is done. */
    TOP
  }

  /** {@code run} may go on from rung {@code fromRung} to the next one. */
  public record Promotion(int run, int fromRung) {}

  /** One arrival at a rung: which run, its metric there, and its arrival position at that rung (0: first). */
  public record Arrival(int run, double metric, int order) {}

  private static final Comparator<Arrival> RANKING = Comparator.comparingDouble(Arrival::metric).reversed()
      .thenComparingInt(Arrival::order);

  private final int reductionFactor;
  private final List<Integer> rungEpochs;
  private final List<List<Arrival>> arrivals = new ArrayList<>();
  private final List<Set<Integer>> promoted = new ArrayList<>();
  private final Map<Integer, Integer> lastRung = new HashMap<>();

  /** @param rungEpochs the epoch of each rung, strictly increasing ({@link AshaSettings#rungEpochs}) */
  public Asha(int reductionFactor, List<Integer> rungEpochs) {
    if (reductionFactor < 2 || rungEpochs.isEmpty()) {
      throw new IllegalArgumentException("ASHA needs a reduction factor >= 2 and at least one rung, got "
          + reductionFactor + " and " + rungEpochs);
    }
    this.reductionFactor = reductionFactor;
    this.rungEpochs = List.copyOf(rungEpochs);
    for (int k = 0; k < rungEpochs.size(); k++) {
      arrivals.add(new ArrayList<>());
      promoted.add(new HashSet<>());
    }
  }

  public Asha(AshaSettings settings, int epochs) {
    this(settings.reductionFactor(), settings.rungEpochs(epochs));
  }

  public List<Integer> rungEpochs() {
    return rungEpochs;
  }

  public int topRung() {
    return rungEpochs.size() - 1;
  }

  /**
   * Records that {@code run} reached {@code rung} with {@code metric} and decides what it does next. A run reports
   * at rung 0 first, then at each rung it was promoted to, once.
   */
  public Decision report(int run, int rung, double metric) {
    if (rung < 0 || rung > topRung()) {
      throw new IllegalArgumentException("run " + run + " reported at rung " + rung + "; the rungs are 0.." + topRung());
    }
    Integer last = lastRung.get(run);
    boolean expected = last == null ? rung == 0 : rung == last + 1 && promoted.get(last).contains(run);
    if (!expected) {
      throw new IllegalStateException("run " + run + " reported at rung " + rung + " but "
          + (last == null ? "it has not reported at rung 0" : "its last rung is " + last
          + (promoted.get(last).contains(run) ? "" : ", from which it was not promoted")));
    }
    if (Double.isNaN(metric)) {
      throw new IllegalArgumentException("run " + run + " reported no metric (NaN) at rung " + rung);
    }
    List<Arrival> here = arrivals.get(rung);
    here.add(new Arrival(run, metric, here.size()));
    lastRung.put(run, rung);
    if (rung == topRung()) {
      return Decision.TOP;
    }
    if (top(rung).stream().anyMatch(a -> a.run() == run)) {
      promoted.get(rung).add(run);
      return Decision.PROMOTE;
    }
    return Decision.PAUSE;
  }

  /** The best not yet promoted run in the top 1/η of a rung, the highest rung first; empty when there is none. */
  public Optional<Promotion> nextPromotion() {
    for (int k = topRung() - 1; k >= 0; k--) {
      for (Arrival a : top(k)) {
        if (!promoted.get(k).contains(a.run())) {
          return Optional.of(new Promotion(a.run(), k));
        }
      }
    }
    return Optional.empty();
  }

  /** Takes {@code promotion}, which must be the one {@link #nextPromotion} offers now. */
  public void promote(Promotion promotion) {
    Optional<Promotion> offered = nextPromotion();
    if (offered.isEmpty() || !offered.get().equals(promotion)) {
      throw new IllegalStateException("cannot promote run " + promotion.run() + " from rung " + promotion.fromRung()
          + ": the promotion offered now is " + offered.map(Object::toString).orElse("none"));
    }
    promoted.get(promotion.fromRung()).add(promotion.run());
  }

  /** The runs that reached {@code rung}, best first (metric, then arrival). */
  public List<Arrival> ranking(int rung) {
    List<Arrival> ranked = new ArrayList<>(arrivals.get(rung));
    ranked.sort(RANKING);
    return ranked;
  }

  /** The highest rung {@code run} reported at, or -1. */
  public int lastRung(int run) {
    return lastRung.getOrDefault(run, -1);
  }

  /** Whether {@code run} was promoted from {@code rung}. */
  public boolean promotedFrom(int run, int rung) {
    return promoted.get(rung).contains(run);
  }

  /** The search's answer: the best run at the highest rung any run reached; empty before any report. */
  public OptionalInt pick() {
    for (int k = topRung(); k >= 0; k--) {
      if (!arrivals.get(k).isEmpty()) {
        return OptionalInt.of(ranking(k).get(0).run());
      }
    }
    return OptionalInt.empty();
  }

  /**
   * Where {@code run} stands at its last rung, in words: "rank r of n at rung k (epoch e); the top m go on", plus
   * whether it was promoted from there or reached the top rung. Empty before its first report.
   */
  public String standing(int run) {
    int rung = lastRung(run);
    if (rung < 0) {
      return "";
    }
    List<Arrival> ranked = ranking(rung);
    int rank = 0;
    while (ranked.get(rank).run() != run) {
      rank++;
    }
    String where = "rank " + (rank + 1) + " of " + ranked.size() + " at rung " + rung + " (epoch "
        + rungEpochs.get(rung) + ")";
    if (rung == topRung()) {
      return where + ", the top rung";
    }
    return where + "; the top " + ranked.size() / reductionFactor + " go on"
        + (promotedFrom(run, rung) ? ", promoted" : "");
  }

  private List<Arrival> top(int rung) {
    List<Arrival> ranked = ranking(rung);
    return ranked.subList(0, ranked.size() / reductionFactor);
  }
}
