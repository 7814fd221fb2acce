package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.local.it.CommitStatuses.Sent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A timeout is never a pass: the run that gives up on a conversation that never finishes ends its
 * commit status in {@code error} (GitHub) or {@code failed} (GitLab). The timeout is 3 s here.
 */
class VerdictStatusTimeoutIT {
    private static final List<String> GITHUB_FIELDS = List.of("state", "context", "description", "target_url");
    private static final List<String> GITLAB_FIELDS = List.of("state", "name", "description", "target_url");

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("QA_TIMEOUT_MINUTES", "0.05"));

    @Test
    void aTimedOutRunOnGitHubPostsPendingThenError() throws Exception {
        String chat = "chat_vs_slow1";
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa explore everything"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("TIMED_OUT");
        String url = VerdictStatusIT.chatUrl(chat);
        assertThat(CommitStatuses.github(fx.fakes.github)).containsExactly(
                new Sent(GitHubPayloads.SHA, "pending", "qa-bridge", "QA.tech's agent is testing: explore everything", url, GITHUB_FIELDS),
                new Sent(GitHubPayloads.SHA, "error", "qa-bridge", "Timed out waiting for QA.tech: explore everything", url, GITHUB_FIELDS));
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(Scenarios.STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        assertThat(BotText.headings(Scenarios.json(edits.get(0).getBodyAsString()).path("body").asText()))
                .containsExactly("### ⏱️ Timed out waiting for QA.tech");
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "confused");
        GitHubRestSpec.get().assertConforms(CommitStatuses.requests(fx.fakes.github, CommitStatuses.GITHUB));
    }

    @Test
    void aTimedOutRunOnGitLabPostsRunningThenFailed() throws Exception {
        String chat = "chat_vsgl_slow1";
        GitLabStubs.gitlab(fx.fakes.gitlab);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat));

        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("/qa explore everything --url https://mr-7.review.example.dev"));
        DescribeExecutionResponse end = fx.awaitEnd(GitLabPayloads.runId(answer));

        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("TIMED_OUT");
        String url = VerdictStatusIT.chatUrl(chat);
        assertThat(CommitStatuses.gitlab(fx.fakes.gitlab)).containsExactly(
                new Sent(GitLabPayloads.SHA, "running", "qa-bridge", "QA.tech's agent is testing: explore everything", url, GITLAB_FIELDS),
                new Sent(GitLabPayloads.SHA, "failed", "qa-bridge", "Timed out waiting for QA.tech: explore everything", url, GITLAB_FIELDS));
        List<LoggedRequest> edits = fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_NOTE)));
        assertThat(edits).hasSize(1);
        assertThat(BotText.headings(Scenarios.json(edits.get(0).getBodyAsString()).path("body").asText()))
                .containsExactly("### ⏱️ Timed out waiting for QA.tech");
    }
}
