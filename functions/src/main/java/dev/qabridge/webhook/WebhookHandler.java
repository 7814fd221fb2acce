package dev.qabridge.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qabridge.core.Env;
import dev.qabridge.core.Log;
import dev.qabridge.flow.Answer;
import dev.qabridge.flow.Bridge;
import dev.qabridge.flow.GitHubDeliveries;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Lambda entry for {@code POST /webhooks/{platform}} behind an HTTP API (payload format 2.0). */
public final class WebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final GitHubDeliveries github;

    public WebhookHandler() {
        this(Env.system());
    }

    public WebhookHandler(Env env) {
        this(new Bridge(env));
    }

    public WebhookHandler(Bridge bridge) {
        var secrets = bridge.secrets();
        if (secrets.githubWebhookSecret().isEmpty() && secrets.gitlabWebhookSecret().isEmpty()) {
            throw new Env.MissingSettingException("GITHUB_WEBHOOK_SECRET (or GITLAB_WEBHOOK_SECRET)");
        }
        this.github = bridge.githubDeliveries();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        }
        String raw = event.getBody() == null ? "" : event.getBody();
        byte[] body = event.getIsBase64Encoded() ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
        String path = event.getRawPath() == null ? "" : event.getRawPath();
        Answer answer;
        try {
            answer = switch (path) {
                case "/webhooks/github" -> github.handle(headers, body);
                default -> Answer.of(404, "error", "no webhook at " + path + ": use /webhooks/github or /webhooks/gitlab");
            };
        } catch (RuntimeException e) {
            Log.warn("webhook.failed", headers.get("x-github-delivery"), null, "error", e.getClass().getSimpleName(), "message", e.getMessage());
            answer = Answer.of(500, "error", "qa-bridge failed on this delivery: " + e.getClass().getSimpleName()
                    + "; it is logged with the delivery id");
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(answer.status())
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(answer.body().toString())
                .build();
    }
}
