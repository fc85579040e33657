package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.sweep.Sweep;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status pages as an operator uses them, in headless Chromium (Debian's chromium; .ci/run
 * installs it), on a daemon that wants a token and runs tiny jobs: a sweep queued as
 * {@code provpt sweep --submit} queues it, a job that fails, and a long job cancelled from its
 * button. With {@code -Dprovpt.status.screenshots=DIR} the three pages' screenshots go to DIR
 * (docs/status holds the committed ones).
 */
class StatusPageTest {
  private static final String TOKEN = "page-test-token";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  private Daemon daemon;

  @Test
  void anOperatorWorksFromTheJobTableTheJobPageAndTheSweepPage() throws Exception {
    dev.provpt.DebianPackages.assumeInstalled("chromium");
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = Files.writeString(tmp.resolve("page-sweep.conf"), DaemonTest.experiment(backbone, "page-sweep",
        "pro-vpt", 3, "  sweep { base-lr = [0.5, 0.05], weight-decay = [0.001], seeds = [1] }"));
    Sweep sweep = new Sweep(experiment, List.of());
    Path shots = Path.of(System.getProperty("provpt.status.screenshots", tmp.resolve("shots").toString()));
    try (Daemon started = DaemonTest.start(tmp.resolve("state"), "daemon.host=0.0.0.0", "daemon.token=" + TOKEN)) {
      daemon = started;
      // the sweep's grid as provpt sweep --submit queues it, and a job that fails (a NaN loss in its first step)
      List<Long> grid = sweep.gridRuns().stream().map(spec -> submit(sweep.key(spec), sweep.jobText(spec))).toList();
      Path nanBackbone = dev.provpt.TestBackbones.exportWithNaN(tmp.resolve("nan-backbone"));
      long broken = submit(null, DaemonTest.experiment(nanBackbone, "broken-job", "vpt-deep", 2));
      for (long id : grid) {
        assertEquals("done", await(id, DaemonTest::ended).get("state").asText());
      }
      await(broken, DaemonTest::ended);
      // then its final run with the grid's best setting (what a second --submit queues), and a long job to cancel
      JsonNode best = grid.stream().map(this::job).max(java.util.Comparator.comparingDouble(
          j -> j.get("best_val_acc").asDouble())).orElseThrow();
      JobSetup bestSetup = JobSetup.of(get("/status/jobs/" + best.get("id").asLong()).get("config").asText());
      Sweep.RunSpec finalSpec = sweep.finalRuns(bestSetup.baseLr(), bestSetup.weightDecay()).get(0);
      long finalRun = submit(sweep.key(finalSpec), sweep.jobText(finalSpec));
      long slow = submit(null, DaemonTest.experiment(backbone, "slow-job", "vpt-deep", 500));
      assertEquals("done", await(finalRun, DaemonTest::ended).get("state").asText());
      await(slow, j -> j.get("epoch").asInt() >= 2);

      // the pages hold no data and no token: they load without it; the data behind them does not
      assertEquals(200, DaemonTest.call(daemon, "GET", "/", null, null).statusCode());
      assertFalse(DaemonTest.call(daemon, "GET", "/jobs/" + slow + "/page", null, null).body().contains(TOKEN));
      assertEquals(401, DaemonTest.call(daemon, "GET", "/status/jobs", null, null).statusCode());

      try (Browser browser = Browser.start(tmp.resolve("profile"))) {
        jobTable(browser, grid, broken, slow, sweep);
        browser.screenshot(shots.resolve("status.png"), 1500);
        jobPage(browser, finalRun);
        browser.screenshot(shots.resolve("job.png"), 1100);
        sweepPage(browser, sweep, grid, finalRun);
        browser.screenshot(shots.resolve("sweep.png"), 1300);
        cancelFromTheTable(browser, slow);
      }
      for (String name : List.of("status.png", "job.png", "sweep.png")) {
        assertTrue(Files.size(shots.resolve(name)) > 10_000, name + " written");
      }
    }
  }

  /** The table, after the operator typed the token into the page's field. */
  private void jobTable(Browser browser, List<Long> grid, long broken, long slow, Sweep sweep) throws Exception {
    browser.open(url("/"));
    browser.waitFor("document.getElementById('auth-state').textContent.includes('wants a bearer token')", WAIT);
    browser.eval("document.getElementById('token').value = '" + TOKEN + "';"
        + "document.getElementById('token-form').requestSubmit(); true");
    browser.waitFor("document.querySelector('#job-" + slow + " .eta') && "
        + "document.querySelector('#job-" + slow + " .eta').textContent !== ''", WAIT);
    String gridRow = cells(browser, grid.get(0));
    JsonNode gridJob = get("/status/jobs/" + grid.get(0));
    assertTrue(gridRow.contains("pro-vpt | shapes | backbone | done | 3 / 3"), gridRow);
    assertTrue(gridRow.contains(String.format("%.4f", gridJob.get("test_acc").asDouble())), "test acc: " + gridRow);
    assertTrue(gridRow.contains("sweep " + sweep.id()), gridRow);
    assertEquals("3", browser.text("document.querySelector('#job-" + grid.get(0) + " svg.spark').dataset.points"));
    assertTrue(cells(browser, broken).contains("training loss became NaN"), cells(browser, broken));
    String slowRow = cells(browser, slow);
    assertTrue(slowRow.matches(".*vpt-deep \\| shapes \\| backbone \\| running \\| \\d+ / 500.*"), slowRow);
    assertTrue(browser.text("document.querySelector('#job-" + slow + " .eta').textContent").matches("\\d+ (s|min|h).*"),
        slowRow);
    assertTrue(browser.text("document.querySelector('#job-" + slow + " .elapsed').textContent").matches("\\d+ (s|min).*"),
        slowRow);
    String sweepRow = browser.text("[...document.querySelectorAll('#sweep-" + sweep.id() + " td')]"
        + ".map(td => td.textContent).join(' | ')");
    assertTrue(sweepRow.contains("pro-vpt | shapes | backbone | 2 | 1 | 3 done"), sweepRow);
  }

