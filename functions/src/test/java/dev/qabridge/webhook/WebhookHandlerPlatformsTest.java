package dev.qabridge.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.actions.ActionsHandler;
import dev.qabridge.core.Env;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stack serves the platforms whose webhook secret it has, and needs only their tokens. Nothing
 * here reaches the network: AWS clients are built but never called, and the requests asked for
 * are refused before any platform is.
 */
class WebhookHandlerPlatformsTest {

    private static Map<String, String> base() {
        Map<String, String> env = new HashMap<>();
        env.put("QATECH_API_KEY", "k");
        env.put("QATECH_APPLICATION_ID", "app_shop");
        env.put("TABLE_NAME", "runs");
        env.put("STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:qa-bridge");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        return env;
    }

    @Test
    void aGitLabOnlyStackStartsWithoutGitHubSettingsAndRefusesGitHubDeliveries() {
        Map<String, String> env = base();
        env.put("GITLAB_TOKEN", "t");
        env.put("GITLAB_WEBHOOK_SECRET", "s");

        WebhookHandler handler = new WebhookHandler(new Env(env));

        JsonNode github = handler.respond(post("/webhooks/github", Map.of("x-github-event", "ping")));
        assertThat(github.path("statusCode").asInt()).isEqualTo(401);
        assertThat(github.path("body").asText()).contains("GitHub webhooks are not configured", "GITHUB_WEBHOOK_SECRET");
        JsonNode gitlab = handler.respond(post("/webhooks/gitlab", Map.of("x-gitlab-token", "wrong")));
        assertThat(gitlab.path("statusCode").asInt()).isEqualTo(401);
        assertThat(gitlab.path("body").asText()).contains("GITLAB_WEBHOOK_SECRET");
        assertThatCode(() -> new ActionsHandler(new Env(env))).doesNotThrowAnyException();
    }

    @Test
    void aGitHubOnlyStackStartsWithoutGitLabSettingsAndRefusesGitLabDeliveries() {
        Map<String, String> env = base();
        env.put("GITHUB_TOKEN", "t");
        env.put("GITHUB_WEBHOOK_SECRET", "s");

        WebhookHandler handler = new WebhookHandler(new Env(env));

        JsonNode gitlab = handler.respond(post("/webhooks/gitlab", Map.of("x-gitlab-token", "s")));
        assertThat(gitlab.path("statusCode").asInt()).isEqualTo(401);
        assertThat(gitlab.path("body").asText()).contains("GitLab webhooks are not configured", "GITLAB_WEBHOOK_SECRET");
    }

    @Test
    void aGitLabSecretWithoutAGitLabTokenFailsAtStartNamingIt() {
        Map<String, String> env = base();
        env.put("GITLAB_WEBHOOK_SECRET", "s");
        env.put("GITHUB_TOKEN", "t");

        assertThatThrownBy(() -> new WebhookHandler(new Env(env)))
                .isInstanceOf(Env.MissingSettingException.class)
                .hasMessageContaining("GITLAB_TOKEN");
    }

    @Test
    void aSigningTokenAloneIsEnoughToServeGitLab() {
        Map<String, String> env = base();
        env.put("GITLAB_TOKEN", "t");
        env.put("GITLAB_WEBHOOK_SIGNING_TOKEN", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        JsonNode r = new WebhookHandler(new Env(env))
                .respond(post("/webhooks/gitlab", Map.of("x-gitlab-token", "s")));

        assertThat(r.path("statusCode").asInt()).isEqualTo(401);
        assertThat(r.path("body").asText()).contains("missing webhook-signature");
    }

    @Test
    void refusesToStartWithNoWebhookSecretAtAll() {
        assertThatThrownBy(() -> new WebhookHandler(new Env(base())))
                .isInstanceOf(Env.MissingSettingException.class)
                .hasMessageContaining("GITHUB_WEBHOOK_SECRET (or GITLAB_WEBHOOK_SECRET)");
    }

    private static ObjectNode post(String path, Map<String, String> headers) {
        ObjectNode event = JsonHttp.JSON.createObjectNode().put("rawPath", path).put("body", "{}").put("isBase64Encoded", false);
        headers.forEach(event.putObject("headers")::put);
        return event;
    }
}
