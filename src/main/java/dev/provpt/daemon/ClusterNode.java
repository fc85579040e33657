package dev.provpt.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.provpt.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Cluster membership of a daemon node: the Pekko settings (Artery TCP, seed nodes, roles, the
 * Split Brain Resolver with keep-majority), joining with a deadline, the node's identity as a job
 * owner, and the listener that returns a removed node's jobs to the queue.
 */
public final class ClusterNode {
  /** The actor system's name: every node of a cluster must use the same. */
  public static final String SYSTEM = "provpt-daemon";

  /** provpt.cluster, read and checked. */
  public record Options(String clusterId, String host, int port, List<String> seedNodes, List<String> roles,
      Duration joinTimeout, Duration lease, Duration renewEvery, Duration pollEvery, String databaseUrl,
      String databaseUser, String databasePassword, int poolSize, Duration connectionTimeout, Duration stableAfter,
      Duration heartbeatPause) {

    static Options from(Settings s) {
      Config c = s.config();
      List<String> seeds = c.getStringList("provpt.cluster.seed-nodes");
      if (seeds.isEmpty()) {
        throw new ClusterStartException("provpt.cluster.seed-nodes is empty: list the host:port of the nodes to join "
            + "through (the first node of a new cluster lists itself first)");
      }
      for (String seed : seeds) {
        if (!seed.matches("[^:/@]+:\\d{1,5}")) {
          throw new ClusterStartException("provpt.cluster.seed-nodes must list host:port entries, got \"" + seed + "\"");
        }
      }
      List<String> roles = c.getStringList("provpt.cluster.roles");
      for (String role : roles) {
        if (!List.of("api", "train").contains(role)) {
          throw new ClusterStartException("provpt.cluster.roles may hold api and train, got \"" + role + "\"");
        }
      }
      Duration lease = c.getDuration("provpt.cluster.lease");
      Duration renew = c.getDuration("provpt.cluster.renew-every");
      if (renew.compareTo(lease.dividedBy(2)) > 0) {
        throw new ClusterStartException("provpt.cluster.renew-every (" + renew + ") must be at most half of "
            + "provpt.cluster.lease (" + lease + ")");
      }
      String url = s.string("provpt.cluster.database.url");
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new ClusterStartException("provpt.cluster.database.url must be a jdbc:postgresql: URL, got \"" + url + "\"");
      }
      return new Options(s.string("provpt.cluster.cluster-id"), s.string("provpt.cluster.host"),
          s.intIn("provpt.cluster.port", 0, 65535), seeds, roles, c.getDuration("provpt.cluster.join-timeout"), lease,
          renew, c.getDuration("provpt.cluster.poll-every"), url, s.string("provpt.cluster.database.user"),
          s.string("provpt.cluster.database.password"), s.intIn("provpt.cluster.database.pool-size", 1, 100),
          c.getDuration("provpt.cluster.database.connection-timeout"),
          c.getDuration("provpt.cluster.split-brain-resolver.stable-after"),
          c.getDuration("provpt.cluster.failure-detector.acceptable-heartbeat-pause"));
    }

    boolean trains() {
      return roles.contains("train");
    }

    boolean servesApi() {
      return roles.contains("api");
    }
  }

  private ClusterNode() {}

  /** The Pekko settings of a cluster node, over {@code base}. */
  static Config pekkoConfig(Options o, Config base) {
    List<String> seeds = o.seedNodes().stream().map(seed -> "pekko://" + SYSTEM + "@" + seed).toList();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pekko.actor.provider", "cluster");
    m.put("pekko.remote.artery.transport", "tcp");
    m.put("pekko.remote.artery.canonical.hostname", o.host());
    m.put("pekko.remote.artery.canonical.port", o.port());
    m.put("pekko.cluster.seed-nodes", seeds);
    m.put("pekko.cluster.roles", o.roles());
    m.put("pekko.cluster.downing-provider-class", "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
    m.put("pekko.cluster.split-brain-resolver.active-strategy", "keep-majority");
    m.put("pekko.cluster.split-brain-resolver.stable-after", o.stableAfter().toMillis() + "ms");
    m.put("pekko.cluster.failure-detector.acceptable-heartbeat-pause", o.heartbeatPause().toMillis() + "ms");
    m.put("pekko.cluster.jmx.enabled", "off");
    m.put("pekko.cluster.log-info-verbose", "off");
    return ConfigFactory.parseMap(m).withFallback(base);
  }

  /** Waits until this node is Up in the cluster; throws a one-line error when it is not within the join timeout. */
  static void awaitUp(ActorSystem<?> system, Options o) throws InterruptedException {
    Cluster cluster = Cluster.get(system);
    long deadline = System.nanoTime() + o.joinTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      if (cluster.selfMember().status() == MemberStatus.up()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new ClusterStartException("could not join the cluster through seed nodes " + o.seedNodes() + " within "
        + o.joinTimeout().toSeconds() + " s: is a seed node running, at that address, with cluster-id "
        + o.clusterId() + "? (provpt.cluster.seed-nodes)");
  }

  /** The owner name of a member in the job table: its address and incarnation. */
  static String owner(Member member) {
    return member.uniqueAddress().address() + "#" + member.uniqueAddress().longUid();
  }

  static String self(ActorSystem<?> system) {
    return owner(Cluster.get(system).selfMember());
  }

  /** Tells {@code manager} of every member removed from the cluster (its jobs go back to the queue at once). */
  static Behavior<ClusterEvent.MemberRemoved> removals(ActorRef<JobManager.Command> manager) {
    return Behaviors.setup(context -> {
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(context.getSelf(),
          ClusterEvent.MemberRemoved.class));
      return Behaviors.receiveMessage(removed -> {
        context.getLog().info("cluster member {} removed (was {})", removed.member().address(),
            removed.previousStatus());
        manager.tell(new JobManager.NodeRemoved(owner(removed.member())));
        return Behaviors.same();
      });
    });
  }

  /** GET /cluster: this node, the leader, the oldest member and every member with its status and roles. */
  static Map<String, Object> status(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    var state = cluster.state();
    List<Member> members = StreamSupport.stream(state.getMembers().spliterator(), false).toList();
    Member oldest = members.stream().filter(m -> m.status() == MemberStatus.up())
        .reduce((a, b) -> a.isOlderThan(b) ? a : b).orElse(null);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Member m : members) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("node", owner(m));
      entry.put("status", m.status().toString());
      entry.put("roles", m.getRoles());
      entry.put("reachable", !state.getUnreachable().contains(m));
      list.add(entry);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("enabled", true);
    out.put("self", owner(cluster.selfMember()));
    // the leader is an address; named as every other member is, with its incarnation
    out.put("leader", members.stream().filter(m -> m.address().equals(state.getLeader())).findFirst()
        .map(ClusterNode::owner).orElse(state.getLeader() == null ? null : state.getLeader().toString()));
    out.put("oldest", oldest == null ? null : owner(oldest));
    out.put("members", list);
    return out;
  }
}
