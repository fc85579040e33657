package dev.provpt.cli;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.Settings;
import dev.provpt.daemon.Daemon;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code provpt serve} and its command-line clients. */
final class DaemonCommands {
  private DaemonCommands() {}

  @Command(name = "serve", description = "Run the training daemon: job queue, HTTP API, status page.")
  static final class Serve implements Callable<Integer> {
    @Mixin
    ExperimentOptions experiment = new ExperimentOptions();

    @Override
    public Integer call() throws Exception {
      Daemon daemon = Daemon.start(ConfigLoader.load(experiment.configFile, experiment.overrides));
      Runtime.getRuntime().addShutdownHook(new Thread(daemon::close));
      System.err.println(daemon.port() > 0 ? "provpt daemon listening on port " + daemon.port()
          : "provpt cluster node started (no api role: no HTTP port)");
      daemon.awaitTermination();
      return 0;
    }
  }

  /** What the clients share: the daemon's URL and token, one HTTP call. */
  abstract static class Client implements Callable<Integer> {
    @Option(names = "--url", description = "daemon URL (default: provpt.daemon.url)")
    String url;

    String call(String method, String path, String body) throws Exception {
      return request(url, method, path, body);
    }
  }

  /** One HTTP call to the daemon at {@code url} (null: provpt.daemon.url), with its token; the body of the answer. */
  static String request(String url, String method, String path, String body) throws Exception {
    {
      Settings s = new Settings(ConfigLoader.load(null, List.of()));
      String base = url != null ? url : s.string("provpt.daemon.url");
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      String token = s.string("provpt.daemon.token");
      if (!token.isBlank()) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response;
      try {
        response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.net.ConnectException e) {
        throw new IllegalArgumentException("no provpt daemon at " + base + " (start one with provpt serve)");
      }
      if (response.statusCode() >= 400) {
        throw new IllegalArgumentException("daemon answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    }
  }

  @Command(name = "submit", description = "Queue an experiment file on the daemon.")
  static final class Submit extends Client {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      System.out.println(call("POST", "/jobs", Files.readString(file)));
      return 0;
    }
  }

  @Command(name = "status", description = "List the daemon's jobs, or show one.")
  static final class Status extends Client {
    @Parameters(paramLabel = "ID", arity = "0..1")
    Long id;

    @Override
    public Integer call() throws Exception {
      System.out.println(call("GET", id == null ? "/jobs" : "/jobs/" + id, null));
      return 0;
    }
  }

  @Command(name = "cancel", description = "Cancel a queued, running or ASHA-stopped job.")
  static final class Cancel extends Client {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    public Integer call() throws Exception {
      System.out.println(call("POST", "/jobs/" + id + "/cancel", null));
      return 0;
    }
  }
}
