package dev.provpt.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.provpt.DebianPackages;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The committed parity fixtures are what tools/vit_fixtures.py produces: its --check mode
 * regenerates them from the seed, compares byte for byte, and recomputes every feature from the
 * files as stored. Needs Debian's python3-numpy (scripts/test.sh installs it); skipped without it.
 */
class FixtureScriptTest {
  @Test
  void theCommittedFixturesAreReproducedByTheNumPyScript() throws Exception {
    DebianPackages.assumeInstalled("python3-numpy");

    Process check = new ProcessBuilder("/usr/bin/python3", "tools/vit_fixtures.py", "--check",
        "--out", Checkpoints.FIXTURES.toString()).redirectErrorStream(true).start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    check.waitFor(5, TimeUnit.MINUTES);
    assertEquals(0, check.exitValue(), output);
  }
}
