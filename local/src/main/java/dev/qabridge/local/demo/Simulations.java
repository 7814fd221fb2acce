package dev.qabridge.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.http.JsonHttp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Loopback stand-ins for QA.tech and GitHub, for {@code ./qa-bridge demo} and the benchmark only.
 * They are simulations, announced as such: they speak the documented request and answer shapes,
 * remember the comments written on the one pull request they know, and let the agent "work" for a
 * set number of polls. The product never uses them; tests use WireMock.
 */
public final class Simulations implements AutoCloseable {
    static final String REPO = "acme/shop";
    static final long PR = 7;
    static final String SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    static final String PREVIEW = "https://shop-git-feature-cart-totals-acme.vercel.app";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "simulations");
        t.setDaemon(true);
        return t;
    });
    private final Consumer<String> narrator;
    private final int pollsUntilDone;
    private volatile Duration agentTime = Duration.ZERO;
    private final Map<String, Instant> started = new ConcurrentHashMap<>();
    private final Map<String, Instant> finishes = new ConcurrentHashMap<>();
    private final AtomicInteger chats = new AtomicInteger();
    private final AtomicInteger commentIds = new AtomicInteger(9000);
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final Map<String, String> comments = new ConcurrentHashMap<>();
    private final Map<String, String> posted = new ConcurrentHashMap<>();
    private final Map<String, Integer> edits = new ConcurrentHashMap<>();
    private final Map<String, Instant> firstEdits = new ConcurrentHashMap<>();
    private final java.util.List<String> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** {@code pollsUntilDone}: how many reads of a conversation show the agent still working. */
    public Simulations(int pollsUntilDone, Consumer<String> narrator) throws IOException {
        this.pollsUntilDone = pollsUntilDone;
        this.narrator = narrator;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(pool);
        server.createContext("/qatech/", this::qatech);
        server.createContext("/github/", this::github);
        server.start();
    }

    /** From now on the agent also needs this long (from the conversation's start) before it finishes. */
    public void agentTakes(Duration time) {
        this.agentTime = time;
    }

    String qatechUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/qatech";
    }

    String githubUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/github";
    }

    /** The webhook secret the simulated GitHub signs with. */
    public static final String WEBHOOK_SECRET = "simulated-webhook-secret";

    /** Settings that point a local stack at these simulations (made-up credentials, which they accept). */
    public Map<String, String> settings() {
        Map<String, String> s = new java.util.HashMap<>();
        s.put("QATECH_API_URL", qatechUrl());
        s.put("QATECH_API_KEY", "simulated-qatech-key");
        s.put("QATECH_PROJECT_ID", "proj_demo");
        s.put("QATECH_APPLICATION_ID", "app_demo");
        s.put("GITHUB_API_URL", githubUrl());
        s.put("GITHUB_TOKEN", "simulated-github-token");
        s.put("GITHUB_WEBHOOK_SECRET", WEBHOOK_SECRET);
        return s;
    }

    /** The text of a comment on the pull request, as it stands now. */
    String comment(String id) {
        return comments.get(id);
    }

    /** A comment's text as it was first posted, before any edit. */
    String asPosted(String id) {
        return posted.get(id);
    }

    /** The id of the newest comment posted on the pull request. */
    String lastCommentId() {
        return String.valueOf(commentIds.get());
    }

    int edits(String id) {
        return edits.getOrDefault(id, 0);
    }

    /** When a comment was first edited (the reply edits the status comment): empty while it has not been. */
    public java.util.Optional<Instant> firstEditedAt(String id) {
        return java.util.Optional.ofNullable(firstEdits.get(id));
    }

    /** When the agent of a conversation finished (or will): its start plus the agent's time at that start; empty for an unknown one. */
    public java.util.Optional<Instant> agentFinishesAt(String chatId) {
        return java.util.Optional.ofNullable(finishes.get(chatId));
    }

    /** The commit statuses set on the pull request's head, oldest first, as "state: description". */
    java.util.List<String> statuses() {
        return java.util.List.copyOf(statuses);
    }

    private void qatech(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath().substring("/qatech".length());
            if (x.getRequestMethod().equals("POST") && path.equals("/v1/chat")) {
                JsonNode request = JsonHttp.JSON.readTree(x.getRequestBody());
                String id = "chat_demo" + chats.incrementAndGet();
                polls.put(id, new AtomicInteger());
                Instant now = Instant.now();
                started.put(id, now);
                finishes.put(id, now.plus(agentTime));
                narrator.accept("QA.tech (simulated) ← POST /v1/chat: conversation " + id + " on "
                        + request.path("applicationOverrides").path(0).path("environment").path("url").asText());
                send(x, 202, conversation(id, JsonHttp.JSON.createArrayNode()));
            } else if (x.getRequestMethod().equals("GET") && path.startsWith("/v1/chat/")) {
                String id = path.substring("/v1/chat/".length());
                AtomicInteger seen = polls.computeIfAbsent(id, k -> new AtomicInteger());
                int n = seen.incrementAndGet();
                boolean done = n > pollsUntilDone
                        && !Instant.now().isBefore(started.getOrDefault(id, Instant.EPOCH).plus(agentTime));
                ArrayNode messages = JsonHttp.JSON.createArrayNode();
                ObjectNode answer = messages.addObject();
                answer.put("id", id + "-2").put("role", "assistant").put("createdAt", Instant.now().toString())
                        .put("text", done ? AGENT_ANSWER : "Opening the preview and adding items to the cart…")
                        .put("status", done ? "COMPLETED" : "PARTIAL").put("isStreaming", !done);
                messages.addObject().put("id", id + "-1").put("role", "user").put("createdAt", "2026-11-26T10:00:00Z")
                        .put("text", "(the instructions)").put("status", "COMPLETED").put("isStreaming", false);
                narrator.accept("QA.tech (simulated) ← GET /v1/chat/" + id + ": " + (done ? "agent finished" : "agent still working"));
                send(x, 200, conversation(id, messages));
            } else {
                send(x, 404, JsonHttp.JSON.createObjectNode().put("message", "not simulated: " + path));
            }
        }
    }

    private void github(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath().substring("/github".length());
            String method = x.getRequestMethod();
            String repo = "/repos/" + REPO;
            JsonNode body = method.equals("GET") ? null : JsonHttp.JSON.readTree(x.getRequestBody());
            if (method.equals("GET") && path.equals(repo)) {
                send(x, 200, JsonHttp.JSON.createObjectNode().put("full_name", REPO).put("default_branch", "main"));
            } else if (method.equals("GET") && path.equals(repo + "/pulls/" + PR)) {
                ObjectNode pr = JsonHttp.JSON.createObjectNode().put("number", PR).put("title", "Cart: recompute totals")
                        .put("html_url", "https://github.com/" + REPO + "/pull/" + PR).put("body", "Totals are recomputed on every change.")
                        .put("author_association", "MEMBER");
                pr.putObject("user").put("login", "octocat").put("id", 583231);
                pr.putObject("head").put("sha", SHA).put("ref", "feature/cart-totals").putObject("repo").put("full_name", REPO);
                pr.putObject("base").put("ref", "main").putObject("repo").put("full_name", REPO);
                send(x, 200, pr);
            } else if (method.equals("GET") && path.equals(repo + "/deployments")) {
                ArrayNode list = JsonHttp.JSON.createArrayNode();
                list.addObject().put("id", 42).put("sha", SHA).put("environment", "Preview");
                send(x, 200, list);
            } else if (method.equals("GET") && path.equals(repo + "/deployments/42/statuses")) {
                ArrayNode list = JsonHttp.JSON.createArrayNode();
                list.addObject().put("id", 1).put("state", "success").put("environment_url", PREVIEW);
                narrator.accept("GitHub (simulated) ← deployment lookup: Preview is live at " + PREVIEW);
                send(x, 200, list);
            } else if (method.equals("GET") && path.equals(repo + "/issues/" + PR + "/comments")) {
                // the bridge looks for its own comment before posting one (an earlier attempt may have made it)
                ArrayNode list = JsonHttp.JSON.createArrayNode();
                comments.forEach((id, text) -> list.addObject().put("id", Long.parseLong(id)).put("body", text));
                send(x, 200, list);
            } else if (method.equals("GET") && path.startsWith(repo + "/issues/comments/")
                    && comments.containsKey(path.substring((repo + "/issues/comments/").length()))) {
                String id = path.substring((repo + "/issues/comments/").length());
                send(x, 200, JsonHttp.JSON.createObjectNode().put("id", Long.parseLong(id)).put("body", comments.get(id)));
            } else if (method.equals("POST") && path.equals(repo + "/issues/" + PR + "/comments")) {
                String id = String.valueOf(commentIds.incrementAndGet());
                comments.put(id, body.path("body").asText());
                posted.put(id, body.path("body").asText());
                narrator.accept("GitHub (simulated) ← status comment " + id + " posted on " + REPO + "#" + PR);
                send(x, 201, JsonHttp.JSON.createObjectNode().put("id", Long.parseLong(id)));
            } else if (method.equals("PATCH") && path.startsWith(repo + "/issues/comments/")) {
                String id = path.substring((repo + "/issues/comments/").length());
                comments.put(id, body.path("body").asText());
                edits.merge(id, 1, Integer::sum);
                firstEdits.putIfAbsent(id, Instant.now());
                narrator.accept("GitHub (simulated) ← comment " + id + " edited with the agent's answer");
                send(x, 200, JsonHttp.JSON.createObjectNode().put("id", Long.parseLong(id)));
            } else if (method.equals("POST") && path.startsWith(repo + "/statuses/")) {
                statuses.add(body.path("context").asText() + " " + body.path("state").asText() + ": " + body.path("description").asText());
                narrator.accept("GitHub (simulated) ← commit status " + body.path("context").asText() + " " + body.path("state").asText());
                send(x, 201, JsonHttp.JSON.createObjectNode().put("id", statuses.size()).put("state", body.path("state").asText()));
            } else if (method.equals("POST") && path.endsWith("/reactions")) {
                narrator.accept("GitHub (simulated) ← reaction " + body.path("content").asText() + " on the /qa comment");
                send(x, 201, JsonHttp.JSON.createObjectNode().put("id", 1));
            } else {
                send(x, 404, JsonHttp.JSON.createObjectNode().put("message", "Not Found (not simulated: " + method + " " + path + ")"));
            }
        }
    }

    private static ObjectNode conversation(String id, ArrayNode messages) {
        ObjectNode c = JsonHttp.JSON.createObjectNode();
        c.put("shortId", id).put("url", "https://app.qa.tech/p/proj_demo/chat/" + id).putNull("title")
                .put("createdAt", "2026-11-26T10:00:00Z").put("updatedAt", Instant.now().toString()).put("source", "api");
        c.set("messages", messages);
        return c;
    }

    private static void send(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    static final String AGENT_ANSWER = """
            I tested the cart on the preview.

            1. Added "Blue mug" ($12.00): the cart total showed **$12.00** ✅
            2. Added a second "Blue mug": the total updated to **$24.00** ✅
            3. Removed one mug: the total went back to **$12.00** ✅

            The cart total updates correctly when items are added and removed. (Simulated answer: this is the demo.)

            Verdict: PASS""";

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
