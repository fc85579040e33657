package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.sweep.Sweep;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep page in headless Chromium for a grid that ASHA schedules on the daemon: each grid point's rung and ASHA
 * state, and the sweep's rungs and epochs in its heading. Screenshot: {@code sweep-asha.png}.
 */
class AshaPageTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  private static boolean ended(JsonNode status) {
    for (JsonNode run : status.get("runs")) {
      if (!List.of("done", "stopped", "failed").contains(run.get("state").asText())) {
        return false;
      }
    }
    return true;
  }

  @Test
  void theSweepPageShowsEachGridPointsRungAndState() throws Exception {
    dev.provpt.DebianPackages.assumeInstalled("chromium");
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    // 4 points, η = 2, rungs at epochs 1 and 2: 2 stop at rung 0, 2 reach the top rung
    Path file = Files.writeString(tmp.resolve("asha-page.conf"), DaemonTest.experiment(backbone, "asha-page",
        "vpt-deep", 2, "  sweep { base-lr = [0.5, 0.05], weight-decay = [0, 0.001], seeds = [1], scheduler = asha",
        "    asha { reduction-factor = 2, min-epochs = 1, rungs = 2 } }"));
    Sweep sweep = new Sweep(file, List.of());
    Path shots = Path.of(System.getProperty("provpt.status.screenshots", tmp.resolve("shots").toString()));
    try (Daemon daemon = DaemonTest.start(tmp.resolve("state"))) {
      List<Long> ids = new ArrayList<>();
      for (Sweep.RunSpec spec : sweep.gridRuns()) {
        var response = DaemonTest.call(daemon, "POST", "/jobs?key=" + URLEncoder.encode(sweep.key(spec),
            StandardCharsets.UTF_8), sweep.jobText(spec), null);
        assertEquals(201, response.statusCode(), response.body());
        ids.add(DaemonTest.JSON.readTree(response.body()).get("id").asLong());
      }
      // every point done or stopped at once: only a running point's report promotes a stopped one, so this holds
      JsonNode status = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
      while (status == null || !ended(status)) {
        assertTrue(System.nanoTime() < deadline, "the grid did not end: " + status);
        Thread.sleep(100);
        status = DaemonTest.JSON.readTree(DaemonTest.call(daemon, "GET", "/status/sweeps/" + sweep.id(), null, null)
            .body());
      }
      assertEquals(4, ids.size());
      try (Browser browser = Browser.start(tmp.resolve("profile"))) {
        browser.open("http://127.0.0.1:" + daemon.port() + "/sweeps/" + sweep.id() + "/page");
        browser.waitFor("document.querySelectorAll('#runs tbody tr').length === 4", WAIT);
        assertEquals("false", browser.text("String(document.getElementById('rung-head').hidden)"));
        int stopped = 0;
        for (JsonNode run : status.get("runs")) {
          String row = browser.text("[...document.getElementById('run-" + run.get("run").asText() + "').children]"
              + ".map(td => td.textContent).join(' | ')");
          String state = run.get("state").asText();
          stopped += state.equals("stopped") ? 1 : 0;
          assertTrue(row.contains(" | " + state + " | " + run.get("rung").asInt() + " | "
              + run.get("epoch").asInt() + " / " + run.get("epochs").asInt() + " | "), row);
          assertEquals(state.equals("stopped"), row.endsWith(" | cancel"), "a stopped run can be cancelled: " + row);
        }
        assertEquals(2, stopped, status.toString());
        assertTrue(browser.text("document.getElementById('about').textContent").contains(
            "ASHA, rungs at epochs 1, 2, reduction factor 2: 6 of 8 grid epochs trained"),
            browser.text("document.getElementById('about').textContent"));
        Files.createDirectories(shots);
        browser.screenshot(shots.resolve("sweep-asha.png"), 1300);
      }
      assertTrue(Files.size(shots.resolve("sweep-asha.png")) > 10_000, "sweep-asha.png written");
    }
  }
}
