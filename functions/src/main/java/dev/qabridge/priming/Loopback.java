package dev.qabridge.priming;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A stand-in for every service the functions call, on 127.0.0.1 in this process: canned answers in the
 * documented shapes of GitHub, GitLab, QA.tech, Step Functions and Secrets Manager. {@link Priming} points
 * real clients at it, so priming runs the real request and response code and reaches no outside service;
 * the benchmark uses it as the outside world of a webhook. It remembers nothing but how many requests of
 * each kind it answered.
 *
 * <p>One thread (the server's own dispatcher) answers everything, one request at a time; it stops with
 * {@link #close()}.
 */
public final class Loopback implements AutoCloseable {
    /** The settings file a repository keeps on its default branch (GitHub and GitLab), valid and a few keys long. */
    static final String SETTINGS_FILE = """
            qatech:
              applicationId: app_shop
            preview:
              urlTemplate: https://pr-{number}.preview.example.com
            autoRun:
              environments: ["*preview*", "review/*"]
            trusted:
              associations: [OWNER, MEMBER, COLLABORATOR]
              minAccessLevel: 30
            """;
    static final String AGENT_ANSWER = """
            I tested the cart on the preview.

            1. Added "Blue mug" ($12.00): the cart total showed **$12.00** ✅
            2. Added a second "Blue mug": the total updated to **$24.00** ✅
            3. Removed one mug: the total went back to **$12.00** ✅

            ```text
            /qa run this again
            ```

            > The cart total updates correctly when items are added and removed.

            Verdict: PASS""";
    /** Conversations with this id are still running; every other one has the agent's answer. */
    public static final String RUNNING_CHAT = "chat_running";
    static final String SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    private static final Pattern GITHUB_REPO = Pattern.compile("^/repos/[^/]+/[^/]+$");
    private static final Pattern GITHUB_PULL = Pattern.compile("^/repos/[^/]+/[^/]+/pulls/\\d+$");
    private static final Pattern GITHUB_COMMENTS = Pattern.compile("^/repos/[^/]+/[^/]+/issues/\\d+/comments$");
    private static final Pattern GITHUB_COMMENT = Pattern.compile("^/repos/[^/]+/[^/]+/issues/comments/\\d+$");
    private static final Pattern GITLAB_MEMBER = Pattern.compile("^/projects/[^/]+/members/all/\\d+$");
    private static final Pattern GITLAB_MR = Pattern.compile("^/projects/[^/]+/merge_requests/\\d+$");
    private static final Pattern GITLAB_NOTE = Pattern.compile("^/projects/[^/]+/merge_requests/\\d+/notes/\\d+$");

    private final HttpServer server;
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();

    private Loopback(HttpServer server) {
        this.server = server;
    }

    /** Starts it on a free port of 127.0.0.1. */
    public static Loopback start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        Loopback loopback = new Loopback(server);
        server.createContext("/", loopback::answer);
        server.start();
        return loopback;
    }

    /** The base URL to configure for {@code service}: {@code github}, {@code gitlab}, {@code qatech}, or {@code aws} (the SDK endpoint). */
    public String url(String service) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return service.equals("aws") ? base : base + "/" + service;
    }

    /** How many requests of one kind it answered, e.g. {@code "aws StartExecution"} or {@code "github GET"}. */
    public int answered(String kind) {
        AtomicInteger n = answered.get(kind);
        return n == null ? 0 : n.get();
    }

    /** How many requests it answered in all. */
    public int answered() {
        return answered.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private void answer(HttpExchange x) throws IOException {
        try (x; InputStream in = x.getRequestBody()) {
            in.readAllBytes();
            String path = x.getRequestURI().getRawPath();
            String method = x.getRequestMethod();
            String target = x.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null) {
                count("aws " + target.substring(target.indexOf('.') + 1));
                aws(x, target);
            } else if (path.startsWith("/github/")) {
                count("github " + method);
                github(x, method, path.substring("/github".length()));
            } else if (path.startsWith("/gitlab/")) {
                count("gitlab " + method);
                gitlab(x, method, path.substring("/gitlab".length()));
            } else if (path.startsWith("/qatech/")) {
                count("qatech " + method);
                qatech(x, method, path.substring("/qatech".length()));
            } else {
                send(x, 404, "application/json", "{\"message\":\"Not Found\"}");
            }
        }
    }

    private void count(String kind) {
        answered.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    private static void aws(HttpExchange x, String target) throws IOException {
        double now = System.currentTimeMillis() / 1000.0;
        switch (target) {
            case "AWSStepFunctions.StartExecution" -> send(x, 200, "application/x-amz-json-1.0",
                    "{\"executionArn\":\"arn:aws:states:us-east-1:000000000000:execution:qa-bridge-runs:github-c1\",\"startDate\":" + now + "}");
            case "AWSStepFunctions.StopExecution" -> send(x, 200, "application/x-amz-json-1.0", "{\"stopDate\":" + now + "}");
            case "secretsmanager.GetSecretValue" -> send(x, 200, "application/x-amz-json-1.1",
                    "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:000000000000:secret:qa-bridge-agent-AbCdEf\",\"Name\":\"qa-bridge-agent\","
                            + "\"SecretString\":\"{\\\"QATECH_API_KEY\\\":\\\"loopback-key\\\"}\",\"VersionId\":\"00000000-0000-0000-0000-000000000001\","
                            + "\"VersionStages\":[\"AWSCURRENT\"],\"CreatedDate\":" + now + "}");
            default -> send(x, 400, "application/x-amz-json-1.0",
                    "{\"__type\":\"UnknownOperationException\",\"message\":\"not answered by the loopback stand-in: " + target + "\"}");
        }
    }

    private static void github(HttpExchange x, String method, String path) throws IOException {
        if (method.equals("GET") && path.endsWith("/contents/.github/qa-bridge.yml")) {
            send(x, 200, "{\"type\":\"file\",\"encoding\":\"base64\",\"path\":\".github/qa-bridge.yml\",\"content\":\""
                    + Base64.getMimeEncoder().encodeToString(SETTINGS_FILE.getBytes(StandardCharsets.UTF_8)).replace("\r\n", "\\n") + "\"}");
        } else if (method.equals("GET") && GITHUB_REPO.matcher(path).matches()) {
            send(x, 200, "{\"full_name\":\"acme/shop\",\"default_branch\":\"main\",\"private\":false}");
        } else if (method.equals("GET") && GITHUB_PULL.matcher(path).matches()) {
            send(x, 200, PULL);
        } else if (method.equals("GET") && path.contains("/commits/") && path.endsWith("/pulls")) {
            send(x, 200, "[" + PULL + "]");
        } else if (method.equals("GET") && path.endsWith("/deployments")) {
            send(x, 200, "[{\"id\":42,\"sha\":\"" + SHA + "\",\"environment\":\"Preview\",\"created_at\":\"2026-11-26T10:00:00Z\"}]");
        } else if (method.equals("GET") && path.endsWith("/deployments/42/statuses")) {
            send(x, 200, "[{\"id\":1,\"state\":\"success\",\"environment_url\":\"https://shop-git-feature-cart-totals-acme.vercel.app\"}]");
        } else if (method.equals("GET") && GITHUB_COMMENTS.matcher(path).matches()) {
            send(x, 200, "[{\"id\":9000,\"body\":\"Looks good to me\",\"created_at\":\"2026-11-26T10:00:00Z\",\"user\":{\"login\":\"octocat\"}}]");
        } else if (method.equals("POST") && GITHUB_COMMENTS.matcher(path).matches()) {
            send(x, 201, "{\"id\":9001,\"html_url\":\"https://github.com/acme/shop/pull/7#issuecomment-9001\"}");
        } else if (method.equals("PATCH") && GITHUB_COMMENT.matcher(path).matches()) {
            send(x, 200, "{\"id\":9001}");
        } else if (method.equals("POST") && path.endsWith("/reactions")) {
            send(x, 201, "{\"id\":1,\"content\":\"eyes\"}");
        } else if (method.equals("POST") && path.contains("/statuses/")) {
            send(x, 201, "{\"id\":1,\"state\":\"pending\",\"context\":\"qa-bridge\"}");
        } else if (method.equals("POST") && path.endsWith("/check-runs")) {
            send(x, 201, "{\"id\":5,\"status\":\"in_progress\"}");
        } else if (method.equals("PATCH") && path.contains("/check-runs/")) {
            send(x, 200, "{\"id\":5,\"status\":\"completed\"}");
        } else {
            send(x, 404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}");
        }
    }

    private static void gitlab(HttpExchange x, String method, String path) throws IOException {
        if (method.equals("GET") && path.contains("/repository/files/")) {
            send(x, 200, "{\"file_name\":\"qa-bridge.yml\",\"file_path\":\".gitlab/qa-bridge.yml\",\"encoding\":\"base64\",\"ref\":\"main\",\"content\":\""
                    + Base64.getEncoder().encodeToString(SETTINGS_FILE.getBytes(StandardCharsets.UTF_8)) + "\"}");
        } else if (method.equals("GET") && GITLAB_MEMBER.matcher(path).matches()) {
            send(x, 200, "{\"id\":583,\"username\":\"alice\",\"state\":\"active\",\"access_level\":40}");
        } else if (method.equals("GET") && GITLAB_MR.matcher(path).matches()) {
            send(x, 200, "{\"iid\":7,\"title\":\"Cart: recompute totals\",\"description\":\"Totals are recomputed on every change.\","
                    + "\"state\":\"opened\",\"sha\":\"" + SHA + "\",\"source_branch\":\"feature/cart-totals\",\"target_branch\":\"main\","
                    + "\"web_url\":\"https://gitlab.com/acme/shop/-/merge_requests/7\",\"author\":{\"id\":583,\"username\":\"alice\"},"
                    + "\"source_project_id\":42,\"target_project_id\":42}");
        } else if (method.equals("GET") && path.endsWith("/notes")) {
            send(x, 200, "[]");
        } else if (method.equals("POST") && (path.endsWith("/notes") || path.endsWith("/award_emoji") || path.contains("/statuses/"))) {
            send(x, 201, "{\"id\":9001}");
        } else if (method.equals("PUT") && GITLAB_NOTE.matcher(path).matches()) {
            send(x, 200, "{\"id\":9001}");
        } else {
            send(x, 404, "{\"message\":\"404 Not Found\"}");
        }
    }

    private static void qatech(HttpExchange x, String method, String path) throws IOException {
        if (method.equals("POST") && path.equals("/v1/chat")) {
            send(x, 202, conversation("chat_loopback1", "[]"));
        } else if (method.equals("GET") && path.startsWith("/v1/chat/")) {
            String id = path.substring("/v1/chat/".length());
            boolean running = id.equals(RUNNING_CHAT);
            String answer = (running ? "Opening the preview and adding items to the cart…" : AGENT_ANSWER)
                    .replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
            send(x, 200, conversation(id, "[{\"id\":\"m2\",\"role\":\"assistant\",\"createdAt\":\"2026-11-26T10:01:00Z\",\"text\":\"" + answer
                    + "\",\"status\":\"" + (running ? "PARTIAL" : "COMPLETED") + "\",\"isStreaming\":" + running + "},"
                    + "{\"id\":\"m1\",\"role\":\"user\",\"createdAt\":\"2026-11-26T10:00:00Z\",\"text\":\"check the cart\",\"status\":\"COMPLETED\","
                    + "\"isStreaming\":false}]"));
        } else {
            send(x, 404, "{\"message\":\"Conversation not found\"}");
        }
    }

    private static String conversation(String id, String messages) {
        return "{\"shortId\":\"" + id + "\",\"url\":\"https://app.qa.tech/p/proj_shop/chat/" + id + "\",\"title\":null,"
                + "\"createdAt\":\"2026-11-26T10:00:00Z\",\"updatedAt\":\"2026-11-26T10:01:00Z\",\"source\":\"api\",\"messages\":" + messages + "}";
    }

    private static final String PULL = "{\"number\":7,\"title\":\"Cart: recompute totals\",\"body\":\"Totals are recomputed on every change.\","
            + "\"state\":\"open\",\"html_url\":\"https://github.com/acme/shop/pull/7\",\"author_association\":\"MEMBER\","
            + "\"user\":{\"login\":\"octocat\",\"id\":583231,\"type\":\"User\"},"
            + "\"head\":{\"sha\":\"" + SHA + "\",\"ref\":\"feature/cart-totals\",\"repo\":{\"full_name\":\"acme/shop\",\"fork\":false}},"
            + "\"base\":{\"ref\":\"main\",\"repo\":{\"full_name\":\"acme/shop\"}}}";

    private static void send(HttpExchange x, int status, String json) throws IOException {
        send(x, status, "application/json; charset=utf-8", json);
    }

    private static void send(HttpExchange x, int status, String contentType, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", contentType);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
