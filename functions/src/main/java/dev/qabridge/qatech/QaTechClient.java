package dev.qabridge.qatech;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.http.JsonHttp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The QA.tech calls the bridge makes: start a conversation, read it back. */
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
        ObjectNode override = body.putArray("applicationOverrides").addObject();
        override.put("applicationShortId", applicationId);
        ObjectNode env = override.putObject("environment");
        env.put("url", previewUrl);
        env.put("name", environmentName);
        projectId.ifPresent(p -> body.put("projectShortId", p));
        JsonNode r = http.call("POST", baseUrl + "/v1/chat", headers(), body, startTimeout);
        String shortId = r.path("shortId").asText("");
        if (shortId.isEmpty()) {
            throw new ApiException(SERVICE, 502, "the answer to POST /v1/chat had no shortId");
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

    private Map<String, String> headers() {
        return Map.of("Authorization", "Bearer " + apiKey.get(), "Accept", "application/json", "User-Agent", "qa-bridge");
    }
}
