package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page as a browser renders it: headless Chromium (Debian's chromium; skipped without it). */
class StatusPageTest {
  @TempDir
  Path tmp;

  static final Path CHROMIUM = dev.provpt.DebianPackages.CHROMIUM;

  static String render(String url, Path profile, String... extra) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--virtual-time-budget=8000"));
    command.addAll(List.of(extra));
    command.add(url);
    Process chromium = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(chromium.getInputStream().readAllBytes());
    assertTrue(chromium.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
    return out;
  }

  @Test
  void thePageListsTheJobsWithALiveChart() throws Exception {
    dev.provpt.DebianPackages.assumeInstalled("chromium");
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    try (Daemon daemon = DaemonTest.start(tmp.resolve("state"))) {
      long id = DaemonTest.submit(daemon, DaemonTest.experiment(backbone, "page-job", "vpt-deep", 3));
      // an invalid experiment is refused at submission now; a job that fails while it runs (a NaN loss) is shown failed
      Path nanBackbone = dev.provpt.TestBackbones.exportWithNaN(tmp.resolve("nan-backbone"));
      long bad = DaemonTest.submit(daemon, DaemonTest.experiment(backbone, "broken-job", "vpt-deep", 2)
          .replace(backbone.toString(), nanBackbone.toString()));
      assertEquals("done", DaemonTest.await(daemon, id, DaemonTest::ended).get("state").asText());
      DaemonTest.await(daemon, bad, DaemonTest::ended);
      String url = "http://127.0.0.1:" + daemon.port() + "/";
      String dom = render(url, tmp.resolve("profile"), "--dump-dom");
      assertTrue(dom.contains("id=\"job-" + id + "\""), dom);
      assertTrue(dom.contains("page-job") && dom.contains("broken-job"), dom);
      assertTrue(dom.contains("class=\"done\"") && dom.contains("class=\"failed\""), dom);
      assertTrue(dom.contains("training loss became NaN"), "the failure's reason is shown: " + dom);
      assertTrue(dom.contains("<svg class=\"chart\"") && dom.contains("data-points=\"3\""), "chart of 3 epochs: " + dom);
      Path screenshot = tmp.resolve("status.png");
      render(url, tmp.resolve("profile2"), "--screenshot=" + screenshot, "--window-size=1100,400");
      assertTrue(Files.size(screenshot) > 1000, "screenshot written");
    }
  }
}
