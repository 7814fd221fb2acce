package dev.qabridge.local.demo;

import dev.qabridge.local.stack.DeliveryLog;
import dev.qabridge.local.stack.LocalSettings;
import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.qabridge.core.Env;
import dev.qabridge.core.Platform;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.http.JsonHttp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code ./qa-bridge replay <events file>}: sends a sample delivery to a running local stack as a new
 * delivery (fresh id, signed or tokened with the configured secret), then follows the run it started:
 * the conversation, each poll, and the reply.
 */
public final class Replay {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Replay() {}

    /** What the front door answered, the run it started (empty when none), and the delivery id it was sent as. */
    public record Sent(int status, String body, String runId, String delivery) {}

    public static Sent send(String baseUrl, Path file, Map<String, String> settings) throws Exception {
        JsonNode event = JsonHttp.JSON.readTree(file.toFile());
        String path = event.path("rawPath").asText("/webhooks/github");
        byte[] body = freshIds(event.path("isBase64Encoded").asBoolean()
                ? java.util.Base64.getDecoder().decode(event.path("body").asText())
                : event.path("body").asText().getBytes(StandardCharsets.UTF_8));
        String delivery = UUID.randomUUID().toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        event.path("headers").fields().forEachRemaining(h -> {
            String name = h.getKey().toLowerCase();
            if (!Replay.RESTRICTED.contains(name) && !name.equals("x-hub-signature-256") && !name.equals("x-github-delivery")
                    && !name.equals("x-gitlab-token") && !name.equals("idempotency-key") && !name.equals("x-gitlab-event-uuid")) {
                request.header(h.getKey(), h.getValue().asText());
            }
        });
        Platform platform = path.endsWith("/gitlab") ? Platform.GITLAB : Platform.GITHUB;
        if (platform == Platform.GITHUB) {
            request.header("X-GitHub-Delivery", delivery);
            String secret = new Env(settings).find("GITHUB_WEBHOOK_SECRET").orElse(null);
            if (secret != null && !file.getFileName().toString().contains("bad-signature")) {
                request.header("X-Hub-Signature-256", GitHubSignature.sign(secret, body));
            }
        } else {
            request.header("Idempotency-Key", delivery).header("X-Gitlab-Event-UUID", delivery);
            String token = new Env(settings).find("GITLAB_WEBHOOK_SECRET").orElse(null);
            if (token != null && !file.getFileName().toString().contains("bad-token")) {
                request.header("X-Gitlab-Token", token);
            }
        }
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String runId = "";
        try {
            runId = JsonHttp.JSON.readTree(r.body()).path("run").asText("");
        } catch (Exception notJson) {
            // keep it empty
        }
        return new Sent(r.statusCode(), r.body(), runId, delivery);
    }

    /**
     * Why the local stack at {@code baseUrl} failed on {@code delivery}, from the log lines it keeps
     * ({@link DeliveryLog}): the webhook's 5xx answer names only the exception's class. Empty when the
     * stack kept no such line (or is not a local stack).
     */
    public static String causeLine(String baseUrl, Sent sent) {
        return cause(baseUrl, sent.delivery())
                .map(c -> "  cause, from the local stack's log of delivery " + sent.delivery() + ": " + c)
                .orElse("  the cause is in the output of ./qa-bridge local: the log line with \"delivery\":\"" + sent.delivery() + "\"");
    }

    static java.util.Optional<String> cause(String baseUrl, String delivery) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/local/deliveries/"
                    + java.net.URLEncoder.encode(delivery, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? DeliveryLog.cause(JsonHttp.JSON.readTree(r.body()).path("lines")) : java.util.Optional.empty();
        } catch (Exception unavailable) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The body with a new comment, note or deployment id: the bridge runs each comment (and each
     * deployment of a PR) once, so a replay is a new one. Bodies that are not JSON objects go as they are.
     */
    static byte[] freshIds(byte[] body) {
        JsonNode root;
        try {
            root = JsonHttp.JSON.readTree(body);
        } catch (java.io.IOException e) {
            return body;
        }
        if (root == null || !root.isObject()) {
            return body;
        }
        long fresh = 100_000_000L + java.util.concurrent.ThreadLocalRandom.current().nextLong(900_000_000L);
        for (String[] path : new String[][] {{"comment", "id"}, {"object_attributes", "id"}, {"deployment", "id"}}) {
            JsonNode parent = root.path(path[0]);
            if (parent.isObject() && parent.path(path[1]).isIntegralNumber()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) parent).put(path[1], fresh);
            }
        }
        if (root.path("deployment_id").isIntegralNumber()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) root).put("deployment_id", fresh);
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final java.util.Set<String> RESTRICTED = java.util.Set.of("host", "content-length", "connection", "expect", "upgrade");

    /**
     * Prints each step of a run as the local stack's {@code /local/runs/{runId}} reports it, until the
     * reply is written or {@code limit} passes. Returns the final report.
     */
    public static JsonNode follow(String baseUrl, String runId, Duration limit, Consumer<String> out) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        int shown = 0;
        JsonNode report = JsonHttp.JSON.createObjectNode();
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/local/runs/" + runId)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                report = JsonHttp.JSON.readTree(r.body());
                ArrayNode steps = (ArrayNode) report.path("steps");
                for (; shown < steps.size(); shown++) {
                    out.accept(steps.get(shown).asText());
                }
                if (!report.path("status").asText().equals("RUNNING")) {
                    return report;
                }
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
        }
        out.accept("(still running after " + limit.toSeconds() + " s; the run goes on in the local stack)");
        return report;
    }

    public static int main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ./qa-bridge replay <events file> [--to http://127.0.0.1:3000]");
            return 2;
        }
        Path file = Path.of(args[1]);
        if (!Files.isRegularFile(file)) {
            System.err.println("no such events file: " + file);
            return 2;
        }
        Map<String, String> settings = LocalSettings.load(LocalStack.root().resolve(".env"));
        String base = args.length >= 4 && args[2].equals("--to") ? args[3]
                : "http://127.0.0.1:" + new Env(settings).integer("QA_BRIDGE_PORT", 3000);
        Sent sent;
        try {
            sent = send(base, file, settings);
        } catch (java.net.ConnectException e) {
            System.err.println("nothing listens on " + base + ": start ./qa-bridge local first (or pass --to <url>)");
            return 2;
        }
        System.out.println("→ POST " + base + " " + file.getFileName() + ": " + sent.status() + " " + sent.body());
        if (sent.status() >= 500) {
            System.out.println(causeLine(base, sent));
        }
        if (!sent.runId().isEmpty()) {
            JsonNode end = follow(base, sent.runId(), Duration.ofMinutes(5), line -> System.out.println("  " + line));
            System.out.println("run " + sent.runId() + ": " + end.path("status").asText());
        }
        return sent.status() < 300 ? 0 : 1;
    }
}
