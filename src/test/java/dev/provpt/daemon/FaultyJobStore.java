package dev.provpt.daemon;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job store that fails on demand the way an unreachable one does (a {@link StoreUnavailableException}),
 * for the tests of what the daemon does then. {@link #down}: every call fails; {@link #failNext}:
 * the next calls of one method fail; {@link #loseNextClaim}: the next claim is committed but its
 * reply is lost (the connection reset after the commit). Counts the failures it caused.
 */
final class FaultyJobStore implements JobStore {
  private final JobStore store;
  private volatile boolean down;
  private final Map<String, AtomicInteger> failNext = new ConcurrentHashMap<>();
  private final Set<String> lostReplies = ConcurrentHashMap.newKeySet();
  final AtomicInteger failures = new AtomicInteger();
  /** Outages of the real store that {@link #fence} passed on (what a run's write guard met). */
  final AtomicInteger fenceOutages = new AtomicInteger();
  /** Those of them that waited out the pool's timeout for a connection. */
  final AtomicInteger fenceTimeouts = new AtomicInteger();

  FaultyJobStore(JobStore store) {
    this.store = store;
  }

  void down(boolean down) {
    this.down = down;
  }

  /** The next {@code times} calls of {@code method} (e.g. "fence", "started") fail. */
  void failNext(String method, int times) {
    failNext.computeIfAbsent(method, m -> new AtomicInteger()).addAndGet(times);
  }

  void loseNextClaim() {
    lostReplies.add("claim");
  }

  private void enter(String method) {
    AtomicInteger pending = failNext.get(method);
    if (down || (pending != null && pending.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
      failures.incrementAndGet();
      throw new StoreUnavailableException("job database (injected): " + method + ": connection refused", null);
    }
  }

  @Override
  public long submit(String name, String config) {
    enter("submit");
    return store.submit(name, config);
  }

  @Override
  public Submitted submitOnce(String key, String name, String config) {
    enter("submitOnce");
    return store.submitOnce(key, name, config);
  }

  @Override
  public List<Job> list() {
    enter("list");
    return store.list();
  }

  @Override
  public Optional<Job> get(long id) {
    enter("get");
    return store.get(id);
  }

  @Override
  public List<Job> withKeyPrefix(String prefix) {
    enter("withKeyPrefix");
    return store.withKeyPrefix(prefix);
  }

  @Override
  public Optional<Claim> claim(String owner, Duration lease) {
    enter("claim");
    Optional<Claim> claim = store.claim(owner, lease);
    if (claim.isPresent() && lostReplies.remove("claim")) {
      failures.incrementAndGet();
      throw new StoreUnavailableException("job database (injected): connection reset after the claim's commit", null);
    }
    return claim;
  }

  @Override
  public boolean started(Claim claim, String runDirectory, int epochs) {
    enter("started");
    return store.started(claim, runDirectory, epochs);
  }

  @Override
  public boolean progress(Claim claim, int epoch, double bestVal) {
    enter("progress");
    return store.progress(claim, epoch, bestVal);
  }

  @Override
  public boolean finish(Claim claim, String state, String error) {
    enter("finish");
    return store.finish(claim, state, error);
  }

  @Override
  public long fence(long id) {
    enter("fence");
    try {
      return store.fence(id);
    } catch (StoreUnavailableException e) {
      fenceOutages.incrementAndGet();
      if (e.getCause() instanceof java.sql.SQLTransientConnectionException) {
        fenceTimeouts.incrementAndGet();
      }
      throw e;
    }
  }

  @Override
  public Map<Long, Renewal> renew(List<Claim> claims, Duration lease) {
    enter("renew");
    return store.renew(claims, lease);
  }

  @Override
  public boolean requestCancel(long id) {
    enter("requestCancel");
    return store.requestCancel(id);
  }

  @Override
  public int requeueExpired(int maxRequeues) {
    enter("requeueExpired");
    return store.requeueExpired(maxRequeues);
  }

  @Override
  public int requeueOwnedBy(String owner, int maxRequeues) {
    enter("requeueOwnedBy");
    return store.requeueOwnedBy(owner, maxRequeues);
  }

  @Override
  public int requeueInterrupted() {
    enter("requeueInterrupted");
    return store.requeueInterrupted();
  }

  @Override
  public Requeued requeueFaulted(Claim claim, String cause, int maxRequeues) {
    enter("requeueFaulted");
    return store.requeueFaulted(claim, cause, maxRequeues);
  }

  @Override
  public List<Event> events(long id) {
    enter("events");
    return store.events(id);
  }

  @Override
  public void close() {
    store.close();
  }

  @Override
  public int ashaRung(long id) {
    enter("ashaRung");
    return store.ashaRung(id);
  }

  @Override
  public Optional<AshaRungs.Report> reportRung(Claim claim, AshaJob job, double metric) {
    enter("reportRung");
    return store.reportRung(claim, job, metric);
  }

  @Override
  public Optional<AshaRungs.Decisions> ashaDecisions(String sweep) {
    enter("ashaDecisions");
    return store.ashaDecisions(sweep);
  }
}
