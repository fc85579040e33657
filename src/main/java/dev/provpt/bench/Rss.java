package dev.provpt.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory, read from Linux's /proc/self (-1 or false where it is not available). */
final class Rss {
  private Rss() {}

  /** Peak resident set size of this process (VmHWM), or -1 where /proc is not available. */
  static long peakMb() {
    return statusMb("VmHWM:");
  }

  /** Resident set size of this process now (VmRSS), or -1. */
  static long nowMb() {
    return statusMb("VmRSS:");
  }

  /** Resets VmHWM to the current RSS (Linux: "5" into /proc/self/clear_refs); false where that is not possible. */
  static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static long statusMb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }
}
