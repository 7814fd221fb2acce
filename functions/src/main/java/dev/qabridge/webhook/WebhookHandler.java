package dev.qabridge.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.aws.SnapStartHooks;
import dev.qabridge.core.Env;
import dev.qabridge.core.Log;
import dev.qabridge.flow.Answer;
import dev.qabridge.flow.Bridge;
import dev.qabridge.flow.Webhook;
import dev.qabridge.github.GitHubEvents;
import dev.qabridge.gitlab.GitLabEvents;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.priming.Priming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Lambda entry for {@code POST /webhooks/{platform}} behind an HTTP API (payload format 2.0). It reads
 * the API Gateway event itself (a stream handler: no event classes, no reflection) and answers
 * {@code {statusCode, headers, body}}.
 */
public final class WebhookHandler implements RequestStreamHandler {
    private final Webhook webhook;
    /** Held so CRaC (which references hooks weakly) runs them around the SnapStart snapshot. */
    private final SnapStartHooks snapStart;

    public WebhookHandler() {
        this(Env.system());
    }

    public WebhookHandler(Env env) {
        this(new Bridge(env));
    }

    public WebhookHandler(Bridge bridge) {
        this.webhook = bridge.webhook();
        this.snapStart = SnapStartHooks.register(bridge.secretsLoader(), Priming.webhook());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JsonHttp.JSON.readTree(input);
        JsonHttp.JSON.writeValue(output, respond(event));
    }

    /** The answer to one API Gateway (payload 2.0) event. */
    public ObjectNode respond(JsonNode event) {
        Map<String, String> headers = new HashMap<>();
        event.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue().asText()));
        String raw = event.path("body").asText("");
        String path = event.path("rawPath").asText("");
        String request = event.path("requestContext").path("requestId").asText("");
        Answer answer;
        // GitLab's deliveries go by their Idempotency-Key (or event UUID), GitHub's by X-GitHub-Delivery
        String delivery = path.equals("/webhooks/gitlab") ? GitLabEvents.deliveryId(headers) : GitHubEvents.deliveryId(headers);
        try (Log.Scope scope = Log.scope(delivery, null, null)) {
            byte[] body = event.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
            answer = webhook.handle(path, headers, body, request.isEmpty() ? UUID.randomUUID().toString() : request);
        } catch (IllegalArgumentException notBase64) {
            answer = Answer.of(400, "error", "the body is marked base64 but is not");
        } catch (RuntimeException e) {
            Log.warn("webhook.failed", delivery, null, "error", e.getClass().getSimpleName(), "message", e.getMessage());
            answer = Answer.of(500, "error", "qa-bridge failed on this delivery (" + e.getClass().getSimpleName()
                    + "); it is logged with the delivery id and nothing was started: redeliver it once the cause is fixed");
        }
        ObjectNode response = JsonHttp.JSON.createObjectNode();
        response.put("statusCode", answer.status());
        response.putObject("headers").put("Content-Type", "application/json");
        response.put("body", answer.body().toString());
        return response;
    }
}
