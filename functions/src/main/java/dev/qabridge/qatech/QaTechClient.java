package dev.qabridge.qatech;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.TestRun;
import dev.qabridge.http.JsonHttp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The QA.tech calls the bridge makes: start a conversation or a test plan run, read it back, re-run a run's failed tests. */
public final class QaTechClient {
    static final String SERVICE = "QA.tech";

    private final JsonHttp http = new JsonHttp(SERVICE, Duration.ofSeconds(10));
    private final String baseUrl;
    private final java.util.function.Supplier<String> apiKey;
    private final Duration startTimeout;

    /**
     * {@code apiKey}: read on every call, so a rotated key is used as soon as the secrets are read again;
     * {@code startTimeout}: how long a start may take (it is never sent twice, so it gets a generous wait).
     */
    public QaTechClient(String baseUrl, java.util.function.Supplier<String> apiKey, Duration startTimeout) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.startTimeout = startTimeout;
    }

    /** A started conversation: its short id and the dashboard link people click. */
    public record Chat(String shortId, String url) {}

    /** One message of a conversation. */
    public record Message(String id, String role, String createdAt, String text, String status, boolean streaming) {}

    /** A conversation read back, messages newest first as the API returns them. */
    public record Conversation(String shortId, String url, List<Message> messages) {}

    /**
     * {@code POST /v1/chat} with the preview URL as the environment override. One attempt: QA.tech has
     * no idempotency key, so a request that may have reached it is never repeated here (the caller
     * decides, from {@link ApiException#notSent()} and the status, whether repeating is safe).
     */
    public Chat start(String message, String applicationId, String previewUrl, String environmentName, Optional<String> projectId) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("message", message);
        preview(body, applicationId, previewUrl, environmentName);
        projectId.ifPresent(p -> body.put("projectShortId", p));
        return chatStarted("/v1/chat", body);
    }

    /** {@code applicationOverrides}: the application's environment is the preview. */
    private static void preview(ObjectNode body, String applicationId, String previewUrl, String environmentName) {
        body.putArray("applicationOverrides").addObject().put("applicationShortId", applicationId).putObject("environment")
                .put("url", previewUrl).put("name", environmentName);
    }

    /** POSTs a request that starts a conversation, once, and reads the conversation's short id and link from the answer. */
    private Chat chatStarted(String path, ObjectNode body) {
        JsonNode r = http.call("POST", baseUrl + path, headers(), body, startTimeout);
        String shortId = r.path("shortId").asText("");
        if (shortId.isEmpty()) {
            throw new ApiException(SERVICE, 502, "the answer to POST " + path + " had no shortId");
        }
        return new Chat(shortId, r.path("url").asText(""));
    }

    /**
     * {@code POST /v1/chat/{id}}: a follow-up in an existing conversation (answered 202). Like a start,
     * one attempt: a request that may have reached QA.tech is never repeated here.
     */
    public void followUp(String chatId, String message) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("message", message);
        http.call("POST", baseUrl + "/v1/chat/" + JsonHttp.segment(chatId), headers(), body, startTimeout);
    }

    /** {@code GET /v1/chat/{id}?limit=…}; one attempt, the caller (the state machine) retries. */
    public Conversation get(String chatId, int limit) {
        JsonNode r = http.call("GET", baseUrl + "/v1/chat/" + JsonHttp.segment(chatId) + "?limit=" + limit, headers(), null);
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : r.path("messages")) {
            messages.add(new Message(m.path("id").asText(""), m.path("role").asText(""), m.path("createdAt").asText(""),
                    m.path("text").asText(""), m.path("status").asText(""), m.path("isStreaming").asBoolean(false)));
        }
        return new Conversation(r.path("shortId").asText(chatId), r.path("url").asText(""), messages);
    }

    /**
     * {@code POST /v1/run}: runs test plan {@code planId} with the preview as the application's environment. One attempt,
     * like {@link #start}: a request that may have reached QA.tech is never repeated here.
     */
    public TestRun.Started startRun(String planId, String applicationId, String previewUrl, Optional<String> projectId,
                                    TestRun.Trigger trigger) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.put("testPlanShortId", planId);
        body.putArray("applications").addObject().put("applicationShortId", applicationId).putObject("environment").put("url", previewUrl);
        projectId.ifPresent(p -> body.put("projectShortId", p));
        if (trigger.github()) {
            body.put("trigger", "GITHUB").put("actor", trigger.actor()).put("branch", trigger.branch()).put("commitHash", trigger.commitHash())
                    .put("repository", trigger.repository());
        } else {
            body.put("trigger", "API");
        }
        return started(http.call("POST", baseUrl + "/v1/run", headers(), body, startTimeout), "POST /v1/run");
    }

    /** {@code POST /v1/run/{shortId}} with {@code failedOnly}: the run's failed tests again, as a new run. One attempt. */
    public TestRun.Started rerunFailed(String runShortId) {
        ObjectNode body = JsonHttp.JSON.createObjectNode().put("failedOnly", true);
        return started(http.call("POST", baseUrl + "/v1/run/" + JsonHttp.segment(runShortId), headers(), body, startTimeout),
                "POST /v1/run/{shortId}");
    }

    private static TestRun.Started started(JsonNode r, String call) {
        JsonNode run = r.path("run");
        String shortId = run.path("shortId").asText("");
        if (shortId.isEmpty()) {
            throw new ApiException(SERVICE, 502, "the answer to " + call + " had no run.shortId");
        }
        return new TestRun.Started(shortId, run.path("url").asText(""), run.path("testCount").asInt(0),
                run.path("testPlan").path("name").asText(""));
    }

    /** What a change review sends: the PR's own words and diff ({@code rawChanges}), or its URL ({@code pr}). */
    public sealed interface Changes permits RawChanges, PrChanges {}

    /** {@code mode: rawChanges}: {@code changes.changeDescription} and {@code changes.diff}. */
    public record RawChanges(String description, String diff) implements Changes {}

    /** {@code mode: pr}: {@code prUrl} and {@code vcsProviderId} ({@code github}, {@code gitlab}). */
    public record PrChanges(String prUrl, String vcsProviderId) implements Changes {}

    /**
     * {@code POST /v1/chat/change-review}: a conversation about the PR's changes, with the preview as the application's
     * environment and {@code context} (what to focus on, and the verdict the bridge asks for). Answered like
     * {@code POST /v1/chat} (202, the conversation's short id and link); one attempt, like {@link #start}.
     */
    public Chat changeReview(Changes changes, String context, String applicationId, String previewUrl, String environmentName,
                             Optional<String> projectId) {
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        switch (changes) {
            case RawChanges raw -> body.put("mode", "rawChanges").putObject("changes").put("changeDescription", raw.description())
                    .put("diff", raw.diff());
            case PrChanges pr -> body.put("mode", "pr").put("prUrl", pr.prUrl()).put("vcsProviderId", pr.vcsProviderId());
        }
        preview(body, applicationId, previewUrl, environmentName);
        body.put("context", context);
        projectId.ifPresent(p -> body.put("projectShortId", p));
        return chatStarted("/v1/chat/change-review", body);
    }

    /** {@code GET /v1/run/{shortId}?testCases=all}; one attempt, the caller (the state machine) retries. */
    public TestRun getRun(String runShortId) {
        JsonNode r = http.call("GET", baseUrl + "/v1/run/" + JsonHttp.segment(runShortId) + "?testCases=all", headers(), null);
        List<TestRun.Case> tests = new ArrayList<>();
        for (JsonNode t : r.path("runTestCases")) {
            tests.add(new TestRun.Case(t.path("shortId").asText(""), t.path("name").asText(""), t.path("status").asText(""),
                    t.path("result").asText(""), t.path("resultTitle").asText(""), t.path("evaluationThought").asText("")));
        }
        return new TestRun(r.path("shortId").asText(runShortId), r.path("status").asText(""),
                r.path("result").isTextual() ? Optional.of(r.path("result").asText()) : Optional.empty(), List.copyOf(tests));
    }

    /** {@code GET /v1/run-test-case/{shortId}}: one test's error code and evidence. */
    public TestRun.CaseDetail getRunTestCase(String caseShortId) {
        JsonNode r = http.call("GET", baseUrl + "/v1/run-test-case/" + JsonHttp.segment(caseShortId), headers(), null);
        return new TestRun.CaseDetail(r.path("shortId").asText(caseShortId),
                r.path("errorCode").isTextual() ? Optional.of(r.path("errorCode").asText()) : Optional.empty(), r.path("durationMs").asLong(0),
                r.path("url").asText(""), r.path("screenshotUrl").asText(""), r.path("recordingUrl").asText(""));
    }

    private Map<String, String> headers() {
        return Map.of("Authorization", "Bearer " + apiKey.get(), "Accept", "application/json", "User-Agent", "qa-bridge");
    }
}
