package dev.qabridge.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.http.JsonHttp;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.webhook.WebhookHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What API Gateway's HTTP API is in AWS: turns {@code POST /webhooks/*} into payload-2.0 events for
 * the webhook handler (body base64-encoded when it is not UTF-8 text), and answers {@code /healthz}.
 * Local only: {@code GET /local/runs/{runId}} (a run's steps) and {@code GET /local/deliveries/{id}}
 * (a delivery's log lines, kept where {@link DeliveryLog} is installed), which {@code ./qa-bridge replay} reads.
 */
final class FrontDoor implements AutoCloseable {
    private static final DateTimeFormatter API_GW_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "front-door");
        t.setDaemon(true);
        return t;
    });
    private final WebhookHandler webhook;
    private final java.util.function.Function<String, String> runs;

    /** {@code runs}: the local-only run report behind {@code GET /local/runs/{runId}} (null when unknown). */
    FrontDoor(int port, WebhookHandler webhook, java.util.function.Function<String, String> runs) throws IOException {
        this.webhook = webhook;
        this.runs = runs;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(pool);
        server.createContext("/", this::serve);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            byte[] body = x.getRequestBody().readAllBytes();
            x.getResponseHeaders().add("Content-Type", "application/json");
            if (path.equals("/healthz") && x.getRequestMethod().equals("GET")) {
                send(x, 200, "{\"status\":\"ok\"}");
            } else if (path.startsWith("/local/runs/") && x.getRequestMethod().equals("GET")) {
                String report = runs.apply(path.substring("/local/runs/".length()));
                send(x, report == null ? 404 : 200, report == null ? "{\"error\":\"no such run\"}" : report);
            } else if (path.startsWith("/local/deliveries/") && x.getRequestMethod().equals("GET")) {
                String delivery = path.substring("/local/deliveries/".length());
                send(x, 200, JsonHttp.JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("lines",
                        DeliveryLog.lines(delivery)).toString());
            } else if (path.startsWith("/webhooks/") && x.getRequestMethod().equals("POST")) {
                JsonNode r = webhook.respond(event(x, path, body));
                send(x, r.path("statusCode").asInt(), r.path("body").asText());
            } else {
                send(x, 404, "{\"error\":\"not found: POST /webhooks/github, POST /webhooks/gitlab or GET /healthz\"}");
            }
        }
    }

    /** The event API Gateway's HTTP API (payload format 2.0) hands the webhook function. */
    private static ObjectNode event(HttpExchange x, String path, byte[] body) {
        String text = utf8(body);
        Instant now = Instant.now();
        ObjectNode e = JsonHttp.JSON.createObjectNode();
        e.put("version", "2.0").put("routeKey", "POST " + path).put("rawPath", path)
                .put("rawQueryString", x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery());
        ObjectNode headers = e.putObject("headers");
        x.getRequestHeaders().forEach((k, vs) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", vs)));
        ObjectNode context = e.putObject("requestContext");
        context.put("requestId", UUID.randomUUID().toString()).put("routeKey", "POST " + path).put("stage", "$default")
                .put("time", API_GW_TIME.format(now)).put("timeEpoch", now.toEpochMilli());
        context.putObject("http").put("method", "POST").put("path", path).put("protocol", "HTTP/1.1").put("sourceIp", "127.0.0.1");
        e.put("body", text != null ? text : java.util.Base64.getEncoder().encodeToString(body));
        e.put("isBase64Encoded", text == null);
        return e;
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        x.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
