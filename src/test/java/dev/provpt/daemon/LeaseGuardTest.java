package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.rundir.RunDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write guard of a claimed job while its store is unavailable: on a clock of its own (each
 * wait moves it on), so the back-off and the lease are checked exactly and nothing sleeps.
 */
class LeaseGuardTest {
  private static final StoreRetry RETRY = new StoreRetry(Duration.ofMillis(250), Duration.ofSeconds(2),
      Duration.ofSeconds(3), 5);
  private static final Duration LEASE = Duration.ofSeconds(10);

  @TempDir
  Path tmp;
  private FaultyJobStore store;
  private JobStore.Claim claim;
  private long now;
  private final List<Duration> waits = new ArrayList<>();
  /** Runs after each wait, with the clock moved on (a renewal, the store coming back). */
  private Runnable afterWait = () -> { };

  @BeforeEach
  void claimAJob() {
    store = new FaultyJobStore(new SqliteJobStore(tmp.resolve("jobs.db")));
    store.submit("job", "provpt.name = job");
    claim = store.claim("node-a", LEASE).orElseThrow();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private LeaseGuard guard(Duration lease) {
    return new LeaseGuard(store, claim, lease, RETRY, () -> now, wait -> {
      waits.add(wait);
      now += wait.toNanos();
      afterWait.run();
    });
  }

  private Duration waited() {
    return waits.stream().reduce(Duration.ZERO, Duration::plus);
  }

  @Test
  void aWriteWaitsForTheStoreWithBackOffAndGoesOnWhenItAnswers() {
    store.failNext("fence", 5);
    guard(LEASE).check();
    assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(2)), waits, "doubling from initial, at most max");
    assertEquals(5, store.failures.get());
  }

  @Test
  void aStoreUnavailableUntilTheLeaseEndsRefusesTheWriteAsAnInfrastructureFault() {
    store.down(true);
    var refused = assertThrows(RunDirectory.WriteRefusedException.class, () -> guard(LEASE).check());
    assertEquals(LEASE, waited(), "it waits exactly as long as the lease lasts, not a wait longer");
    assertEquals(Fault.INFRASTRUCTURE, Fault.ofRun(refused));
    assertTrue(refused.getMessage().contains("until the lease ran out"), refused.getMessage());
  }

  @Test
  void aRenewalWhileTheWriteWaitsExtendsHowLongItWaits() {
    store.down(true);
    LeaseGuard guard = guard(LEASE);
    boolean[] renewed = {false};
    afterWait = () -> {
      if (!renewed[0] && now >= Duration.ofSeconds(7).toNanos()) {
        renewed[0] = true;
        guard.renewed(now); // at 7.75 s: the lease now lasts until 17.75 s
      }
      if (now >= Duration.ofSeconds(15).toNanos()) {
        store.down(false);
      }
    };
    guard.check();
    assertTrue(waited().compareTo(LEASE) > 0 && waited().compareTo(Duration.ofMillis(17_750)) < 0,
        "waited past the first lease, within the renewed one: " + waited());
  }

  @Test
  void aSingleNodeWithoutALeaseWaitsGiveUpAfter() {
    store.down(true);
    var refused = assertThrows(RunDirectory.WriteRefusedException.class, () -> guard(null).check());
    assertEquals(RETRY.giveUpAfter(), waited());
    assertEquals(Fault.INFRASTRUCTURE, Fault.ofRun(refused));
  }

  @Test
  void aTakenOverJobIsRefusedAtOnceAndIsNoInfrastructureFault() {
    assertEquals(1, store.requeueOwnedBy("node-a", 5));
    var refused = assertThrows(RunDirectory.WriteRefusedException.class, () -> guard(LEASE).check());
    assertEquals(List.of(), waits);
    assertEquals(Fault.TAKEN_OVER, Fault.ofRun(refused));
    assertTrue(refused.getMessage().startsWith("stale write refused: job " + claim.id() + " fence 1 < 2"),
        refused.getMessage());
  }

  @Test
  void runFailuresAreTheJobsOwnUnlessTheStoreOrTheDiskCausedThem() {
    assertEquals(Fault.JOB, Fault.ofRun(new IllegalStateException("loss is NaN")));
    assertEquals(Fault.JOB, Fault.ofRun(null));
    assertEquals(Fault.INFRASTRUCTURE, Fault.ofRun(new java.io.UncheckedIOException(
        new java.io.IOException("No space left on device"))));
    assertEquals(Fault.INFRASTRUCTURE, Fault.ofRun(new RuntimeException("wrapped",
        new StoreUnavailableException("job database: timed out", null))));
    // at a start an I/O error is the job's (its data cannot be read); the store's is not
    assertEquals(Fault.JOB, Fault.ofStart(new java.io.UncheckedIOException(new java.io.IOException("no such file"))));
    assertEquals(Fault.INFRASTRUCTURE, Fault.ofStart(new StoreUnavailableException("job database: reset", null)));
  }
}
