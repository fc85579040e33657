package dev.provpt.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The committed parity fixtures are what tools/vit_fixtures.py produces: its --check mode
 * regenerates them from the seed, compares byte for byte, and recomputes every feature from the
 * files as stored. Needs Debian's python3-numpy (.ci/run installs it); skipped without it.
 */
class FixtureScriptTest {
  @Test
  void theCommittedFixturesAreReproducedByTheNumPyScript() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no /usr/bin/python3");
    Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start();
    assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "python3-numpy not installed");

    Process check = new ProcessBuilder("/usr/bin/python3", "tools/vit_fixtures.py", "--check",
        "--out", Checkpoints.FIXTURES.toString()).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    check.waitFor(5, TimeUnit.MINUTES);
    assertEquals(0, check.exitValue(), output);
  }
}
