package dev.provpt.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.Settings;
import dev.provpt.config.SettingsException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code provpt serve}: the job database, the job manager and the HTTP API in one process.
 *
 * <pre>
 * POST /jobs               HOCON experiment text → {"id": N}
 * POST /jobs?key=K         the same, queued once per key (sweeps): {"id", "added"}
 * GET  /jobs               all jobs (?key-prefix=P: the jobs whose key starts with P)
 * GET  /jobs/N             one job: state (queued, running, done, failed, cancelled), epoch, best val, error
 * POST /jobs/N/cancel      cancel a queued, running or ASHA-stopped job
 * GET  /jobs/N/metrics     its metrics.jsonl
 * GET  /jobs/N/files/NAME  summary.json, config.conf, accuracy.png, distribution.png
 * GET  /cluster            cluster mode: this node, the leader, the oldest member, every member
 * GET  /status/…           the status pages' read-only views (StatusPages)
 * GET  /, /jobs/N/page, /sweeps/ID/page   the status pages (no data in them: served without the token)
 * </pre>
 */
public final class Daemon implements AutoCloseable {
  private static final List<String> FILES = List.of("summary.json", "config.conf", "metrics.jsonl", "accuracy.png",
      "distribution.png");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final ServerBinding binding;
  private final JobStore store;

  private Daemon(ActorSystem<?> system, ServerBinding binding, JobStore store) {
    this.system = system;
    this.binding = binding;
    this.store = store;
  }

