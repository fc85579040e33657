package dev.provpt.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The daemon's status pages and the read-only JSON they draw from.
 *
 * <p>The pages ({@code /}, {@code /jobs/N/page}, {@code /sweeps/ID/page}) and their script and
 * style ({@code /static/…}) are fixed files from the jar that hold no data, so they are served
 * without the token; the page's script asks for the data with the token the operator typed in
 * (kept in the tab's sessionStorage) or passed in the address's fragment ({@code #token=…}, which
 * never reaches the server). The data routes ({@code /status/…}) stand behind the token like the
 * rest of the API.
 */
final class StatusPages extends AllDirectives {
  private static final String RESOURCES = "dev/provpt/daemon/status/";
  /** The files under /static/: nothing else is served from the class path. */
  private static final List<String> STATIC = List.of("status.js", "status.css");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobViews views;

  StatusPages(JobViews views) {
    this.views = views;
  }

  /** The pages and their static files: no data, no token. */
  Route pages() {
    return get(() -> concat(
        pathSingleSlash(() -> page("index.html")),
        path(PathMatchers.segment("jobs").slash(PathMatchers.longSegment()).slash("page"), id -> page("job.html")),
        path(PathMatchers.segment("sweeps").slash(PathMatchers.segment()).slash("page"), id -> page("sweep.html")),
        path(PathMatchers.segment("static").slash(PathMatchers.segment()), name -> STATIC.contains(name)
            ? getFromResource(RESOURCES + name) : json(StatusCodes.NOT_FOUND, Map.of("error", "no file " + name)))));
  }

  private Route page(String name) {
    return getFromResource(RESOURCES + name, ContentTypes.TEXT_HTML_UTF8);
  }

  /**
   * The JSON the pages draw: {@code GET /status/jobs} (every job with its setup, timing and
   * accuracies), {@code GET /status/jobs/N} (one job with its experiment text, curves, prompt
   * distribution and events), {@code GET /status/sweeps} and {@code GET /status/sweeps/ID}.
   */
  Route data() {
    return get(() -> pathPrefix("status", () -> concat(
        path("jobs", () -> json(StatusCodes.OK, views.rows())),
        path(PathMatchers.segment("jobs").slash(PathMatchers.longSegment()), id -> views.details(id)
            .map(d -> json(StatusCodes.OK, d))
            .orElseGet(() -> json(StatusCodes.NOT_FOUND, Map.of("error", "no job " + id)))),
        path("sweeps", () -> json(StatusCodes.OK, views.sweeps())),
        path(PathMatchers.segment("sweeps").slash(PathMatchers.segment()), id -> views.sweep(id)
            .map(s -> json(StatusCodes.OK, s))
            .orElseGet(() -> json(StatusCodes.NOT_FOUND, Map.of("error", "no sweep " + id
                + " (no job has a key starting with " + JobViews.SWEEP_PREFIX + id + "/)")))))));
  }

  private Route json(StatusCode status, Object body) {
    try {
      return complete(HttpResponse.create().withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsString(body))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
