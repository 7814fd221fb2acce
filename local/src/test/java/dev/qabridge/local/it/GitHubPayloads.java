package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.github.GitHubSignature;
import dev.qabridge.http.JsonHttp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * GitHub webhook deliveries shaped like the real ones ({@code @octokit/webhooks-examples}), signed
 * here with the test's secret, and sent to the local stack's front door.
 */
final class GitHubPayloads {
    static final String SECRET = "it-webhook-secret";
    static final String REPO = "acme/shop";
    static final long PR = 7;
    static final String SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    /** Comment ids: a fresh one per comment, since the bridge runs each comment at most once. */
    private static final java.util.concurrent.atomic.AtomicLong COMMENT_IDS = new java.util.concurrent.atomic.AtomicLong(1_234_567);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GitHubPayloads() {}

    static ObjectNode comment(String action, String body, String association, boolean onPullRequest, String senderType) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("action", action);
        ObjectNode issue = p.putObject("issue");
        issue.put("number", PR);
        issue.put("title", "Cart: recompute totals");
        issue.put("html_url", "https://github.com/" + REPO + "/pull/" + PR);
        if (onPullRequest) {
            issue.putObject("pull_request").put("url", "https://api.github.com/repos/" + REPO + "/pulls/" + PR);
        }
        ObjectNode comment = p.putObject("comment");
        comment.put("id", COMMENT_IDS.getAndIncrement());
        comment.put("body", body);
        comment.put("author_association", association);
        comment.putObject("user").put("login", "octocat").put("type", senderType);
        ObjectNode repo = p.putObject("repository");
        repo.put("full_name", REPO);
        repo.put("name", "shop");
        repo.put("default_branch", "main");
        repo.putObject("owner").put("login", "acme");
        p.putObject("sender").put("login", senderType.equals("Bot") ? "some-bot[bot]" : "octocat").put("type", senderType);
        return p;
    }

    /** The id of the comment in {@code payload}. */
    static long commentId(ObjectNode payload) {
        return payload.path("comment").path("id").asLong();
    }

    /** The run the webhook said it started ({@code run} in its answer). */
    static String runId(HttpResponse<String> answer) {
        return Scenarios.json(answer.body()).path("run").asText();
    }

    static ObjectNode command(String body) {
        return comment("created", body, "MEMBER", true, "User");
    }

    /**
     * {@code payload} as a GitHub App's webhook delivers it: with the installation it came through
     * ({@code installation.id}), whose token the bridge must answer with.
     */
    static ObjectNode viaInstallation(ObjectNode payload, long installationId) {
        payload.putObject("installation").put("id", installationId).put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" + installationId);
        return payload;
    }

    /** {@code payload}'s comment moved to PR #7 of another repository ({@code owner/name}). */
    static ObjectNode onRepository(ObjectNode payload, String fullName) {
        String owner = fullName.substring(0, fullName.indexOf('/'));
        ObjectNode repo = (ObjectNode) payload.path("repository");
        repo.put("full_name", fullName).put("name", fullName.substring(owner.length() + 1));
        repo.putObject("owner").put("login", owner);
        ObjectNode issue = (ObjectNode) payload.path("issue");
        issue.put("html_url", "https://github.com/" + fullName + "/pull/" + PR);
        if (issue.has("pull_request")) {
            issue.putObject("pull_request").put("url", "https://api.github.com/repos/" + fullName + "/pulls/" + PR);
        }
        return payload;
    }

    static HttpResponse<String> send(String baseUrl, String event, String delivery, byte[] body, String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks/github"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .header("User-Agent", "GitHub-Hookshot/test")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            b.header("X-Hub-Signature-256", signature);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> deliver(String baseUrl, String event, String delivery, ObjectNode payload) throws Exception {
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        return send(baseUrl, event, delivery, body, GitHubSignature.sign(SECRET, body));
    }

    static String newDelivery() {
        return UUID.randomUUID().toString();
    }
}
