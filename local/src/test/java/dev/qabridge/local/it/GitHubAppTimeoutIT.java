package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** In App mode, a conversation that never finishes completes its check run as timed_out (the timeout is 3 s here). */
class GitHubAppTimeoutIT {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClassAsApp(Map.of("QA_TIMEOUT_MINUTES", "0.05"));

    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(fx.fakes.github));
    }

    @Test
    void completesTheCheckRunAsTimedOutWhenTheAgentNeverFinishes() throws Exception {
        String chat = "chat_app_slow1";
        String conversation = "https://app.qa.tech/p/proj_demo/chat/" + chat;
        Stubs.github(fx.fakes.github, "https://pr-7.preview.example.com");
        Stubs.checkRuns(fx.fakes.github, GitHubPayloads.REPO);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa explore everything"), 101));
        String run = GitHubPayloads.runId(answer);
        DescribeExecutionResponse end = fx.awaitEnd(run);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("TIMED_OUT");
        List<LoggedRequest> created = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo("/repos/acme/shop/check-runs")));
        assertThat(created).hasSize(1);
        JsonNode started = Scenarios.json(created.get(0).getBodyAsString());
        assertThat(started.path("status").asText()).isEqualTo("in_progress");
        assertThat(started.path("details_url").asText()).isEqualTo(conversation);
        assertThat(started.path("external_id").asText()).isEqualTo(run);
        List<LoggedRequest> updated = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(
                "/repos/acme/shop/check-runs/" + Stubs.CHECK_RUN_ID)));
        assertThat(updated).hasSize(1);
        JsonNode completed = Scenarios.json(updated.get(0).getBodyAsString());
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("conclusion").asText()).isEqualTo("timed_out");
        assertThat(completed.path("details_url").asText()).isEqualTo(conversation);
        assertThat(completed.path("external_id").asText()).isEqualTo(run);
        assertThat(completed.path("output").path("title").asText()).contains("Timed out");
        assertThat(completed.path("output").path("summary").asText()).contains("explore everything");
        assertThat(completed.path("output").has("text")).as("no answer to show").isFalse();
        fx.fakes.github.verify(0, anyRequestedFor(urlPathMatching("/repos/.*/statuses/.*")));
        assertThat(fx.fakes.github.findAll(anyRequestedFor(urlPathMatching("/repos/.*"))))
                .allSatisfy(r -> assertThat(GitHubAppFake.installationOf(r)).contains(101L));
    }
}
