package dev.provpt.daemon;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's job table. Two implementations: {@link SqliteJobStore} (one node, a file beside
 * the daemon) and {@link PostgresJobStore} (cluster mode, shared by every node).
 *
 * <p>A node runs a job only under a <em>claim</em>: claiming moves a queued job to running, names
 * the claiming node as its owner, sets a lease, and increments the job's fencing token
 * ({@code fence}). Every later write about the job ({@link #progress}, {@link #finish}) names the
 * token it was claimed with and is applied only while the token is still current; a job whose
 * lease expired, or whose owner left the cluster, goes back to the queue with a new token, so a
 * worker that was only paused can never write over its successor. Implementations are
 * thread-safe.
 */
public interface JobStore extends AutoCloseable {
  String QUEUED = "queued";
  String RUNNING = "running";
  String DONE = "done";
  String FAILED = "failed";
  String CANCELLED = "cancelled";
  /** An ASHA grid job that did not make the top of its rung ({@link AshaRungs}): not failed, and promotable later. */
  String STOPPED = "stopped";

  /**
   * One row of the job table. {@code requeues}: how often it went back to the queue for an
   * infrastructure fault (a lost lease, its node gone, the store or the disk failing under it);
   * {@code requeueCause}: why, the last time.
   */
  record Job(long id, String name, String state, String config, String runDirectory, int epoch, int epochs,
      Double bestVal, String error, String created, String updated, String owner, long fence, String submitKey,
      int requeues, String requeueCause) {

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("name", name);
      m.put("state", state);
      m.put("epoch", epoch);
      m.put("epochs", epochs);
      m.put("best_val_acc", bestVal);
      m.put("error", error);
      m.put("run_dir", runDirectory);
      m.put("created", created);
      m.put("updated", updated);
      m.put("node", owner);
      m.put("fence", fence);
      m.put("requeues", requeues);
      m.put("last_requeue_cause", requeueCause);
      if (submitKey != null) {
        m.put("key", submitKey);
      }
      return m;
    }
  }

  /** The right to run job {@code job.id()} with fencing token {@code fence}, held by {@code owner}. */
  record Claim(Job job, long fence, String owner) {
    public long id() {
      return job.id();
    }
  }

  /** What a renewal found for one claim. */
  enum Renewal {
    /** Still ours, lease extended. */
    HELD,
    /** Still ours, and someone asked to cancel it. */
    CANCEL_REQUESTED,
    /** Taken over (expired lease, owner removed from the cluster, or finished by someone else). */
    LOST
  }

  /** One transition of a job, as recorded (the cluster test counts how often each job ended). */
  record Event(long job, long fence, String state, String owner, String at) {}

  /** Queues a job; returns its id. */
  long submit(String name, String config);

  /**
   * Queues a job under {@code key} unless a job with that key exists already: submitting the same
   * sweep twice adds nothing, except that a cancelled job under the key is queued again (with
   * {@code config}). Returns the id and whether it was added or re-queued now.
   */
  Submitted submitOnce(String key, String name, String config);

  record Submitted(long id, boolean added) {}

  List<Job> list();

  Optional<Job> get(long id);

  /** Jobs whose key starts with {@code prefix}, in id order. */
  List<Job> withKeyPrefix(String prefix);

  /**
   * Claims the oldest queued job for {@code owner}: running, fence + 1, lease until now +
   * {@code lease} (no lease when null: a single node's jobs never expire). Empty when none is
   * queued. Concurrent claims from many nodes never return the same job with the same fence.
   */
  Optional<Claim> claim(String owner, Duration lease);

  /** Records where the claimed job's run directory is and how many epochs it has; false when the claim is stale. */
  boolean started(Claim claim, String runDirectory, int epochs);

  /** Records an epoch's progress; false (and nothing written) when the claim is stale. */
  boolean progress(Claim claim, int epoch, double bestVal);

  /** Ends a claimed job in {@code state}; false (and nothing written) when the claim is stale. */
  boolean finish(Claim claim, String state, String error);

  /** The job's current fencing token (what a worker's writes are checked against). */
  long fence(long id);

  /** Extends the leases of {@code claims}; says for each (by job id) whether it is still held. */
  Map<Long, Renewal> renew(List<Claim> claims, Duration lease);

  /**
   * Cancels a queued job, or one ASHA stopped at a rung (never promoted after that), at once (true), or asks the
   * owner of a running one to cancel it at its next renewal (true); false when the job is none of these.
   */
  boolean requestCancel(long id);

  /** As {@link #requeueExpired(int)} with no limit on requeues. */
  default int requeueExpired() {
    return requeueExpired(Integer.MAX_VALUE);
  }

  /**
   * Running jobs whose lease has expired go back to the queue with a new token, each counted as a
   * requeue for an infrastructure fault; one requeued more than {@code maxRequeues} times ends
   * {@code failed} instead. Returns how many jobs it changed.
   */
  int requeueExpired(int maxRequeues);

  /** As {@link #requeueOwnedBy(String, int)} with no limit on requeues. */
  default int requeueOwnedBy(String owner) {
    return requeueOwnedBy(owner, Integer.MAX_VALUE);
  }

  /** Running jobs owned by {@code owner} (a node that left) go back to the queue, as {@link #requeueExpired(int)}. */
  int requeueOwnedBy(String owner, int maxRequeues);

  /** What {@link #requeueFaulted} did. */
  enum Requeued {
    /** Back in the queue with a new token. */
    QUEUED,
    /** Requeued too often: ended {@code failed}, its reason listing the last causes. */
    FAILED,
    /** The claim was no longer current: nothing written. */
    STALE
  }

  /**
   * The claimed job's run stopped for an infrastructure fault ({@code cause}): it goes back to
   * the queue with a new token, or ends {@code failed} once it has been requeued more than
   * {@code maxRequeues} times.
   */
  Requeued requeueFaulted(Claim claim, String cause, int maxRequeues);

  /**
   * Single node: every running job goes back to the queue (the daemon was stopped or killed while
   * it ran; it resumes from its checkpoint).
   */
  int requeueInterrupted();

  /** ASHA: the rung grid job {@code id} trains to now (0, or one above the last rung it was promoted from). */
  int ashaRung(long id);

  /**
   * ASHA: the claimed job reached its rung with {@code metric} (its best val accuracy so far); ASHA decides in one
   * transaction, its decisions written as rows and applied (the job queued again, stopped or done; stopped jobs of
   * the sweep promoted). Empty, and nothing written, when the claim is stale.
   */
  Optional<AshaRungs.Report> reportRung(Claim claim, AshaJob job, double metric);

  /** ASHA: a sweep's settings and decisions ({@code sweep}: its key prefix {@code sweep-<id>/}); empty if none. */
  Optional<AshaRungs.Decisions> ashaDecisions(String sweep);

  /** Every recorded transition of job {@code id}, oldest first. */
  List<Event> events(long id);

  @Override
  void close();
}
