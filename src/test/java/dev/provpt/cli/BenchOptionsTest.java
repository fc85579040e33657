package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.bench.PackingBench;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bench's on/off switches parse as their help says (picocli's negatable options are subtle). */
class BenchOptionsTest {
  private static BenchCommand parse(String... args) {
    BenchCommand bench = new BenchCommand();
    new CommandLine(bench).parseArgs(args);
    return bench;
  }

  @Test
  void everythingIsMeasuredByDefault() {
    BenchCommand bench = parse();
    assertTrue(bench.epochCost && bench.vitb && bench.backboneBench);
  }

  @Test
  void eachNoOptionTurnsItsPartOff() {
    assertFalse(parse("--no-epoch-cost").epochCost);
    assertFalse(parse("--no-vitb").vitb);
    assertFalse(parse("--no-backbone-bench").backboneBench);
    BenchCommand some = parse("--no-epoch-cost", "--no-vitb");
    assertTrue(some.backboneBench);
    assertTrue(parse("--epoch-cost").epochCost);
  }

  @Test
  void bothPrecisionsAndMemoryByDefaultXlaAndPackingOnRequest() {
    BenchCommand bench = parse();
    assertEquals(java.util.List.of("fp32", "bf16"), bench.precisions);
    assertTrue(bench.memory);
    assertFalse(bench.xla || bench.packing);
    BenchCommand some = parse("--precisions", "bf16", "--xla", "--no-memory", "--packing", "--packing-layouts", "1x2,2x1");
    assertEquals(java.util.List.of("bf16"), some.precisions);
    assertTrue(some.xla && some.packing && !some.memory);
    assertEquals(java.util.List.of("1x2", "2x1"), some.packingLayouts);
    assertEquals(new dev.provpt.sweep.RunPacking(2, 1), PackingBench.parse("2x1"));
  }

  @Test
  void aPackingLayoutMayCarryItsOwnSettingsAndTheRunsMayBeAMethodMix() {
    BenchCommand bench = parse("--packing", "--packing-layouts", "1x2:train.cache-features=false;precision=fp32,2x1",
        "--packing-mix", "vpt-deep:2,linear:1,pro-vpt:1");
    assertEquals(java.util.List.of("1x2:train.cache-features=false;precision=fp32", "2x1"), bench.packingLayouts);
    assertEquals(new dev.provpt.sweep.RunPacking(1, 2), PackingBench.parse(bench.packingLayouts.get(0)));
    assertEquals(java.util.List.of("train.cache-features=false", "precision=fp32"),
        PackingBench.settingsOf(bench.packingLayouts.get(0)));
    assertEquals(java.util.List.of(), PackingBench.settingsOf("2x1"));
    // in turn, so that each part of the measurement sees every method
    assertEquals(java.util.List.of("vpt-deep", "linear", "pro-vpt", "vpt-deep"), PackingBench.methods(bench.packingMix, 9));
    assertEquals(3, PackingBench.methods(java.util.List.of(), 3).size());
    for (String bad : java.util.List.of("vpt-deep", "vpt-deep:0", "vpt-deep:3:x", "vpt-deep:many")) {
      assertThrows(IllegalArgumentException.class, () -> PackingBench.methods(java.util.List.of(bad), 1), bad);
    }
  }
}