  /**
   * Starts the daemon described by {@code config}'s provpt.daemon section: one node with an
   * SQLite queue, or, with provpt.cluster.enabled, a node of a cluster sharing a PostgreSQL queue.
   */
  public static Daemon start(Config config) throws Exception {
    Settings s = new Settings(config);
    if (config.getBoolean("provpt.cluster.enabled")) {
      return startClusterNode(config, s);
    }
    String host = s.string("provpt.daemon.host");
    int port = s.intIn("provpt.daemon.port", 0, 65535);
    Path stateDir = Path.of(s.string("provpt.daemon.state-dir"));
    int maxConcurrent = s.intIn("provpt.daemon.max-concurrent", 1, 64);
    long maxBytes = s.intIn("provpt.daemon.max-request-bytes", 1, Integer.MAX_VALUE);
    String token = s.string("provpt.daemon.token");
    boolean loopback = InetAddress.getByName(host).isLoopbackAddress();
    if (!loopback && token.isBlank()) {
      throw new SettingsException("provpt.daemon.host is " + host + ", not a loopback address: "
          + "set provpt.daemon.token so that requests must carry it");
    }
    Files.createDirectories(stateDir);
    String runsSetting = s.string("provpt.daemon.runs-dir");
    Path runs = runsSetting.isBlank() ? stateDir.resolve("runs") : Path.of(runsSetting);
    StoreRetry retry = StoreRetry.from(s);
    JobStore store = new SqliteJobStore(stateDir.resolve("jobs.db"));
    ActorSystem<JobManager.Command> system = ActorSystem.create(
        Behaviors.setup(context -> {
          var manager = context.spawn(JobManager.create(store, runs, maxConcurrent,
              Placement.singleNode().withRetry(retry)), "jobs",
              DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher"));
          return Behaviors.receive(JobManager.Command.class).onAnyMessage(m -> {
            manager.tell(m);
            return Behaviors.same();
          }).build();
        }), "provpt-daemon", config);
    Api api = new Api(store, system, maxBytes, loopback ? null : token, () -> Map.of("enabled", false), null);
    ServerBinding binding = Http.get(system).newServerAt(host, port).bind(api.routes())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    system.log().info("provpt daemon serving on http://{}:{} (state in {})", host,
        binding.localAddress().getPort(), stateDir.toAbsolutePath());
    return new Daemon(system, binding, store);
  }

  /**
   * A cluster node. Every check that can refuse the start comes before anything is written: the
   * database is reachable and is not another cluster's, the runs directory is the shared one, the
   * node joins the cluster within the timeout. Only then the schema is migrated, a fresh database
   * is claimed for this cluster, and jobs are taken.
   */
  private static Daemon startClusterNode(Config config, Settings s) throws Exception {
    String host = s.string("provpt.daemon.host");
    int port = s.intIn("provpt.daemon.port", 0, 65535);
    int maxConcurrent = s.intIn("provpt.daemon.max-concurrent", 1, 64);
    long maxBytes = s.intIn("provpt.daemon.max-request-bytes", 1, Integer.MAX_VALUE);
    String token = s.string("provpt.daemon.token");
    boolean dryRun = s.bool("provpt.daemon.dry-run-jobs");
    boolean loopback = InetAddress.getByName(host).isLoopbackAddress();
    if (!loopback && token.isBlank()) {
      throw new SettingsException("provpt.daemon.host is " + host + ", not a loopback address: "
          + "set provpt.daemon.token so that requests must carry it");
    }
    String runsSetting = s.string("provpt.daemon.runs-dir");
    if (runsSetting.isBlank()) {
      throw new ClusterStartException("provpt.daemon.runs-dir must name the directory every node of the cluster "
          + "mounts (e.g. an NFS export)");
    }
    Path runs = Path.of(runsSetting).toAbsolutePath();
    ClusterNode.Options options = ClusterNode.Options.from(s);
    StoreRetry retry = StoreRetry.from(s);

    PostgresJobStore store = PostgresJobStore.connect(options.databaseUrl(), options.databaseUser(),
        options.databasePassword(), options.poolSize(), options.connectionTimeout());
    ActorSystem<Void> system = null;
    try {
      Optional<PostgresJobStore.Identity> identity = checkDatabaseAndRuns(store, options, runs);
      system = ActorSystem.create(Behaviors.empty(), ClusterNode.SYSTEM, ClusterNode.pekkoConfig(options, config));
      ClusterNode.awaitUp(system, options);
      claimDatabaseAndRuns(store, options, runs, identity);

      String self = ClusterNode.self(system);
      var placement = Placement.cluster(self, options.lease(), options.renewEvery(), options.pollEvery(),
          dryRun).withRetry(retry);
      ActorRef<JobManager.Command> manager = system.systemActorOf(JobManager.create(store, runs,
          options.trains() ? maxConcurrent : 0, placement), "jobs",
          DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher"));
      system.systemActorOf(ClusterNode.removals(manager), "cluster-removals",
          org.apache.pekko.actor.typed.Props.empty());
      ServerBinding binding = null;
      if (options.servesApi()) {
        ActorSystem<Void> sys = system;
        Api api = new Api(store, manager, maxBytes, loopback ? null : token, () -> ClusterNode.status(sys), runs);
        binding = Http.get(system).newServerAt(host, port).bind(api.routes()).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
      system.log().info("provpt cluster node {} (cluster {}, roles {}) serving on http://{}:{}, runs in {}", self,
          options.clusterId(), options.roles(), host, binding == null ? "-" : binding.localAddress().getPort(), runs);
      return new Daemon(system, binding, store);
    } catch (Exception | Error e) {
      if (system != null) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      store.close();
      throw e;
    }
  }

  /**
   * Refuses a job database that is another cluster's, and a runs directory that is not the one this database's
   * cluster shares (or, for a database no cluster has claimed, one some cluster has); writes nothing.
   */
  private static Optional<PostgresJobStore.Identity> checkDatabaseAndRuns(PostgresJobStore store,
      ClusterNode.Options options, Path runs) throws Exception {
    Optional<PostgresJobStore.Identity> identity = store.identity();
    if (identity.isPresent() && !identity.get().clusterId().equals(options.clusterId())) {
      throw new ClusterStartException("the job database " + store.url() + " belongs to cluster "
          + identity.get().clusterId() + ", not " + options.clusterId() + " (provpt.cluster.cluster-id): "
          + "two clusters cannot share one database");
    }
    if (identity.isPresent()) {
      SharedRuns.check(runs, identity.get());
    } else {
      SharedRuns.checkUnclaimed(runs);
    }
    return identity;
  }

  /** Migrates the schema, claims a fresh database for this cluster and marks the runs directory as its own. */
  private static void claimDatabaseAndRuns(PostgresJobStore store, ClusterNode.Options options, Path runs,
      Optional<PostgresJobStore.Identity> identity) throws Exception {
    store.migrate();
    var claimed = store.claimIdentity(new PostgresJobStore.Identity(options.clusterId(),
        java.util.UUID.randomUUID().toString()));
    if (!claimed.clusterId().equals(options.clusterId())) {
      throw new ClusterStartException("the job database " + store.url() + " belongs to cluster "
          + claimed.clusterId() + ", not " + options.clusterId() + " (provpt.cluster.cluster-id)");
    }
    if (identity.isEmpty() && !Files.isRegularFile(runs.resolve(SharedRuns.MARKER))) {
      SharedRuns.write(runs, claimed);
    }
    SharedRuns.check(runs, claimed);
  }

  /** The HTTP port; -1 on a cluster node without the api role. */
  public int port() {
    return binding == null ? -1 : binding.localAddress().getPort();
  }

  /** Blocks until the actor system ends. */
  public void awaitTermination() {
    system.getWhenTerminated().toCompletableFuture().join();
  }

  @Override
  public void close() {
    if (binding != null && !system.getWhenTerminated().toCompletableFuture().isDone()) {
      binding.unbind().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    store.close();
  }

  /** The HTTP routes. */
  static final class Api extends AllDirectives {
    private final JobStore store;
    private final ActorRef<JobManager.Command> manager;
    private final long maxBytes;
    private final String token;
    private final java.util.function.Supplier<Map<String, Object>> cluster;
    private final Path sharedRuns;
    private final StatusPages status;

    /** {@code sharedRuns}: in cluster mode, this node's mount of the shared runs directory (else null). */
    Api(JobStore store, ActorRef<JobManager.Command> manager, long maxBytes, String token,
        java.util.function.Supplier<Map<String, Object>> cluster, Path sharedRuns) {
      this.store = store;
      this.manager = manager;
      this.maxBytes = maxBytes;
      this.token = token;
      this.cluster = cluster;
      this.sharedRuns = sharedRuns;
      this.status = new StatusPages(new JobViews(store, this::runDirectory, java.time.Clock.systemUTC()));
    }

    /** Where this node reads a job's files: on a cluster, its own mount of the shared directory. */
    private Path runDirectory(JobStore.Job job) {
      if (sharedRuns != null) {
        return sharedRuns.resolve("job-" + job.id());
      }
      return job.runDirectory() == null ? null : Path.of(job.runDirectory());
    }

    Route routes() {
      Route api = concat(
          status.data(),
          path("cluster", () -> get(() -> json(StatusCodes.OK, cluster.get()))),
          pathPrefix("jobs", () -> concat(
              pathEnd(() -> concat(
                  post(() -> parameterOptional("key", key -> withSizeLimit(maxBytes,
                      () -> entity(Unmarshaller.entityToString(), text -> submit(text, key))))),
                  get(() -> parameterOptional("key-prefix", prefix -> json(StatusCodes.OK,
                      prefix.map(store::withKeyPrefix).orElseGet(store::list).stream().map(JobStore.Job::toMap)
                          .toList()))))),
              path(PathMatchers.longSegment(), id -> get(() -> job(id).map(j -> json(StatusCodes.OK, j.toMap()))
                  .orElseGet(() -> notFound(id)))),
              path(PathMatchers.longSegment().slash("cancel"), id -> post(() -> job(id).map(j -> {
                manager.tell(new JobManager.CancelJob(id));
                return json(StatusCodes.ACCEPTED, Map.of("id", id, "cancelling", true));
              }).orElseGet(() -> notFound(id)))),
              path(PathMatchers.longSegment().slash("metrics"), id -> get(() -> file(id, "metrics.jsonl"))),
              path(PathMatchers.longSegment().slash("files").slash(PathMatchers.segment()),
                  (id, name) -> get(() -> file(id, name))))));
      Route limited = handleExceptions(org.apache.pekko.http.javadsl.server.ExceptionHandler.newBuilder()
          .match(org.apache.pekko.http.scaladsl.model.EntityStreamSizeException.class, e ->
              json(StatusCodes.PAYLOAD_TOO_LARGE, Map.of("error", "request larger than " + maxBytes + " bytes")))
          .build(), () -> api);
      if (token == null) {
        return concat(status.pages(), limited);
      }
      return concat(status.pages(), optionalHeaderValueByName("Authorization", header -> header
          .filter(("Bearer " + token)::equals)
          .map(ok -> limited)
          .orElseGet(() -> json(StatusCodes.UNAUTHORIZED, Map.of("error", "a bearer token is required")))));
    }

    private Route submit(String text, Optional<String> key) {
      try {
        // validated whole now (keys, types, ranges, the backbone and data paths), so that a bad experiment is
        // refused at once with the same message a run would give; what only loading can tell still fails later
        var config = ConfigLoader.parse(text, "submitted experiment", List.of());
        String name = ExperimentSettings.from(config).name();
        if (key.isPresent()) {
          // a keyed submission (a sweep's run) is queued once: the same key again adds nothing
          JobStore.Submitted submitted = store.submitOnce(key.get(), name, text);
          if (submitted.added()) {
            manager.tell(new JobManager.Wake());
          }
          return json(submitted.added() ? StatusCodes.CREATED : StatusCodes.OK, Map.of("id", submitted.id(),
              "added", submitted.added(), "key", key.get()));
        }
        long id = store.submit(name, text);
        manager.tell(new JobManager.Wake());
        return json(StatusCodes.CREATED, Map.of("id", id, "state", JobStore.QUEUED));
      } catch (SettingsException | com.typesafe.config.ConfigException e) {
        return json(StatusCodes.BAD_REQUEST, Map.of("error", e.getMessage()));
      }
    }

    private Optional<JobStore.Job> job(long id) {
      return store.get(id);
    }

    private Route file(long id, String name) {
      Optional<JobStore.Job> job = job(id);
      if (job.isEmpty()) {
        return notFound(id);
      }
      Path directory = runDirectory(job.get());
      if (!FILES.contains(name) || directory == null || !Files.isRegularFile(directory.resolve(name))) {
        return json(StatusCodes.NOT_FOUND, Map.of("error", "job " + id + " has no file " + name + " (yet); files: " + FILES));
      }
      return getFromFile(directory.resolve(name).toFile());
    }

    private Route notFound(long id) {
      return json(StatusCodes.NOT_FOUND, Map.of("error", "no job " + id));
    }

    private Route json(org.apache.pekko.http.javadsl.model.StatusCode status, Object body) {
      try {
        return complete(HttpResponse.create().withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsString(body))));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
