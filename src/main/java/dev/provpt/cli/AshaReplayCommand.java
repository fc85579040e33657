package dev.provpt.cli;

import dev.provpt.config.ConfigLoader;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.sweep.scheduler.AshaPage;
import dev.provpt.sweep.scheduler.AshaSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** docs/ASHA.md: ASHA replayed over the grid curves of collected sweeps. */
@Command(name = "asha-replay", description = {"Replay ASHA (provpt.sweep.asha) over the grid curves that sweep reports",
    "keep, without training: per sweep the grid's pick and ASHA's, their val accuracy at the last epoch, the epochs",
    "each spends and the epoch from which the grid's ranking holds; written as a Markdown page."})
final class AshaReplayCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "DIR", description = "sweep directories, or folders searched 3 levels deep "
      + "for report.json (default: results)")
  List<Path> inputs = new ArrayList<>();

  @Option(names = "--set", description = "override a key, e.g. --set sweep.asha.reduction-factor=2")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--slots", defaultValue = "1", description = "grid points trained at once in the replay (default 1)")
  int slots;

  @Option(names = "--out", defaultValue = "docs/ASHA.md", description = "the page (default: docs/ASHA.md)")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (slots < 1) {
      throw new IllegalArgumentException("--slots must be >= 1, got " + slots);
    }
    List<Path> dirs = inputs.isEmpty() ? List.of(Path.of("results")) : inputs;
    AshaSettings settings = AshaSettings.from(ConfigLoader.load(null, overrides));
    List<String> words = new ArrayList<>(List.of("provpt", "asha-replay"));
    dirs.forEach(d -> words.add(d.toString()));
    overrides.forEach(o -> words.add("--set " + o));
    if (slots != 1) {
      words.add("--slots " + slots);
    }
    words.add("--out " + out);
    var entries = AshaPage.read(dirs, settings, slots);
    RunDirectory.writeAtomically(out, AshaPage.markdown(entries, settings, slots, String.join(" ", words)));
    long replayed = entries.stream().filter(e -> e.result() != null).count();
    System.out.println(replayed + " of " + entries.size() + " sweep report(s) replayed -> " + out);
    return 0;
  }
}
