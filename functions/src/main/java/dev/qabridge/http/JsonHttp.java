package dev.qabridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Metrics;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * JSON over {@code java.net.http} (it can PATCH, unlike HttpURLConnection), shared by the QA.tech,
 * GitHub and GitLab clients. One client per container.
 *
 * <p>Redirects are never followed: a 3xx is an error naming where it pointed, so a token never
 * travels to another origin. A request that could not even connect is told apart from one that may
 * have reached the server ({@link ApiException#notSent()}): only the first is safe to send again when
 * the call creates something.
 */
public final class JsonHttp {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final String service;
    private final Duration timeout;

    public JsonHttp(String service, Duration timeout) {
        this.service = service;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A response: status, parsed body ({@link MissingNode} when empty or not JSON) and headers. */
    public record Response(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    public Response send(String method, String url, Map<String, String> headers, Object body) {
        return send(method, url, headers, body, timeout);
    }

    /** As {@link #send(String, String, Map, Object)} with this call's own timeout (e.g. a slow, non-repeatable start). */
    public Response send(String method, String url, Map<String, String> headers, Object body, Duration callTimeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(callTimeout);
        headers.forEach(b::header);
        return exchange(() -> {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), parse(r.body()), r.headers());
        });
    }

    private interface Exchange<T> {
        T run() throws IOException, InterruptedException;
    }

    /** One request and its answer; a connection, timeout or I/O failure is an {@link ApiException} (counted). */
    private <T> T exchange(Exchange<T> call) {
        try {
            return call.run();
        } catch (HttpConnectTimeoutException | ConnectException e) {
            counted("connect");
            throw new ApiException(service, 0, "could not connect (" + e.getClass().getSimpleName() + ")", Optional.empty(), true);
        } catch (IOException e) {
            counted(e instanceof java.net.http.HttpTimeoutException ? "timeout" : "io");
            throw new ApiException(service, 0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(service, 0, "interrupted");
        }
    }

    /** Like {@link #send} but turns any non-2xx answer into an {@link ApiException} with the API's own message. */
    public JsonNode call(String method, String url, Map<String, String> headers, Object body) {
        return check(send(method, url, headers, body));
    }

    public JsonNode call(String method, String url, Map<String, String> headers, Object body, Duration callTimeout) {
        return check(send(method, url, headers, body, callTimeout));
    }

    /**
     * A read of something that may not be there (a settings file, a membership): empty on 404, which is an
     * answer, not an error, and is not counted as one; any other non-2xx throws as {@link #call} does.
     */
    public Optional<JsonNode> find(String url, Map<String, String> headers) {
        Response r = send("GET", url, headers, null);
        return r.status() == 404 ? Optional.empty() : Optional.of(check(r));
    }

    /** A text answer (a diff), read up to {@code maxBytes}; {@code truncated} when there was more. */
    public record Text(String body, boolean truncated) {}

    /**
     * {@code GET} of a text resource (a PR's unified diff), reading at most {@code maxBytes}: a 50 MB diff never sits in
     * memory whole. A non-2xx answer throws as {@link #call} does.
     */
    public Text text(String url, Map<String, String> headers, int maxBytes) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET();
        headers.forEach(b::header);
        return exchange(() -> {
            HttpResponse<java.io.InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (java.io.InputStream in = r.body()) {
                byte[] bytes = in.readNBytes(maxBytes);
                boolean more = in.read() >= 0;
                if (r.statusCode() < 200 || r.statusCode() >= 300) {
                    check(new Response(r.statusCode(), parse(bytes), r.headers()));
                }
                // cut between characters: a cut UTF-8 sequence at the end is dropped
                String text = new String(bytes, StandardCharsets.UTF_8);
                if (more && !text.isEmpty() && text.charAt(text.length() - 1) == '\uFFFD') {
                    text = text.substring(0, text.length() - 1);
                }
                return new Text(text, more);
            }
        });
    }

    /** {@code ApiErrors}: one failed call, by service and status (a number, or connect/timeout/io). */
    private void counted(String status) {
        Metrics.count(Metrics.API_ERRORS, Metrics.serving(), Map.of(Metrics.SERVICE, service.toLowerCase(Locale.ROOT).replace(".", ""),
                Metrics.STATUS, status));
    }

    private JsonNode check(Response r) {
        if (!r.ok()) {
            counted(String.valueOf(r.status()));
        }
        if (r.status() >= 300 && r.status() < 400) {
            throw new ApiException(service, r.status(), "redirected to " + r.header("Location").orElse("?")
                    + " (not followed: a token never leaves the configured API origin)");
        }
        if (!r.ok()) {
            throw new ApiException(service, r.status(), r.body().path("message").asText(""), r.header("Retry-After"));
        }
        return r.body();
    }

    /** One path segment, percent-encoded (a {@code /}, {@code ?} or {@code ..} inside an id never changes the path). */
    public static String segment(String value) {
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        return encoded.equals(".") ? "%2E" : encoded.equals("..") ? "%2E%2E" : encoded;
    }

    /** A query value, percent-encoded. */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }
}
