package dev.qabridge.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.qabridge.core.ApiException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * JSON over {@code java.net.http} (it can PATCH, unlike HttpURLConnection), shared by the QA.tech,
 * GitHub and GitLab clients. One client per container; timeouts sized for a webhook that must answer
 * within 10 s.
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
                .followRedirects(HttpClient.Redirect.NORMAL)
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        headers.forEach(b::header);
        try {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), parse(r.body()), r.headers());
        } catch (IOException e) {
            throw new ApiException(service, 0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(service, 0, "interrupted");
        }
    }

    /** Like {@link #send} but turns any non-2xx answer into an {@link ApiException} with the API's own message. */
    public JsonNode call(String method, String url, Map<String, String> headers, Object body) {
        Response r = send(method, url, headers, body);
        if (!r.ok()) {
            throw new ApiException(service, r.status(), r.body().path("message").asText(""), r.header("Retry-After"));
        }
        return r.body();
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