  /** Opened with the token in the address's fragment (this time the tab has none): the page keeps it and hides it. */
  private void jobPage(Browser browser, long id) throws Exception {
    browser.eval("sessionStorage.clear(); true");
    browser.open(url("/jobs/" + id + "/page#token=" + TOKEN));
    browser.waitFor("document.getElementById('accuracy-chart') && document.querySelectorAll('#events .event').length", WAIT);
    assertEquals("", browser.text("location.hash"), "the token is taken out of the address bar");
    JsonNode job = get("/status/jobs/" + id);
    assertEquals("done", browser.text("document.getElementById('state').textContent"));
    String facts = browser.text("document.getElementById('facts').innerText");
    assertTrue(facts.contains(String.format("%.4f", job.get("test_acc").asDouble())), facts);
    assertTrue(facts.contains("final-seed1"), facts);
    // axes: epoch ticks 1..3, accuracy ticks 0..1, a line per series (train, val, and test where it was evaluated)
    assertEquals(List.of("1", "2", "3"), Browser.strings(browser.eval(
        "[...document.querySelectorAll('#accuracy-chart .x-tick')].map(t => t.textContent)")));
    List<String> yTicks = Browser.strings(browser.eval(
        "[...document.querySelectorAll('#accuracy-chart .y-tick')].map(t => t.textContent)"));
    assertTrue(yTicks.contains("0") && yTicks.contains("1"), yTicks.toString());
    assertTrue(browser.eval("document.querySelectorAll('#accuracy-chart polyline.series').length").asInt() >= 2);
    assertTrue(browser.eval("document.querySelectorAll('#loss-chart polyline.series').length").asInt() == 2);
    assertEquals(job.get("distribution").size(), browser.eval(
        "Number(document.getElementById('distribution-chart').dataset.bars)").asInt());
    List<String> events = Browser.strings(browser.eval(
        "[...document.querySelectorAll('#events .kind')].map(t => t.textContent)"));
    assertEquals(List.of("submitted", "claimed", "done"), events);
    assertTrue(browser.text("document.getElementById('config').textContent").contains("base-lr"));
  }

  private void sweepPage(Browser browser, Sweep sweep, List<Long> grid, long finalRun) throws Exception {
    browser.open(url("/sweeps/" + sweep.id() + "/page"));
    browser.waitFor("document.querySelectorAll('#runs tbody tr').length === 3", WAIT);
    for (long id : List.of(grid.get(0), grid.get(1), finalRun)) {
      JsonNode job = get("/status/jobs/" + id);
      String row = browser.text("[...document.getElementById('run-" + job.get("run").asText() + "').children]"
          + ".map(td => td.textContent).join(' | ')");
      assertTrue(row.contains(" | done | 3 / 3 | " + String.format("%.4f", job.get("best_val_acc").asDouble()) + " | "
          + String.format("%.4f", job.get("test_acc").asDouble())), row);
      assertTrue(row.startsWith(job.get("run").asText() + " | " + id + " | " + (id == finalRun ? "final" : "grid")), row);
    }
    assertTrue(browser.text("document.getElementById('about').textContent").contains("2 grid points, 1 final runs"));
    assertEquals(1, browser.eval("document.querySelectorAll('#runs tr.best').length").asInt());
  }

  /** The cancel button: a first click arms it, the second sends the cancel with the token. */
  private void cancelFromTheTable(Browser browser, long slow) throws Exception {
    browser.open(url("/"));
    browser.waitFor("document.getElementById('cancel-" + slow + "')", WAIT);
    browser.eval("document.getElementById('cancel-" + slow + "').click(); true");
    browser.waitFor("document.getElementById('cancel-" + slow + "').textContent === 'confirm cancel'", WAIT);
    assertEquals("running", job(slow).get("state").asText(), "one click cancels nothing");
    browser.eval("document.getElementById('cancel-" + slow + "').click(); true");
    browser.waitFor("document.querySelector('#job-" + slow + " .state').textContent === 'cancelled'", WAIT);
    assertEquals("cancelled", job(slow).get("state").asText());
  }

  private static String cells(Browser browser, long id) throws Exception {
    return browser.text("[...document.getElementById('job-" + id + "').children].map(td => td.textContent).join(' | ')");
  }

  private String url(String path) {
    return "http://127.0.0.1:" + daemon.port() + path;
  }

  private long submit(String key, String text) {
    try {
      String path = key == null ? "/jobs" : "/jobs?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
      var response = DaemonTest.call(daemon, "POST", path, text, TOKEN);
      assertEquals(201, response.statusCode(), response.body());
      return DaemonTest.JSON.readTree(response.body()).get("id").asLong();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private JsonNode get(String path) {
    try {
      var response = DaemonTest.call(daemon, "GET", path, null, TOKEN);
      assertEquals(200, response.statusCode(), response.body());
      return DaemonTest.JSON.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private JsonNode job(long id) {
    return get("/jobs/" + id);
  }

  private JsonNode await(long id, Predicate<JsonNode> until) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = job(id);
      if (until.test(job)) {
        return job;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + id + " did not get there: " + job(id));
  }
}
