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
import dev.qabridge.flow.GitLabDeliveries;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Lambda entry for {@code POST /webhooks/{platform}} behind an HTTP API (payload format 2.0). */
public final class WebhookHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Optional<GitHubDeliveries> github;
    private final Optional<GitLabDeliveries> gitlab;

    public WebhookHandler() {
        this(Env.system());
    }

    public WebhookHandler(Env env) {
        this(new Bridge(env));
    }

    public WebhookHandler(Bridge bridge) {
        if (!bridge.githubConfigured() && !bridge.gitlabConfigured()) {
            throw new Env.MissingSettingException("GITHUB_WEBHOOK_SECRET (or GITLAB_WEBHOOK_SECRET)");
        }
        // Only a platform whose webhook secret is set is served, and only its token is required (here, at init).
        this.github = bridge.githubConfigured() ? Optional.of(bridge.githubDeliveries()) : Optional.empty();
        this.gitlab = bridge.gitlabConfigured() ? Optional.of(bridge.gitlabDeliveries()) : Optional.empty();
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
                case "/webhooks/github" -> github.map(g -> g.handle(headers, body)).orElseGet(() ->
                        Answer.unauthorized("GitHub webhooks are not configured: set GITHUB_WEBHOOK_SECRET on the bridge"));
                case "/webhooks/gitlab" -> gitlab.map(g -> g.handle(headers, body)).orElseGet(() ->
                        Answer.unauthorized("GitLab webhooks are not configured: set GITLAB_WEBHOOK_SECRET on the bridge"));
                default -> Answer.of(404, "error", "no webhook at " + path + ": use /webhooks/github or /webhooks/gitlab");
            };
        } catch (RuntimeException e) {
            String delivery = path.equals("/webhooks/gitlab") ? GitLabDeliveries.deliveryId(headers) : headers.get("x-github-delivery");
            Log.warn("webhook.failed", delivery, null, "error", e.getClass().getSimpleName(), "message", e.getMessage());
            answer = Answer.of(500, "error", "qa-bridge failed on this delivery: " + e.getClass().getSimpleName()
                    + "; it is logged with the delivery id, and nothing was kept: redeliver it once the cause is fixed");
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(answer.status())
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(answer.body().toString())
                .build();
    }
}
