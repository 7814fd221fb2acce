package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.local.it.CommitStatuses.Sent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 19 on GitHub with a token: a merge group's commit gets the queued PR's QA result as the commit
 * status {@code qa-bridge} ({@code QA_STATUS_CONTEXT}) within seconds, exactly once, and no agent runs.
 * Mirror (the default) for a PR whose head passed, failed, had no run, or moved on since its pass, and a
 * queue ref naming no PR; pass and off from the repository's settings file. Each test has a repository
 * of its own, so each PR's ledger holds only what the test did; its requests are checked against GitHub's
 * REST description afterwards.
 */
class MergeQueueIT {
    private static final String HEAD = GitHubPayloads.SHA;
    private static final String NEWER = "ffeeddccbbaa99887766554433221100ffeeddcc";
    private static final List<String> FIELDS = List.of("state", "context", "description", "target_url");
    private static final String AGAIN = "; comment /qa …, then queue it again";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(fx.fakes.github));
    }

    @Test
    void aQueuedPullRequestWhoseHeadPassedGetsSuccessOnTheGroupsCommitWithinSeconds() throws Exception {
        String repo = pullRequest("mq-passed");
        String chat = "chat_mq_passed1";
        qa(repo, chat, Stubs.passed(chat, "The cart total updated."));
        String group = group(1);

        Instant delivered = Instant.now();
        Report report = queue(repo, MergeQueuePayloads.queueRef(7), group);

        assertThat(report.statuses()).containsExactly(
                new Sent(group, "success", "qa-bridge", "QA passed on 6dcb09b of #7", VerdictStatusIT.chatUrl(chat), FIELDS));
        Instant reported = report.requests().get(0).getLoggedDate().toInstant();
        assertThat(Duration.between(delivered, reported)).as("from the delivery to the status on the group's commit")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(report.output().path("mergeQueue").path("headSha").asText()).isEqualTo(HEAD);
        GitHubRestSpec.get().assertConforms(report.requests());
    }

    @Test
    void aQueuedPullRequestWhoseHeadFailedGetsAFailureSayingWhatTheLatestRunFound() throws Exception {
        String repo = pullRequest("mq-failed");
        String chat = "chat_mq_failed1";
        qa(repo, chat, Stubs.failedVerdict(chat, "The total stayed at $20.00."));
        String group = group(2);

        Report report = queue(repo, MergeQueuePayloads.queueRef(7), group);

        assertThat(report.statuses()).containsExactly(new Sent(group, "failure", "qa-bridge",
                "no passing QA run on 6dcb09b of #7 (latest: QA found a problem)" + AGAIN, pullUrl(repo), FIELDS));
    }

    @Test
    void aQueuedPullRequestTheBridgeNeverRanOnGetsAFailureAndNoAgentRunStarts() throws Exception {
        String repo = pullRequest("mq-never");
        String group = group(3);

        Report report = queue(repo, MergeQueuePayloads.queueRef(7), group);

        assertThat(report.statuses()).containsExactly(new Sent(group, "failure", "qa-bridge",
                "no passing QA run on 6dcb09b of #7" + AGAIN, pullUrl(repo), FIELDS));
        assertThat(fx.fakes.qatech.findAll(allRequests())).as("QA.tech: no agent runs for a merge group").isEmpty();
        assertThat(fx.fakes.github.findAll(allRequests())).extracting(r -> r.getMethod().getName() + " " + r.getUrl().replaceFirst("\\?.*", ""))
                .as("a settings file and the PR read, one status written: no comment, no reaction")
                .containsExactlyInAnyOrder("GET /repos/" + repo + "/contents/.github/qa-bridge.yml", "GET /repos/" + repo + "/pulls/7",
                        "POST /repos/" + repo + "/statuses/" + group);
    }

    @Test
    void aPullRequestWhoseHeadMovedOnSinceItsPassGetsAFailureNamingBothCommits() throws Exception {
        String repo = pullRequest("mq-moved");
        String chat = "chat_mq_moved1";
        qa(repo, chat, Stubs.passed(chat, "All good."));
        Stubs.pullRequest(fx.fakes.github, repo, 7, Stubs.pull(repo, 7, NEWER, "octocat", "MEMBER", repo, "Cart: recompute totals", ""));
        String group = group(4);

        Report report = queue(repo, MergeQueuePayloads.queueRef(7), group);

        assertThat(report.statuses()).containsExactly(new Sent(group, "failure", "qa-bridge",
                "no passing QA run on ffeeddc of #7 (it passed on 6dcb09b; the head has moved since)" + AGAIN, pullUrl(repo), FIELDS));
    }

    @Test
    void aGroupWhoseRefNamesNoPullRequestGetsAFailureSayingSoRatherThanSilence() throws Exception {
        String repo = pullRequest("mq-noref");
        String group = group(5);

        Report report = queue(repo, "refs/heads/gh-readonly-queue/main/batch-17", group, "github-q0-" + group);

        assertThat(report.statuses()).containsExactly(new Sent(group, "failure", "qa-bridge",
                "the merge group's ref refs/heads/gh-readonly-queue/main/batch-17 names no pull request: qa-bridge has no QA result to mirror",
                null, List.of("state", "context", "description")));
    }

    @Test
    void aPullRequestGitHubCannotFindGetsAFailureNamingTheAnswer() throws Exception {
        String repo = "acme/mq-gone";
        Stubs.writableRepo(fx.fakes.github, repo);
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"message\": \"Not Found\", \"status\": \"404\"}")));
        String group = group(6);

        Report report = queue(repo, MergeQueuePayloads.queueRef(7), group);

        assertThat(report.statuses()).extracting(Sent::state, Sent::description).containsExactly(org.assertj.core.groups.Tuple.tuple("failure",
                "no passing QA run found for #7: qa-bridge could not read its head commit (GitHub answered 404: Not Found)"));
    }

    @Test
    void passModeFromTheSettingsFileAlwaysReportsSuccessWithoutReadingThePullRequest() throws Exception {
        String repo = pullRequest("mq-pass");
        Stubs.settingsFile(fx.fakes.github, repo, "mergeQueue:\n  mode: pass\n");
        String group = group(7);

        Report report = queue(repo, MergeQueuePayloads.queueRef(7), group);

        assertThat(report.statuses()).containsExactly(new Sent(group, "success", "qa-bridge", "QA ran on the PR before it was queued", null,
                List.of("state", "context", "description")));
        fx.fakes.github.verify(0, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/pulls/7")));
    }

    @Test
    void offModeFromTheSettingsFileStartsNothingAndSaysNotToRequireTheCheck() throws Exception {
        String repo = pullRequest("mq-off");
        Stubs.settingsFile(fx.fakes.github, repo, "mergeQueue:\n  mode: off\n");
        String group = group(8);

        HttpResponse<String> answer = deliver(repo, "checks_requested", MergeQueuePayloads.queueRef(7), group);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(answer.body()).path("ignored").asText()).isEqualTo("the merge queue gets no status from qa-bridge "
                + "(QA_MERGE_QUEUE or mergeQueue.mode is off): do not require qa-bridge with a merge queue");
        assertThatThrownBy(() -> fx.sfn.describeExecution(r -> r.executionArn(fx.executionArn("github-q7-" + group))))
                .isInstanceOf(ExecutionDoesNotExistException.class);
        assertThat(CommitStatuses.github(fx.fakes.github)).isEmpty();
    }

    @Test
    void aRedeliveryReportsOnceAndADestroyedGroupOrAQueueBranchsDeploymentStartsNothing() throws Exception {
        String repo = pullRequest("mq-again");
        String group = group(9);
        queue(repo, MergeQueuePayloads.queueRef(7), group);

        HttpResponse<String> again = deliver(repo, "checks_requested", MergeQueuePayloads.queueRef(7), group);
        HttpResponse<String> destroyed = deliver(repo, "destroyed", MergeQueuePayloads.queueRef(7), group);
        var deployment = DeploymentPayloads.github(repo, 9009, group, "Preview", "success", "https://queue.vercel.app");
        ((com.fasterxml.jackson.databind.node.ObjectNode) deployment.path("deployment")).put("ref", "gh-readonly-queue/main/pr-7-"
                + MergeQueuePayloads.BASE_SHA);
        HttpResponse<String> queueDeployment = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(), deployment);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(again.body()).path("ignored").asText()).contains("already handled", "github-q7-" + group);
        assertThat(destroyed.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(destroyed.body()).path("ignored").asText())
                .isEqualTo("merge group destroyed (merged): only checks_requested asks qa-bridge for a status");
        assertThat(queueDeployment.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(queueDeployment.body()).path("ignored").asText()).contains("merge queue's branch", "not a run of its own");
        assertThat(CommitStatuses.github(fx.fakes.github)).hasSize(1);
        assertThatThrownBy(() -> fx.sfn.describeExecution(r -> r.executionArn(fx.executionArn("github-d9009-7"))))
                .isInstanceOf(ExecutionDoesNotExistException.class);
    }

    @Test
    void anUnsignedMergeGroupIsRefusedAsAnyDelivery() throws Exception {
        String repo = pullRequest("mq-unsigned");
        byte[] body = MergeQueuePayloads.mergeGroup("checks_requested", repo, MergeQueuePayloads.queueRef(7), group(10)).toString()
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> unsigned = GitHubPayloads.send(fx.url(), "merge_group", GitHubPayloads.newDelivery(), body, null);
        HttpResponse<String> forged = GitHubPayloads.send(fx.url(), "merge_group", GitHubPayloads.newDelivery(), body,
                dev.qabridge.github.GitHubSignature.sign("not-the-secret", body));

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(fx.fakes.github.findAll(allRequests())).isEmpty();
    }

    // ---- helpers

    /** Repository {@code acme/<name>} with PR #7 headed by {@link #HEAD}, its preview deployed, everything writable, no settings file. */
    private static String pullRequest(String name) {
        String repo = "acme/" + name;
        Stubs.writableRepo(fx.fakes.github, repo);
        Stubs.github(fx.fakes.github, repo, Scenarios.PREVIEW);
        return repo;
    }

    /** A merge group's commit, one per test: execution names are taken for good. */
    private static String group(int n) {
        return "ec26c3e57ca3a959ca5aad62de7213c562f8" + "%04d".formatted(n);
    }

    private static String pullUrl(String repo) {
        return "https://github.com/" + repo + "/pull/7";
    }

    /** A `/qa` on PR #7 of {@code repo} whose conversation answers {@code answer}; returns once its execution has ended. */
    private static void qa(String repo, String chat, Stubs.Answer answer) throws Exception {
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, answer);
        HttpResponse<String> started = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.onRepository(GitHubPayloads.command("/qa check the cart total"), repo));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(fx.awaitEnd(GitHubPayloads.runId(started)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    private static HttpResponse<String> deliver(String repo, String action, String headRef, String group) throws Exception {
        return GitHubPayloads.deliver(fx.url(), "merge_group", GitHubPayloads.newDelivery(),
                MergeQueuePayloads.mergeGroup(action, repo, headRef, group));
    }

    private static Report queue(String repo, String headRef, String group) throws Exception {
        return queue(repo, headRef, group, "github-q7-" + group);
    }

    /** Delivers {@code checks_requested} for the group, expects the report run {@code runId}, and returns what landed on the group's commit. */
    private static Report queue(String repo, String headRef, String group, String runId) throws Exception {
        HttpResponse<String> answer = deliver(repo, "checks_requested", headRef, group);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(Scenarios.json(answer.body()).path("run").asText()).isEqualTo(runId);
        assertThat(Scenarios.json(answer.body()).path("command").asText()).isEqualTo("mergequeue");
        DescribeExecutionResponse end = fx.awaitEnd(runId);
        assertThat(end.status()).as(end.output()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LoggedRequest> requests = CommitStatuses.requests(fx.fakes.github, "/repos/" + repo + "/statuses/" + group);
        List<Sent> statuses = CommitStatuses.github(fx.fakes.github).stream().filter(s -> s.sha().equals(group)).toList();
        return new Report(statuses, requests, Scenarios.json(end.output()));
    }

    /** What the report run left: the statuses on the group's commit, their requests, the execution's output. */
    private record Report(List<Sent> statuses, List<LoggedRequest> requests, JsonNode output) {}
}
