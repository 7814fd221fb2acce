package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 with the bridge as a GitHub App: the merge group's commit gets one check run, created
 * completed, named {@code qa-bridge} like the PR's own (so the same required rule is met), through the
 * installation the delivery came from. Mirror for a PR whose head passed, failed, had no run, or moved on;
 * pass and off from the repository's settings file. Every request the App fake saw is checked against
 * GitHub's REST description after each test.
 */
class MergeQueueAppIT {
    private static final String NEWER = "ffeeddccbbaa99887766554433221100ffeeddcc";
    private static final List<String> CREATED = List.of("name", "external_id", "details_url", "status", "conclusion", "output", "head_sha");
    private static final String AGAIN = "; comment /qa …, then queue it again";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClassAsApp(Map.of());

    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(fx.fakes.github));
    }

    @Test
    void aHeadThatPassedGetsACompletedSuccessfulCheckRunOnTheGroupsCommit() throws Exception {
        String repo = pullRequest("app-mq-passed");
        String chat = "chat_appmq_passed1";
        qa(repo, 501, chat, Stubs.passed(chat, "The cart total updated."));
        String group = group(1);

        JsonNode check = queue(repo, 501, group);

        assertThat(fields(check)).containsExactlyElementsOf(CREATED);
        assertThat(check.path("name").asText()).isEqualTo("qa-bridge");
        assertThat(check.path("head_sha").asText()).isEqualTo(group);
        assertThat(check.path("external_id").asText()).isEqualTo("github-q7-" + group);
        assertThat(check.path("status").asText()).isEqualTo("completed");
        assertThat(check.path("conclusion").asText()).isEqualTo("success");
        assertThat(check.path("details_url").asText()).isEqualTo(VerdictStatusIT.chatUrl(chat));
        assertThat(check.path("output").path("title").asText()).isEqualTo("✅ QA passed on 6dcb09b of #7");
        assertThat(check.path("output").path("summary").asText()).startsWith("QA passed on 6dcb09b of #7\n\n")
                .contains("QA_MERGE_QUEUE=mirror");
        // the /qa run's check run was completed by PATCH; the group's was created completed, never patched
        assertThat(fx.fakes.github.findAll(patchRequestedFor(urlPathMatching("/repos/" + repo + "/check-runs/.*")))).hasSize(1);
    }

    @Test
    void aHeadThatFailedGetsAFailedCheckRunSayingWhatTheLatestRunFound() throws Exception {
        String repo = pullRequest("app-mq-failed");
        String chat = "chat_appmq_failed1";
        qa(repo, 502, chat, Stubs.failedVerdict(chat, "The total stayed at $20.00."));
        String group = group(2);

        JsonNode check = queue(repo, 502, group);

        assertThat(check.path("conclusion").asText()).isEqualTo("failure");
        assertThat(check.path("output").path("title").asText()).isEqualTo("❌ No passing QA run for #7");
        assertThat(check.path("output").path("summary").asText())
                .startsWith("no passing QA run on 6dcb09b of #7 (latest: QA found a problem)" + AGAIN + "\n\n");
        assertThat(check.path("details_url").asText()).isEqualTo("https://github.com/" + repo + "/pull/7");
    }

    @Test
    void aPullRequestTheBridgeNeverRanOnGetsAFailedCheckRun() throws Exception {
        String repo = pullRequest("app-mq-never");
        String group = group(3);

        JsonNode check = queue(repo, 503, group);

        assertThat(check.path("conclusion").asText()).isEqualTo("failure");
        assertThat(check.path("output").path("summary").asText()).startsWith("no passing QA run on 6dcb09b of #7" + AGAIN + "\n\n");
        assertThat(fx.fakes.qatech.findAll(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests())).isEmpty();
    }

    @Test
    void aHeadThatMovedOnSinceItsPassGetsAFailedCheckRun() throws Exception {
        String repo = pullRequest("app-mq-moved");
        String chat = "chat_appmq_moved1";
        qa(repo, 504, chat, Stubs.passed(chat, "All good."));
        Stubs.pullRequest(fx.fakes.github, repo, 7, Stubs.pull(repo, 7, NEWER, "octocat", "MEMBER", repo, "Cart: recompute totals", ""));
        String group = group(4);

        JsonNode check = queue(repo, 504, group);

        assertThat(check.path("conclusion").asText()).isEqualTo("failure");
        assertThat(check.path("output").path("summary").asText())
                .startsWith("no passing QA run on ffeeddc of #7 (it passed on 6dcb09b; the head has moved since)" + AGAIN);
    }

    @Test
    void passModeGetsASuccessfulCheckRunAndOffModeNone() throws Exception {
        String passing = pullRequest("app-mq-pass");
        Stubs.settingsFile(fx.fakes.github, passing, "mergeQueue:\n  mode: pass\n");
        String off = pullRequest("app-mq-off");
        Stubs.settingsFile(fx.fakes.github, off, "mergeQueue:\n  mode: off\n");

        JsonNode check = queue(passing, 505, group(5));
        HttpResponse<String> nothing = deliver(off, 506, group(6));

        assertThat(check.path("conclusion").asText()).isEqualTo("success");
        assertThat(check.path("output").path("title").asText()).isEqualTo("✅ QA ran on the PR before it was queued");
        assertThat(fields(check)).doesNotContain("details_url");
        assertThat(nothing.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(nothing.body()).path("ignored").asText()).contains("mergeQueue.mode is off", "do not require qa-bridge");
        assertThat(fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + off + "/check-runs")))).isEmpty();
    }

    @Test
    void aMergeGroupFromALeftoverRepositoryWebhookIsLeftToTheAppsOwnDelivery() throws Exception {
        String repo = pullRequest("app-mq-leftover");

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "merge_group", GitHubPayloads.newDelivery(),
                MergeQueuePayloads.mergeGroup("checks_requested", repo, MergeQueuePayloads.queueRef(7), group(7)));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(answer.body()).path("ignored").asText()).contains("without installation.id", "delete this webhook");
        assertThat(fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/check-runs")))).isEmpty();
    }

    // ---- helpers

    private static String pullRequest(String name) {
        String repo = "acme/" + name;
        Stubs.writableRepo(fx.fakes.github, repo);
        Stubs.github(fx.fakes.github, repo, Scenarios.PREVIEW);
        Stubs.checkRuns(fx.fakes.github, repo);
        return repo;
    }

    private static String group(int n) {
        return "ab26c3e57ca3a959ca5aad62de7213c562f8" + "%04d".formatted(n);
    }

    private static void qa(String repo, long installation, String chat, Stubs.Answer answer) throws Exception {
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, answer);
        HttpResponse<String> started = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.viaInstallation(GitHubPayloads.onRepository(GitHubPayloads.command("/qa check the cart total"), repo), installation));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(fx.awaitEnd(GitHubPayloads.runId(started)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    private static HttpResponse<String> deliver(String repo, long installation, String group) throws Exception {
        ObjectNode payload = MergeQueuePayloads.mergeGroup("checks_requested", repo, MergeQueuePayloads.queueRef(7), group);
        return GitHubPayloads.deliver(fx.url(), "merge_group", GitHubPayloads.newDelivery(), GitHubPayloads.viaInstallation(payload, installation));
    }

    /** Delivers the group through {@code installation}; returns the body of the one check run created on its commit, with that installation's token. */
    private static JsonNode queue(String repo, long installation, String group) throws Exception {
        HttpResponse<String> answer = deliver(repo, installation, group);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        DescribeExecutionResponse end = fx.awaitEnd("github-q7-" + group);
        assertThat(end.status()).as(end.output()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LoggedRequest> onGroup = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/check-runs"))).stream()
                .filter(r -> Scenarios.json(r.getBodyAsString()).path("head_sha").asText().equals(group)).toList();
        assertThat(onGroup).hasSize(1);
        assertThat(GitHubAppFake.installationOf(onGroup.get(0))).contains(installation);
        return Scenarios.json(onGroup.get(0).getBodyAsString());
    }

    private static List<String> fields(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
