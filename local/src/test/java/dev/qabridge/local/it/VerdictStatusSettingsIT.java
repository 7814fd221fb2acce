package dev.qabridge.local.it;

import dev.qabridge.local.it.CommitStatuses.Sent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * {@code QA_STATUS_CONTEXT} names the status on both platforms, and {@code QA_STATUS_ON_NO_VERDICT=success}
 * lets an answer without a verdict pass, and nothing else: a FAIL still fails, an agent failure still
 * errors, and a repository's {@code status.onNoVerdict: error} takes the leniency back.
 */
class VerdictStatusSettingsIT {
    private static final String CONTEXT = "QA / preview";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("QA_STATUS_CONTEXT", CONTEXT, "QA_STATUS_ON_NO_VERDICT", "success"));

    @Test
    void anAnswerWithoutAVerdictPostsSuccessUnderTheConfiguredContextOnGitHub() throws Exception {
        String chat = "chat_vss_none1";
        githubCommand(chat, "/qa look at the cart", Stubs.finished(chat, "COMPLETED", "The cart page loads."));

        String url = VerdictStatusIT.chatUrl(chat);
        List<String> fields = List.of("state", "context", "description", "target_url");
        assertThat(CommitStatuses.github(fx.fakes.github)).containsExactly(
                new Sent(GitHubPayloads.SHA, "pending", CONTEXT, "QA.tech's agent is testing: look at the cart", url, fields),
                new Sent(GitHubPayloads.SHA, "success", CONTEXT, "QA finished without a verdict: look at the cart", url, fields));
        GitHubRestSpec.get().assertConforms(CommitStatuses.requests(fx.fakes.github, CommitStatuses.GITHUB));
    }

    @Test
    void aFailStillPostsFailure() throws Exception {
        String chat = "chat_vss_fail1";
        githubCommand(chat, "/qa check the total", Stubs.failedVerdict(chat, "The total is wrong."));

        assertThat(CommitStatuses.github(fx.fakes.github)).extracting(Sent::state, Sent::context)
                .containsExactly(tuple("pending", CONTEXT), tuple("failure", CONTEXT));
    }

    @Test
    void anAgentFailureStillPostsError() throws Exception {
        String chat = "chat_vss_agentfail1";
        githubCommand(chat, "/qa check the total", Stubs.finished(chat, "FAILED", "The browser crashed."));

        assertThat(CommitStatuses.states(CommitStatuses.github(fx.fakes.github))).containsExactly("pending", "error");
    }

    @Test
    void anAnswerWithoutAVerdictPostsSuccessUnderTheConfiguredNameOnGitLab() throws Exception {
        String chat = "chat_vss_gl_none1";
        GitLabStubs.gitlab(fx.fakes.gitlab);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.finished(chat, "COMPLETED", "The cart page loads."));

        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("/qa look at the cart --url https://mr-7.review.example.dev"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        fx.awaitEnd(GitLabPayloads.runId(answer));

        String url = VerdictStatusIT.chatUrl(chat);
        List<String> fields = List.of("state", "name", "description", "target_url");
        assertThat(CommitStatuses.gitlab(fx.fakes.gitlab)).containsExactly(
                new Sent(GitLabPayloads.SHA, "running", CONTEXT, "QA.tech's agent is testing: look at the cart", url, fields),
                new Sent(GitLabPayloads.SHA, "success", CONTEXT, "QA finished without a verdict: look at the cart", url, fields));
    }

    @Test
    void aRepositorySayingOnNoVerdictErrorOverridesTheBridgesLeniency() throws Exception {
        String repo = "acme/strict-shop";
        String pull = Stubs.pull(repo, 7, GitHubPayloads.SHA, "octocat", "MEMBER", repo, "Cart: recompute totals", "Totals.");
        Stubs.writableRepo(fx.fakes.github, repo);
        Stubs.settingsFile(fx.fakes.github, repo, "status:\n  onNoVerdict: error\n");
        Stubs.commitPulls(fx.fakes.github, repo, GitHubPayloads.SHA, pull);
        Stubs.pullRequest(fx.fakes.github, repo, 7, pull);
        String chat = "chat_vss_strict1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.finished(chat, "COMPLETED", "Nothing obviously broken."));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 8001, GitHubPayloads.SHA, "Preview", "success", Scenarios.PREVIEW));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        fx.awaitEnd("github-d8001-7");

        assertThat(CommitStatuses.github(fx.fakes.github)).extracting(Sent::state, Sent::context)
                .containsExactly(tuple("pending", CONTEXT), tuple("error", CONTEXT));
    }

    private static void githubCommand(String chat, String comment, Stubs.Answer... polls) throws Exception {
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, polls);
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command(comment));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        fx.awaitEnd(GitHubPayloads.runId(answer));
    }
}
