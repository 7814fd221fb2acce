package dev.qabridge.local.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never reach logs, comments or the state machine: a whole run (and a refused one) with every
 * log line captured, the execution's input and history read back, and the fakes' received comments.
 */
class SecretsStayOutIT {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("VERCEL_AUTOMATION_BYPASS_SECRET", "it-vercel-bypass"));

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @Test
    void noSecretAppearsInLogsCommentsOrTheExecution() throws Exception {
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);   // a *.vercel.app preview: the bypass secret applies
        Stubs.chatStarted(fx.fakes.qatech, "chat_secret1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_secret1", Stubs.running("chat_secret1"), Stubs.passed("chat_secret1", "ok"));
        String delivery = GitHubPayloads.newDelivery();
        String run = GitHubPayloads.runId(GitHubPayloads.deliver(fx.url(), "issue_comment", delivery, GitHubPayloads.command("/qa check the cart")));
        String help = GitHubPayloads.runId(GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa help")));
        fx.awaitEnd(run);
        fx.awaitEnd(help);

        // the agent, and only the agent, gets the bypass
        String agentUrl = Scenarios.json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString())
                .path("applicationOverrides").get(0).path("environment").path("url").asText();
        assertThat(agentUrl).isEqualTo(Scenarios.PREVIEW + "?x-vercel-protection-bypass=it-vercel-bypass&x-vercel-set-bypass-cookie=true");
        String arn = fx.executionArn(run);
        // The SDK's toString() hides inputs and outputs as sensitive: ExecutionText reads their real text
        String execution = ExecutionText.of(fx.sfn, arn);
        String comments = String.join("\n", fx.fakes.github.getAllServeEvents().stream()
                .map(e -> e.getRequest().getBodyAsString()).toList());
        String logLines = logs.text();

        assertThat(logLines).contains("\"step\":\"reply.posted\"", "\"delivery\":\"" + delivery, "\"conversation\":\"chat_secret1\"");
        assertThat(comments).contains(Scenarios.PREVIEW, "QA passed");
        assertThat(execution).as("the history is really read").contains("chat_secret1", "check the cart");
        for (String secret : List.of("it-qatech-key", "it-github-token", GitHubPayloads.SECRET, GitLabPayloads.TOKEN,
                GitLabPayloads.SECRET, "it-vercel-bypass")) {
            assertThat(logLines).as("logs").doesNotContain(secret);
            assertThat(comments).as("comments").doesNotContain(secret);
            assertThat(execution).as("state machine input and history").doesNotContain(secret);
        }
    }
}
