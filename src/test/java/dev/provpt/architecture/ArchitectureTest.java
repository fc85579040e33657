package dev.provpt.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/ARCHITECTURE.md, checked: dependencies point down only (so there is no
 * package cycle), run orchestration lives in one package, actors stay small, and nothing cites a
 * document outside the repository.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.provpt");
  }

  /** From the top: each layer may use only the layers listed (all below it). */
  @Test
  void dependenciesPointDownTheLayers() {
    ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
        .layer("cli").definedBy("dev.provpt.cli..")
        .layer("bench").definedBy("dev.provpt.bench..")
        .layer("daemon").definedBy("dev.provpt.daemon..")
        .layer("sweep").definedBy("dev.provpt.sweep..")
        .layer("results").definedBy("dev.provpt.results..")
        .layer("audit").definedBy("dev.provpt.audit..")
        .layer("run").definedBy("dev.provpt.run..")
        .layer("actors").definedBy("dev.provpt.actors..")
        .layer("train").definedBy("dev.provpt.train..")
        .layer("convert").definedBy("dev.provpt.convert..")
        .layer("config").definedBy("dev.provpt.config..")
        .layer("data").definedBy("dev.provpt.data..")
        .layer("rl").definedBy("dev.provpt.rl..")
        .layer("idleness").definedBy("dev.provpt.idleness..")
        .layer("model").definedBy("dev.provpt.model..")
        .layer("rundir").definedBy("dev.provpt.rundir..")
        .layer("tf").definedBy("dev.provpt.tf..")
        .layer("stats").definedBy("dev.provpt.stats..")
        .layer("method").definedBy("dev.provpt.method..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("bench").mayOnlyAccessLayers("sweep", "run", "train", "config", "data", "idleness", "model",
            "rundir", "tf", "stats", "method")
        .whereLayer("daemon").mayOnlyAccessLayers("sweep", "run", "actors", "config", "data", "rl", "idleness", "model",
            "rundir", "tf", "stats", "method")
        .whereLayer("audit").mayOnlyAccessLayers("run", "actors", "train", "config", "data", "idleness", "model", "rundir", "tf",
            "stats", "method")
        .whereLayer("results").mayOnlyAccessLayers("data", "idleness", "rundir", "stats", "method")
        .whereLayer("sweep").mayOnlyAccessLayers("run", "config", "data", "model", "rundir", "stats", "method")
        .whereLayer("run").mayOnlyAccessLayers("actors", "train", "config", "data", "rl", "idleness", "model", "rundir",
            "tf", "stats", "method")
        .whereLayer("actors").mayOnlyAccessLayers("train", "config", "data", "rl", "idleness", "model", "rundir", "tf",
            "stats", "method")
        .whereLayer("train").mayOnlyAccessLayers("config", "data", "idleness", "model", "rundir", "tf", "stats", "method")
        .whereLayer("convert").mayOnlyAccessLayers("data", "model", "tf", "stats", "method")
        .whereLayer("config").mayOnlyAccessLayers("data", "rl", "idleness", "model", "tf", "stats", "method")
        .whereLayer("data").mayOnlyAccessLayers("model", "tf", "stats", "method")
        .whereLayer("rl").mayOnlyAccessLayers("tf", "stats")
        .whereLayer("model").mayOnlyAccessLayers("idleness", "tf", "stats", "method")
        .whereLayer("rundir").mayOnlyAccessLayers("tf", "stats")
        .whereLayer("idleness").mayOnlyAccessLayers("stats")
        .whereLayer("tf").mayOnlyAccessLayers("stats")
        .whereLayer("stats").mayNotAccessAnyLayer()
        .whereLayer("method").mayNotAccessAnyLayer();
    layers.check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.provpt.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** Only the run service assembles and launches an Experiment. */
  @Test
  void runOrchestrationLivesInTheRunPackage() {
    noClasses().that().resideOutsideOfPackages("dev.provpt.run..", "dev.provpt.actors..")
        .should().callMethod(dev.provpt.actors.ExperimentActor.class, "create",
            dev.provpt.actors.ExperimentPlan.class, dev.provpt.actors.ExperimentTeam.class,
            dev.provpt.rundir.RunDirectory.class, org.apache.pekko.actor.typed.ActorRef.class,
            java.util.function.Consumer.class, dev.provpt.actors.CycleState.class)
        .check(classes);
    noClasses().that().resideOutsideOfPackage("dev.provpt.run..")
        .should().accessClassesThat().haveFullyQualifiedName("dev.provpt.run.RunAssembly")
        .check(classes);
  }

  /**
   * The actor classes: Pekko behaviours (subclasses of AbstractBehavior, and the functional
   * {@code *Actor} / {@code *Supervisor} classes) in actors/, daemon/ and run/, with their nested
   * classes, and the job manager's helpers whose code runs on its handlers.
   */
  static final DescribedPredicate<JavaClass> ACTOR_CLASSES = new DescribedPredicate<>("actor classes") {
    @Override
    public boolean test(JavaClass c) {
      String name = c.getName();
      String topLevel = name.contains("$") ? name.substring(0, name.indexOf('$')) : name;
      String simple = topLevel.substring(topLevel.lastIndexOf('.') + 1);
      boolean room = topLevel.matches("dev\\.provpt\\.(actors|daemon|run)\\.\\w+");
      return room && (c.isAssignableTo(AbstractBehavior.class) || simple.endsWith("Actor")
          || simple.endsWith("Supervisor") || simple.matches("Job(Manager|Ends|Leases|Starts)"));
    }
  };

  /** JDBC, and file I/O: java.nio.file.Files, file channels, java.io streams, readers, writers and files. */
  static final DescribedPredicate<JavaClass> BLOCKING_IO = new DescribedPredicate<>(
      "JDBC or file I/O (java.sql, java.nio.file.Files, java.io streams)") {
    @Override
    public boolean test(JavaClass c) {
      String name = c.getName();
      return name.startsWith("java.sql.") || name.equals("java.nio.file.Files")
          || name.equals("java.nio.channels.FileChannel")
          || name.matches("java\\.io\\.(\\w*(Stream|Reader|Writer)|File|RandomAccessFile)");
    }
  };

  /**
   * No actor blocks its dispatcher on the job store or the disk: store calls and run-directory
   * writes go to the blocking dispatcher (docs/ARCHITECTURE.md, "Where blocking work runs").
   */
  @Test
  void actorsDoNoJdbcOrFileIo() {
    noClasses().that(ACTOR_CLASSES).should().dependOnClassesThat(BLOCKING_IO).check(classes);
  }

  /** The daemon hands a job to the run supervisor: it never builds or watches an Experiment itself. */
  @Test
  void theDaemonRunsJobsThroughTheRunSupervisor() {
    noClasses().that().resideInAPackage("dev.provpt.daemon..")
        .should().dependOnClassesThat().haveNameMatching("dev\\.provpt\\.actors\\.ExperimentActor.*")
        .check(classes);
  }

  @Test
  void everyActorFileIsUnder300Lines() throws IOException {
    List<String> tooLong = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/provpt/actors"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith("Actor.java")).toList()) {
        long lines = Files.readAllLines(file).size();
        if (lines >= 300) {
          tooLong.add(file + ": " + lines + " lines");
        }
      }
    }
    assertEquals(List.of(), tooLong);
  }

  /** Code and docs explain themselves; nothing points at design notes that do not ship with the repository. */
  @Test
  void nothingCitesADocumentOutsideTheRepository() throws IOException {
    List<String> citations = new ArrayList<>();
    for (String root : List.of("src", "docs", "README.md", "models", "tools", "scripts", "application.conf")) {
      if (!Files.exists(Path.of(root))) {
        continue;
      }
      try (Stream<Path> files = Files.walk(Path.of(root))) {
        for (Path file : files.filter(f -> f.toString().matches(".*\\.(java|md|conf|py|sh)$")).toList()) {
          if (file.toString().endsWith("ArchitectureTest.java")) {
            continue;
          }
          List<String> lines = Files.readAllLines(file);
          for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(".*(DESIGN(\\.md)? ?§|DESIGN\\.md|\\.\\./shared/).*")) {
              citations.add(file + ":" + (i + 1) + ": " + lines.get(i).trim());
            }
          }
        }
      }
    }
    assertEquals(List.of(), citations);
    assertTrue(Files.isRegularFile(Path.of("docs/ARCHITECTURE.md")), "docs/ARCHITECTURE.md is the design's home");
  }
}
