package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The actor system's start-up and shutdown lines are hidden unless --verbose asks for them. */
class QuietOutputTest {

  @Test
  void startUpLinesAreHiddenByDefaultAndShownWithVerbose() {
    assertTrue(LoggerFactory.getLogger("dev.provpt.daemon.Daemon").isInfoEnabled(), "provpt's own INFO lines stay");
    for (String name : Main.VERBOSE_LOGGERS) {
      assertFalse(LoggerFactory.getLogger(name).isInfoEnabled(), name + " logs at INFO by default");
    }
    try {
      assertEquals(0, Main.execute("inspect", "--verbose", "--help"));
      for (String name : Main.VERBOSE_LOGGERS) {
        assertTrue(LoggerFactory.getLogger(name).isInfoEnabled(), name + " is still quiet with --verbose");
      }
    } finally {
      for (String name : Main.VERBOSE_LOGGERS) {
        ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
      }
    }
  }
}
