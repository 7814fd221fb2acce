package dev.qabridge.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qabridge.core.Env;
import dev.qabridge.reply.ReplyHandler;
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

        APIGatewayV2HTTPResponse github = handler.handleRequest(post("/webhooks/github", Map.of("x-github-event", "ping")), null);
        assertThat(github.getStatusCode()).isEqualTo(401);
        assertThat(github.getBody()).contains("GitHub webhooks are not configured", "GITHUB_WEBHOOK_SECRET");
        APIGatewayV2HTTPResponse gitlab = handler.handleRequest(post("/webhooks/gitlab", Map.of("x-gitlab-token", "wrong")), null);
        assertThat(gitlab.getStatusCode()).isEqualTo(401);
        assertThat(gitlab.getBody()).contains("GITLAB_WEBHOOK_SECRET");
        assertThatCode(() -> new ReplyHandler(new Env(env))).doesNotThrowAnyException();
    }

    @Test
    void aGitHubOnlyStackStartsWithoutGitLabSettingsAndRefusesGitLabDeliveries() {
        Map<String, String> env = base();
        env.put("GITHUB_TOKEN", "t");
        env.put("GITHUB_WEBHOOK_SECRET", "s");

        WebhookHandler handler = new WebhookHandler(new Env(env));

        APIGatewayV2HTTPResponse gitlab = handler.handleRequest(post("/webhooks/gitlab", Map.of("x-gitlab-token", "s")), null);
        assertThat(gitlab.getStatusCode()).isEqualTo(401);
        assertThat(gitlab.getBody()).contains("GitLab webhooks are not configured", "GITLAB_WEBHOOK_SECRET");
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

        APIGatewayV2HTTPResponse r = new WebhookHandler(new Env(env))
                .handleRequest(post("/webhooks/gitlab", Map.of("x-gitlab-token", "s")), null);

        assertThat(r.getStatusCode()).isEqualTo(401);
        assertThat(r.getBody()).contains("missing webhook-signature");
    }

    @Test
    void refusesToStartWithNoWebhookSecretAtAll() {
        assertThatThrownBy(() -> new WebhookHandler(new Env(base())))
                .isInstanceOf(Env.MissingSettingException.class)
                .hasMessageContaining("GITHUB_WEBHOOK_SECRET (or GITLAB_WEBHOOK_SECRET)");
    }

    private static APIGatewayV2HTTPEvent post(String path, Map<String, String> headers) {
        return APIGatewayV2HTTPEvent.builder().withRawPath(path).withHeaders(headers).withBody("{}").withIsBase64Encoded(false).build();
    }
}
