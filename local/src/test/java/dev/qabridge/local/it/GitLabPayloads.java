package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.gitlab.GitLabWebhookAuth;
import dev.qabridge.http.JsonHttp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * GitLab Note Hook deliveries shaped like the documented ones ("Comment on a merge request" in
 * GitLab's webhook events reference, plus {@code type} and {@code discussion_id}, which GitLab's
 * note hook builder sends too), and sent to the local stack's front door with GitLab's headers.
 */
final class GitLabPayloads {
    /** The same secret token as {@code events/env.json}, so the {@code events/gitlab-*.json} files replay as they are. */
    static final String SECRET = "sam-local-gitlab-token";
    /** A signing token in GitLab's form: whsec_ + base64 of a 32-byte key. */
    static final String SIGNING_TOKEN = "whsec_" + Base64.getEncoder()
            .encodeToString("it-signing-key-of-32-bytes-long!".getBytes(StandardCharsets.US_ASCII));
    static final String TOKEN = "it-gitlab-token";
    static final long PROJECT_ID = 42;
    static final String PATH = "acme/shop";
    static final long MR_IID = 7;
    /** Note ids: a fresh one per note, since the bridge runs each note at most once. */
    private static final java.util.concurrent.atomic.AtomicLong NOTE_IDS = new java.util.concurrent.atomic.AtomicLong(1244);
    static final String SHA = "562e173be03b8ff2efb05345d12df18815438a4b";
    static final String BRANCH = "feature/cart-totals";
    static final String DISCUSSION_ID = "6a9c1750b37d513a43987b574953fceb50b03ce7";
    static final long DEVELOPER_ID = 583;
    static final String DEVELOPER = "alice";
    static final long REPORTER_ID = 584;
    static final String REPORTER = "rita";
    static final long OUTSIDER_ID = 585;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GitLabPayloads() {}

    /** A note by {@code username} ({@code userId}) on the noteable of that type. */
    static ObjectNode note(String action, String body, String noteableType, boolean system, long userId, String username) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("object_kind", "note");
        p.put("event_type", "note");
        ObjectNode user = p.putObject("user");
        user.put("id", userId);
        user.put("name", username.substring(0, 1).toUpperCase() + username.substring(1));
        user.put("username", username);
        user.put("avatar_url", "https://gitlab.example.com/uploads/-/system/user/avatar/" + userId + "/avatar.png");
        user.put("email", "[REDACTED]");
        p.put("project_id", PROJECT_ID);
        ObjectNode project = p.putObject("project");
        project.put("id", PROJECT_ID);
        project.put("name", "shop");
        project.put("web_url", "https://gitlab.example.com/" + PATH);
        project.put("namespace", "acme");
        project.put("path_with_namespace", PATH);
        project.put("default_branch", "main");
        p.putObject("repository").put("name", "shop").put("url", "git@gitlab.example.com:" + PATH + ".git")
                .put("homepage", "https://gitlab.example.com/" + PATH);
        ObjectNode note = p.putObject("object_attributes");
        long noteId = NOTE_IDS.getAndIncrement();
        note.put("id", noteId);
        note.put("note", body);
        note.put("noteable_type", noteableType);
        note.put("author_id", userId);
        note.put("created_at", "2026-11-26 10:00:00 UTC");
        note.put("updated_at", "2026-11-26 10:00:00 UTC");
        note.put("project_id", PROJECT_ID);
        note.putNull("attachment");
        note.putNull("line_code");
        note.put("commit_id", "");
        note.put("system", system);
        note.putNull("st_diff");
        note.put("action", action);
        note.putNull("type");
        note.put("discussion_id", DISCUSSION_ID);
        switch (noteableType) {
            case "MergeRequest" -> {
                note.put("noteable_id", 99);
                note.put("url", "https://gitlab.example.com/" + PATH + "/-/merge_requests/" + MR_IID + "#note_" + noteId);
                ObjectNode mr = p.putObject("merge_request");
                mr.put("id", 99);
                mr.put("iid", MR_IID);
                mr.put("title", "Cart: recompute totals");
                mr.put("source_branch", BRANCH);
                mr.put("target_branch", "main");
                mr.put("source_project_id", PROJECT_ID);
                mr.put("target_project_id", PROJECT_ID);
                mr.put("state", "opened");
                mr.put("url", "https://gitlab.example.com/" + PATH + "/-/merge_requests/" + MR_IID);
                mr.putObject("last_commit").put("id", SHA).put("message", "Recompute totals\n");
            }
            case "Issue" -> {
                note.put("noteable_id", 92);
                p.putObject("issue").put("id", 92).put("iid", 17).put("title", "Cart total is wrong").put("state", "opened");
            }
            case "Commit" -> {
                note.putNull("noteable_id");
                note.put("commit_id", SHA);
                p.putObject("commit").put("id", SHA).put("message", "Recompute totals\n");
            }
            default -> {
                note.put("noteable_id", 53);
                p.putObject("snippet").put("id", 53).put("title", "test").put("type", "ProjectSnippet");
            }
        }
        return p;
    }

    /** The id of the note in {@code payload}. */
    static long noteId(ObjectNode payload) {
        return payload.path("object_attributes").path("id").asLong();
    }

    /** The run the webhook said it started ({@code run} in its answer). */
    static String runId(HttpResponse<String> answer) {
        return Scenarios.json(answer.body()).path("run").asText();
    }

    /** A new note on the MR by a Developer. */
    static ObjectNode command(String body) {
        return note("create", body, "MergeRequest", false, DEVELOPER_ID, DEVELOPER);
    }

    /** The same note written as a reply in a thread ({@code DiscussionNote}, or {@code DiffNote} on the diff). */
    static ObjectNode inThread(ObjectNode payload, String type) {
        ((ObjectNode) payload.path("object_attributes")).put("type", type);
        return payload;
    }

    /** Sends {@code body} as GitLab does; {@code extra} adds or overrides headers (a null value leaves one out). */
    static HttpResponse<String> send(String baseUrl, String event, String idempotencyKey, byte[] body, Map<String, String> extra)
            throws Exception {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "GitLab/18.6.0");
        headers.put("X-Gitlab-Event", event);
        headers.put("X-Gitlab-Token", SECRET);
        headers.put("X-Gitlab-Instance", "https://gitlab.example.com");
        headers.put("X-Gitlab-Webhook-UUID", "8b0f5a0e-2c3d-4b7f-9a55-0d1d5f0c1a11");
        headers.put("X-Gitlab-Event-UUID", UUID.randomUUID().toString());
        headers.put("Idempotency-Key", idempotencyKey);
        headers.putAll(extra);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks/gitlab"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> {
            if (v != null) {
                b.header(k, v);
            }
        });
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> deliver(String baseUrl, String idempotencyKey, ObjectNode payload) throws Exception {
        return send(baseUrl, "Note Hook", idempotencyKey, bytes(payload), Map.of());
    }

    /**
     * Headers of a signed delivery without a secret token, as a hook with only a signing token sends
     * it: {@code webhook-id} equals the Idempotency-Key.
     */
    static Map<String, String> signedHeaders(String idempotencyKey, byte[] body) {
        long now = Instant.now().getEpochSecond();
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("X-Gitlab-Token", null);
        headers.put("webhook-id", idempotencyKey);
        headers.put("webhook-timestamp", Long.toString(now));
        headers.put("webhook-signature", GitLabWebhookAuth.sign(SIGNING_TOKEN, idempotencyKey, now, body));
        return headers;
    }

    static byte[] bytes(ObjectNode payload) {
        return payload.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String newDelivery() {
        return UUID.randomUUID().toString();
    }
}
