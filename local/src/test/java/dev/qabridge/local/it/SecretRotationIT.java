package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.aws.SecretsLoader;
import dev.qabridge.core.Secrets;
import dev.qabridge.github.GitHubSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Secrets rotate without a redeploy or a restart: the stack reads its credentials from moto's Secrets
 * Manager as it does in AWS (one secret per concern), with a 2 s TTL. A rotated webhook secret is
 * accepted after the TTL while the previous one still is (the grace window), until the previous one is
 * removed; a rotated QA.tech key is what the agent's API sees after the TTL.
 */
class SecretRotationIT {
    private static final Duration TTL = Duration.ofSeconds(2);
    /** Comfortably past the TTL on a busy machine; the waits poll, so a fast pick-up ends them early. */
    private static final Duration PICK_UP = Duration.ofSeconds(30);
    private static final String OLD_HOOK = GitHubPayloads.SECRET;
    private static final String NEW_HOOK = "it-webhook-secret-rotated";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of(SecretsLoader.TTL_SETTING, String.valueOf(TTL.toSeconds())),
            LocalStack.SecretSource.SECRETS_MANAGER);

    private final List<String> runs = new ArrayList<>();

    /** Puts the secrets back as the stack started, and waits until the stack reads them, so tests do not depend on their order. */
    @AfterEach
    void restoreSecrets() {
        awaitRuns();
        fx.stack.putSecretValue(SecretsLoader.WEBHOOK_SECRET_ARN, webhookSecrets(Map.of()));
        fx.stack.putSecretValue(SecretsLoader.AGENT_SECRET_ARN, Map.of(Secrets.QATECH_API_KEY, "it-qatech-key"));
        await().atMost(PICK_UP).pollInterval(Duration.ofMillis(500)).until(() -> pingSignedWith(OLD_HOOK) == 200
                && deliverGitLabEditWith(GitLabPayloads.SECRET) == 200);
    }

    @Test
    void theHandlersReadSecretsManagerNotTheirEnvironment() {
        Map<String, String> env = fx.stack.environment();
        assertThat(env).containsKeys(SecretsLoader.WEBHOOK_SECRET_ARN, SecretsLoader.PLATFORM_SECRET_ARN, SecretsLoader.AGENT_SECRET_ARN);
        assertThat(env.get(SecretsLoader.AGENT_SECRET_ARN)).startsWith("arn:aws:secretsmanager:");
        for (String key : List.of(Secrets.QATECH_API_KEY, Secrets.GITHUB_TOKEN, Secrets.GITHUB_WEBHOOK_SECRET, Secrets.GITLAB_TOKEN)) {
            assertThat(env).doesNotContainKey(key);
        }
    }

    @Test
    void aRotatedGitHubWebhookSecretIsAcceptedBesideThePreviousOneUntilThatIsRemoved() throws Exception {
        Stubs.github(fx.fakes.github, null);
        assertThat(deliverSignedWith(OLD_HOOK).statusCode()).isEqualTo(202);

        // Step 1 of a rotation: the new secret in the bridge, the old one kept as PREVIOUS.
        fx.stack.putSecretValue(SecretsLoader.WEBHOOK_SECRET_ARN, webhookSecrets(Map.of(
                Secrets.GITHUB_WEBHOOK_SECRET, NEW_HOOK, Secrets.GITHUB_WEBHOOK_SECRET_PREVIOUS, OLD_HOOK)));

        await().atMost(PICK_UP).pollInterval(Duration.ofMillis(500))
                .until(() -> deliverSignedWith(NEW_HOOK).statusCode(), status -> status == 202);
        // GitHub may still sign with the old secret until the hook's setting is saved: the grace window.
        assertThat(deliverSignedWith(OLD_HOOK).statusCode()).isEqualTo(202);

        // Step 3: GitHub signs with the new secret, so PREVIOUS goes.
        fx.stack.putSecretValue(SecretsLoader.WEBHOOK_SECRET_ARN, webhookSecrets(Map.of(Secrets.GITHUB_WEBHOOK_SECRET, NEW_HOOK)));

        HttpResponse<String> refused = await().atMost(PICK_UP).pollInterval(Duration.ofMillis(500))
                .until(() -> deliverSignedWith(OLD_HOOK), answer -> answer.statusCode() != 202);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("secret");
        assertThat(deliverSignedWith(NEW_HOOK).statusCode()).isEqualTo(202);
    }

    @Test
    void aRotatedGitLabSecretTokenIsAcceptedBesideThePreviousOne() throws Exception {
        GitLabStubs.gitlab(fx.fakes.gitlab);
        GitLabStubs.noDeployments(fx.fakes.gitlab);
        String rotated = "it-gitlab-token-rotated";
        assertThat(deliverGitLabWith(GitLabPayloads.SECRET).statusCode()).isEqualTo(202);

        fx.stack.putSecretValue(SecretsLoader.WEBHOOK_SECRET_ARN, webhookSecrets(Map.of(
                Secrets.GITLAB_WEBHOOK_SECRET, rotated, Secrets.GITLAB_WEBHOOK_SECRET_PREVIOUS, GitLabPayloads.SECRET)));

        await().atMost(PICK_UP).pollInterval(Duration.ofMillis(500))
                .until(() -> deliverGitLabWith(rotated).statusCode(), status -> status == 202);
        assertThat(deliverGitLabWith(GitLabPayloads.SECRET).statusCode()).isEqualTo(202);

        fx.stack.putSecretValue(SecretsLoader.WEBHOOK_SECRET_ARN, webhookSecrets(Map.of(Secrets.GITLAB_WEBHOOK_SECRET, rotated)));

        await().atMost(PICK_UP).pollInterval(Duration.ofMillis(500))
                .until(() -> deliverGitLabWith(GitLabPayloads.SECRET).statusCode(), status -> status == 401);
        assertThat(deliverGitLabWith(rotated).statusCode()).isEqualTo(202);
    }

    @Test
    void aRotatedQaTechKeyIsWhatTheAgentsApiSeesAfterTheTtl() throws Exception {
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
        Stubs.chatStarted(fx.fakes.qatech, "chat_rotate");
        Stubs.chatPolls(fx.fakes.qatech, "chat_rotate", Stubs.finished("chat_rotate", "COMPLETED", "ok"));
        String before = startRunAndReadItsKey();
        assertThat(before).isEqualTo("Bearer it-qatech-key");

        fx.stack.putSecretValue(SecretsLoader.AGENT_SECRET_ARN, Map.of(Secrets.QATECH_API_KEY, "it-qatech-key-rotated"));

        // Each look is one whole run: the key is read when the run starts its conversation.
        await().atMost(PICK_UP.multipliedBy(2)).pollInterval(Duration.ofMillis(200))
                .until(this::startRunAndReadItsKey, "Bearer it-qatech-key-rotated"::equals);
    }

    /** A {@code /qa help} comment (a fresh comment id each time) signed with {@code secret}. */
    private HttpResponse<String> deliverSignedWith(String secret) throws Exception {
        ObjectNode payload = GitHubPayloads.command("/qa help");
        byte[] body = payload.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> answer = GitHubPayloads.send(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), body,
                GitHubSignature.sign(secret, body));
        if (answer.statusCode() == 202) {
            runs.add(GitHubPayloads.runId(answer));
        }
        return answer;
    }

    /** GitHub's {@code ping} signed with {@code secret}: 200 once the signature is accepted, and nothing is started. */
    private static int pingSignedWith(String secret) throws Exception {
        byte[] body = "{\"zen\": \"Keep it logically awesome.\", \"hook_id\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return GitHubPayloads.send(fx.url(), "ping", GitHubPayloads.newDelivery(), body, GitHubSignature.sign(secret, body)).statusCode();
    }

    /** An edited note (ignored, so nothing is started) carrying {@code token}: 200 once the token is accepted. */
    private static int deliverGitLabEditWith(String token) throws Exception {
        ObjectNode edit = GitLabPayloads.note("update", "/qa help", "MergeRequest", false, GitLabPayloads.DEVELOPER_ID,
                GitLabPayloads.DEVELOPER);
        return GitLabPayloads.send(fx.url(), "Note Hook", GitLabPayloads.newDelivery(), GitLabPayloads.bytes(edit),
                Map.of("X-Gitlab-Token", token)).statusCode();
    }

    /** A {@code /qa help} note carrying {@code token} as its X-Gitlab-Token. */
    private HttpResponse<String> deliverGitLabWith(String token) throws Exception {
        HttpResponse<String> answer = GitLabPayloads.send(fx.url(), "Note Hook", GitLabPayloads.newDelivery(),
                GitLabPayloads.bytes(GitLabPayloads.command("/qa help")), Map.of("X-Gitlab-Token", token));
        if (answer.statusCode() == 202) {
            runs.add(GitLabPayloads.runId(answer));
        }
        return answer;
    }

    /** Starts a run and returns the Authorization its conversation was started with. */
    private String startRunAndReadItsKey() throws Exception {
        int seen = chatStarts().size();
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        assertThat(answer.statusCode()).isEqualTo(202);
        String run = GitHubPayloads.runId(answer);
        runs.add(run);
        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LoggedRequest> starts = chatStarts();
        assertThat(starts).hasSize(seen + 1);
        return starts.get(starts.size() - 1).getHeader("Authorization");
    }

    private static List<LoggedRequest> chatStarts() {
        return fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    /** The webhook secret as the stack started with it, with {@code changes} applied (GitHub's and GitLab's live together). */
    private static Map<String, String> webhookSecrets(Map<String, String> changes) {
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                Secrets.GITHUB_WEBHOOK_SECRET, OLD_HOOK,
                Secrets.GITLAB_WEBHOOK_SECRET, GitLabPayloads.SECRET,
                Secrets.GITLAB_WEBHOOK_SIGNING_TOKEN, GitLabPayloads.SIGNING_TOKEN));
        all.putAll(changes);
        return all;
    }

    /** Every run this test started has ended, so none outlives it into the next test's fakes. */
    private void awaitRuns() {
        runs.forEach(fx::awaitEnd);
        runs.clear();
    }
}
