package dev.qabridge.qatech;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.http.JsonHttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The two QA.tech calls the bridge makes: start a conversation, read it back. */
public final class QaTechClient {
    static final String SERVICE = "QA.tech";

    private final JsonHttp http = new JsonHttp(SERVICE, Duration.ofSeconds(6));
    private final String baseUrl;
    private final String apiKey;
    private final Backoff backoff;

    /** How long to pause before retry number {@code attempt} (1-based); tests and the webhook keep it short. */
    public interface Backoff {
        void pause(int attempt, Optional<String> retryAfter) throws InterruptedException;

        /** Short pauses that fit into a webhook's 10 s: 0.5 s, then 1 s; Retry-After honoured up to 2 s. */
        static Backoff brief() {
            return (attempt, retryAfter) -> {
                long millis = attempt == 1 ? 500 : 1000;
                if (retryAfter.isPresent()) {
                    try {
                        millis = Math.min(2000, Math.max(0, Long.parseLong(retryAfter.get().trim()) * 1000));
                    } catch (NumberFormatException ignored) {
                        // an HTTP date: keep our own pause
                    }
                }
                Thread.sleep(millis);
            };
        }
    }

    public QaTechClient(String baseUrl, String apiKey, Backoff backoff) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.backoff = backoff;
    }

    /** A started conversation: its short id and the dashboard link people click. */
    public record Chat(String shortId, String url) {}

    /** One message of a conversation. */
    public record Message(String id, String role, String createdAt, String text, String status, boolean streaming) {}

    /** A conversation read back, messages newest first as the API returns them. */
    public record Conversation(String shortId, String url, List<Message> messages) {}

    /**
     * {@code POST /v1/chat} with the preview URL as the environment override. Retries 429/5xx up to
     * three attempts in all; any other refusal is final and surfaces as an {@link ApiException}.
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
        JsonNode r = withRetries(() -> http.call("POST", baseUrl + "/v1/chat", headers(), body));
        String shortId = r.path("shortId").asText("");
        if (shortId.isEmpty()) {
            throw new ApiException(SERVICE, 502, "the answer to POST /v1/chat had no shortId");
        }
        return new Chat(shortId, r.path("url").asText(""));
    }

    /** {@code GET /v1/chat/{id}?limit=…}; one attempt, the caller (the state machine) retries. */
    public Conversation get(String chatId, int limit) {
        JsonNode r = http.call("GET", baseUrl + "/v1/chat/" + URLEncoder.encode(chatId, StandardCharsets.UTF_8) + "?limit=" + limit, headers(), null);
        List<Message> messages = new ArrayList<>();
        for (JsonNode m : r.path("messages")) {
            messages.add(new Message(m.path("id").asText(""), m.path("role").asText(""), m.path("createdAt").asText(""),
                    m.path("text").asText(""), m.path("status").asText(""), m.path("isStreaming").asBoolean(false)));
        }
        return new Conversation(r.path("shortId").asText(chatId), r.path("url").asText(""), messages);
    }

    private JsonNode withRetries(java.util.function.Supplier<JsonNode> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (ApiException e) {
                if (!e.isTransient() || attempt >= 3) {
                    throw e;
                }
                try {
                    backoff.pause(attempt, e.retryAfter());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private Map<String, String> headers() {
        return Map.of("Authorization", "Bearer " + apiKey, "Accept", "application/json", "User-Agent", "qa-bridge");
    }
}
