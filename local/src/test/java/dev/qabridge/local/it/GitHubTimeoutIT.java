package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** A conversation that never finishes ends in one timeout reply (the timeout is 3 s here). */
class GitHubTimeoutIT {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("QA_TIMEOUT_MINUTES", "0.05"));

    @Test
    void repliesOnceWithATimeoutWhenTheAgentNeverFinishes() throws Exception {
        String chat = "chat_slow1";
        Stubs.github(fx.fakes.github, "https://pr-7.preview.example.com");
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat));
        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command("/qa explore everything"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JsonHttp.JSON.readTree(end.output()).path("reply").path("outcome").asText()).isEqualTo("TIMED_OUT");
        assertThat(JsonHttp.JSON.readTree(end.output()).path("poll").path("polls").asInt()).isGreaterThanOrEqualTo(1);
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathMatching("/repos/acme/shop/issues/comments/\\d+")));
        assertThat(edits).hasSize(1);
        assertThat(JsonHttp.JSON.readTree(edits.get(0).getBodyAsString()).path("body").asText())
                .contains("Timed out waiting for QA.tech", "https://app.qa.tech/p/proj_demo/chat/" + chat, "https://pr-7.preview.example.com");
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo("/repos/acme/shop/issues/7/comments")));
        assertThat(fx.fakes.github.findAll(postRequestedFor(urlPathMatching(".*/reactions"))).stream()
                .map(r -> r.getBodyAsString()).toList()).anyMatch(b -> b.contains("confused"));
    }
}
