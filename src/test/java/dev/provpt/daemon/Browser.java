package dev.provpt.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket, with the JDK's own client):
 * open a page, run JavaScript in it (to read what it shows, to click), wait until it shows
 * something, take a screenshot of the whole page.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = dev.provpt.DebianPackages.CHROMIUM;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final WebSocket socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private Browser(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  static Browser start(Path profile) throws Exception {
    Files.createDirectories(profile);
    Process process = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "about:blank").redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).size() < 2) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError("chromium did not open its DevTools port (" + portFile + ")");
        }
        Thread.sleep(100);
      }
      String port = Files.readAllLines(portFile).get(0).trim();
      HttpClient http = HttpClient.newHttpClient();
      JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
      String page = null;
      for (JsonNode target : targets) {
        if (target.get("type").asText().equals("page")) {
          page = target.get("webSocketDebuggerUrl").asText();
        }
      }
      if (page == null) {
        throw new AssertionError("chromium has no page target: " + targets);
      }
      Browser[] self = new Browser[1];
      WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new WebSocket.Listener() {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          message.append(data);
          if (last) {
            String text = message.toString();
            message.setLength(0);
            self[0].received(text);
          }
          ws.request(1);
          return null;
        }
      }).get(30, TimeUnit.SECONDS);
      self[0] = new Browser(process, socket);
      return self[0];
    } catch (Exception | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private void received(String text) {
    try {
      JsonNode message = JSON.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asLong());
        if (answer != null) {
          answer.complete(message);
        }
      }
    } catch (Exception e) {
      pending.values().forEach(f -> f.completeExceptionally(e));
    }
  }

  /** One DevTools command; its result. */
  JsonNode send(String method, Map<String, Object> params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
        .get(30, TimeUnit.SECONDS);
    JsonNode message = answer.get(60, TimeUnit.SECONDS);
    if (message.has("error")) {
      throw new AssertionError(method + " failed: " + message.get("error"));
    }
    return message.get("result");
  }

  /** Opens {@code url} and waits until it has loaded. */
  void open(String url) throws Exception {
    send("Page.navigate", Map.of("url", url));
    waitFor("document.readyState === 'complete' && location.href !== 'about:blank'", Duration.ofSeconds(30));
  }

  /** The value of a JavaScript expression in the page (a promise is awaited). */
  JsonNode eval(String expression) throws Exception {
    JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new AssertionError("the page threw on " + expression + ": " + result.get("exceptionDetails"));
    }
    JsonNode value = result.get("result").get("value");
    return value == null ? JSON.nullNode() : value;
  }

  String text(String expression) throws Exception {
    return eval(expression).asText();
  }

  /** Waits until {@code expression} is truthy; fails with what the page shows when it does not get there. */
  void waitFor(String expression, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (eval("Boolean(" + expression + ")").asBoolean()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the page never showed " + expression + "; it shows: "
        + text("document.body ? document.body.innerText : document.documentElement.outerHTML"));
  }

  /** A PNG of the whole page, {@code width} pixels wide. */
  void screenshot(Path file, int width) throws Exception {
    // measured in a short viewport, so that the page's own height is what is left
    send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", 200, "deviceScaleFactor", 1,
        "mobile", false));
    int height = eval("Math.max(document.documentElement.scrollHeight, document.body.scrollHeight)").asInt() + 16;
    send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", Math.min(height, 4000),
        "deviceScaleFactor", 1, "mobile", false));
    JsonNode shot = send("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
  }

  @Override
  public void close() throws Exception {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser goes either way
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
