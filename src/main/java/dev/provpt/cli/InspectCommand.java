package dev.provpt.cli;

import dev.provpt.model.Backbone;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Prints a backbone's architecture, signatures and parameter count. */
@Command(name = "inspect", description = "Print a backbone's architecture, signatures and parameter count.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", description = "backbone directory (SavedModel + model.conf)")
  Path directory;

  @Override
  public Integer call() throws java.io.IOException {
    Backbone backbone = Backbone.load(directory);
    var c = backbone.config();
    System.out.println("backbone     " + directory);
    System.out.println("architecture " + c.describe());
    System.out.println("tokens       " + c.baseTokens() + " ([CLS] + " + c.numPatches() + " patches) + prompts per block");
    System.out.printf("parameters   %,d backbone (%,d with the upstream head)%n", c.backboneParameters(),
        backbone.weights().parameterCount());
    System.out.println("upstream     " + (c.upstreamClasses() > 0 ? c.upstreamClasses() + "-class head in serving_default" : "none"));
    Path imported = directory.resolve("import.json");
    if (java.nio.file.Files.isRegularFile(imported)) {
      var record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(imported.toFile());
      System.out.println("imported     from " + record.path("source").asText() + " (" + record.path("layout").asText() + ")");
      record.path("notes").forEach(note -> System.out.println("             " + note.asText()));
    }
    System.out.println("signatures");
    Backbone.describeSignatures(directory).forEach(line -> System.out.println("  " + line));
    return 0;
  }
}
