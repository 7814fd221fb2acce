package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.qabridge.local.it.AutoRunGitHubIT.chatsStartInTurn;
import static dev.qabridge.local.it.AutoRunGitHubIT.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Skip rules of automatic runs on GitHub (token mode): each rule skips a deployment's run with success "Skipped: <reason>"
 * on the deployed commit (or nothing with {@code status.onSkip: none}), never a pending status that would wedge a required
 * check; the ledger and {@code /qa status} name the rule; a draft marked ready starts its deployment's run, once.
 */
class SkipRulesIT {
    private static final String SHA = GitHubPayloads.SHA;
    private static final String PREVIEW = "https://shop-git-feature-cart-totals-acme.vercel.app";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    private static WireMockServer github() {
        return fx.fakes.github;
    }

    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(github()));
    }

    /** PR 7 of {@code repo} as GitHub returns it, with the fields the skip rules read. */
    private static String pull(String repo, boolean draft, String userType, String base, String... labels) {
        String labelJson = java.util.Arrays.stream(labels).map(l -> "{\"id\": 1, \"name\": \"" + l + "\", \"color\": \"ededed\"}")
                .collect(Collectors.joining(",", "[", "]"));
        return """
                {"number": 7, "state": "open", "draft": %s, "title": "Cart: recompute totals", "body": "Totals.",
                 "user": {"login": "%s", "id": 1, "type": "%s"}, "author_association": "MEMBER", "labels": %s,
                 "html_url": "https://github.com/%s/pull/7", "head": {"sha": "%s", "ref": "feature/cart-totals", "repo": {"full_name": "%s"}},
                 "base": {"ref": "%s", "repo": {"full_name": "%s"}}}""".formatted(draft, userType.equals("Bot") ? "renovate[bot]" : "octocat",
                userType, labelJson, repo, SHA, repo, base, repo);
    }

    private static void stubPull(String repo, String pull) {
        AutoRunGitHubIT.stubRepo(github(), repo);
        Stubs.commitPulls(github(), repo, SHA, pull);
        Stubs.pullRequest(github(), repo, 7, pull);
    }

    private static void changedFiles(String repo, List<String> files) {
        for (int page = 1; page <= 31; page++) {
            List<String> slice = files.subList(Math.min(files.size(), (page - 1) * 100), Math.min(files.size(), page * 100));
            String body = slice.stream().map(f -> "{\"sha\": \"" + SHA + "\", \"filename\": \"" + f + "\", \"status\": \"modified\", "
                    + "\"additions\": 1, \"deletions\": 0, \"changes\": 1, \"blob_url\": \"\", \"raw_url\": \"\", \"contents_url\": \"\"}")
                    .collect(Collectors.joining(",", "[", "]"));
            github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7/files")).withQueryParam("page", equalTo(String.valueOf(page)))
                    .willReturn(okJson(body)));
        }
    }

    private static HttpResponse<String> deploy(String repo, long deployment) throws Exception {
        return GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, deployment, SHA, "Preview", "success", PREVIEW));
    }

    private static List<CommitStatuses.Sent> statusesOf(String repo) {
        return CommitStatuses.github(github(), repo);
    }

    /** Runs deployment {@code deployment} of {@code repo} to its end and returns the one status it set. */
    private static CommitStatuses.Sent skipped(String repo, long deployment) throws Exception {
        HttpResponse<String> answer = deploy(repo, deployment);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d" + deployment + "-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<CommitStatuses.Sent> statuses = statusesOf(repo);
        assertThat(statuses).as("a skipped run sets one status and never a pending one").singleElement();
        CommitStatuses.Sent s = statuses.get(0);
        assertThat(s.sha()).isEqualTo(SHA);
        assertThat(s.state()).isEqualTo("success");
        assertThat(s.context()).isEqualTo("qa-bridge");
        assertThat(s.description()).startsWith("Skipped: ");
        github().verify(0, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")));
        return s;
    }

    @Test
    void aDraftIsSkippedAsPassingAndRunsOnceWhenMarkedReady() throws Exception {
        String repo = "acme/draft-shop";
        stubPull(repo, pull(repo, true, "User", "main"));
        chatsStartInTurn(fx.fakes.qatech, "chat_ready1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_ready1", Stubs.passed("chat_ready1", "Ready and working."));

        assertThat(skipped(repo, 7001).description()).isEqualTo("Skipped: a draft (autoRun.skipDrafts); it runs once marked ready");
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
        github().verify(0, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/pulls/7/files")));   // no path rule: no files read

        // marked ready: the head's successful Preview deployment 7001 runs now
        stubPull(repo, pull(repo, false, "User", "main"));
        github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments")).withQueryParam("sha", equalTo(SHA)).willReturn(okJson("""
                [{"id": 7002, "sha": "%s", "ref": "feature/cart-totals", "environment": "Production"},
                 {"id": 7001, "sha": "%s", "ref": "feature/cart-totals", "environment": "Preview"}]""".formatted(SHA, SHA))));
        github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments/7001/statuses")).willReturn(okJson("""
                [{"id": 70011, "state": "success", "environment_url": "%s", "target_url": ""}]""".formatted(PREVIEW))));
        HttpResponse<String> ready = ready(repo);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(202);
        assertThat(json(ready.body()).path("run").asText()).isEqualTo("github-d7001-7-ready");
        assertThat(fx.awaitEnd("github-d7001-7-ready").status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<LoggedRequest> starts = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        assertThat(json(starts.get(0).getBodyAsString()).at("/applicationOverrides/0/environment/url").asText()).isEqualTo(PREVIEW);
        github().verify(0, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/deployments/7002/statuses")));   // not an auto-run environment
        List<CommitStatuses.Sent> after = statusesOf(repo);
        assertThat(after).extracting(CommitStatuses.Sent::state).containsExactly("success", "pending", "success");
        assertThat(after.get(2).description()).startsWith("QA passed");

        // marked ready again (a redelivery, or draft and back): the deployment has had its run
        HttpResponse<String> again = ready(repo);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again.body()).path("ignored").asText()).contains("deployment 7001 was already tested since it was marked ready");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aReadyPullRequestWhoseDeploymentAlreadyRanStartsNothingMore() throws Exception {
        String repo = "acme/ran-shop";
        stubPull(repo, pull(repo, false, "User", "main"));
        chatsStartInTurn(fx.fakes.qatech, "chat_ran1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_ran1", Stubs.passed("chat_ran1", "Fine."));
        assertThat(deploy(repo, 7101).statusCode()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d7101-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments")).willReturn(okJson("""
                [{"id": 7101, "sha": "%s", "ref": "feature/cart-totals", "environment": "Preview"}]""".formatted(SHA))));
        github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments/7101/statuses")).willReturn(okJson("""
                [{"id": 71011, "state": "success", "environment_url": "%s"}]""".formatted(PREVIEW))));
        HttpResponse<String> ready = ready(repo);
        assertThat(ready.statusCode()).isEqualTo(202);
        // its run claims the PR's automatic run and finds deployment 7101's own run there, not skipped: it ends having written nothing
        assertThat(fx.awaitEnd("github-d7101-7-ready").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(statusesOf(repo)).extracting(CommitStatuses.Sent::state).containsExactly("pending", "success");

        // no deployment of the head in an auto-run environment: a clear reason, nothing started
        github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments")).willReturn(okJson("[]")));
        HttpResponse<String> none = ready(repo);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(json(none.body()).path("ignored").asText()).contains("has no successful deployment", "its next one starts");
    }

    private static HttpResponse<String> ready(String repo) throws Exception {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("action", "ready_for_review").put("number", 7);
        p.set("pull_request", JsonHttp.JSON.readTree(pull(repo, false, "User", "main")));
        ObjectNode r = p.putObject("repository");
        r.put("full_name", repo).put("name", repo.substring(repo.indexOf('/') + 1)).put("default_branch", "main");
        r.putObject("owner").put("login", repo.substring(0, repo.indexOf('/')));
        p.putObject("sender").put("login", "octocat").put("type", "User");
        return GitHubPayloads.deliver(fx.url(), "pull_request", GitHubPayloads.newDelivery(), p);
    }

    @Test
    void eachRuleSkipsWithItsReasonAndNoneStartsTheAgent() throws Exception {
        String bots = "acme/bot-shop";
        stubPull(bots, pull(bots, false, "Bot", "main"));
        Stubs.settingsFile(github(), bots, "autoRun:\n  skipBots: true\n");
        assertThat(skipped(bots, 7201).description()).isEqualTo("Skipped: opened by a bot account (autoRun.skipBots)");

        String labels = "acme/label-shop";
        stubPull(labels, pull(labels, false, "User", "main", "bug", "No-QA"));
        Stubs.settingsFile(github(), labels, "autoRun:\n  skipLabels: [skip-qa, no-qa]\n");
        assertThat(skipped(labels, 7202).description()).isEqualTo("Skipped: labelled no-qa (autoRun.skipLabels)");

        String branches = "acme/branch-rule-shop";
        stubPull(branches, pull(branches, false, "User", "develop"));
        Stubs.settingsFile(github(), branches, "autoRun:\n  branches: [main, release/*]\n");
        assertThat(skipped(branches, 7203).description())
                .isEqualTo("Skipped: its target branch is not one of autoRun.branches (main, release/*)");

        String paths = "acme/paths-shop";
        stubPull(paths, pull(paths, false, "User", "main"));
        Stubs.settingsFile(github(), paths, "autoRun:\n  paths: [\"src/**\", package.json]\n");
        changedFiles(paths, List.of("docs/guide.md", "README.md"));
        assertThat(skipped(paths, 7204).description()).isEqualTo("Skipped: no changed file matches autoRun.paths (src/**, package.json)");

        String ignore = "acme/docs-shop";
        stubPull(ignore, pull(ignore, false, "User", "main"));
        Stubs.settingsFile(github(), ignore, "autoRun:\n  ignorePaths: [\"docs/**\", \"**/*.md\"]\n");
        changedFiles(ignore, List.of("docs/img/cart.png", "README.md"));
        assertThat(skipped(ignore, 7205).description())
                .isEqualTo("Skipped: all 2 changed files match autoRun.ignorePaths (docs/**, **/*.md)");

        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aMatchingPathRunsAndThreeThousandFilesRunWithoutBeingRuledOut() throws Exception {
        String repo = "acme/code-shop";
        stubPull(repo, pull(repo, false, "User", "main"));
        Stubs.settingsFile(github(), repo, "autoRun:\n  ignorePaths: [\"docs/**\"]\n");
        changedFiles(repo, List.of("docs/a.md", "src/cart.ts"));
        chatsStartInTurn(fx.fakes.qatech, "chat_code1", "chat_many1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_code1", Stubs.passed("chat_code1", "Fine."));
        Stubs.chatPolls(fx.fakes.qatech, "chat_many1", Stubs.passed("chat_many1", "Fine."));
        assertThat(deploy(repo, 7301).statusCode()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d7301-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));

        // 3,000 documentation files: GitHub lists no more, so the rest may be code; it runs (30 pages read, never a 31st)
        String many = "acme/many-shop";
        stubPull(many, pull(many, false, "User", "main"));
        Stubs.settingsFile(github(), many, "autoRun:\n  ignorePaths: [\"docs/**\"]\n");
        changedFiles(many, IntStream.range(0, 3_000).mapToObj(i -> "docs/p" + i + ".md").toList());
        assertThat(deploy(many, 7302).statusCode()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d7302-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        fx.fakes.qatech.verify(2, postRequestedFor(urlPathEqualTo("/v1/chat")));
        github().verify(30, getRequestedFor(urlPathEqualTo("/repos/" + many + "/pulls/7/files")));
        assertThat(statusesOf(many)).extracting(CommitStatuses.Sent::state).containsExactly("pending", "success");
    }

    @Test
    void withOnSkipNoneNothingIsSetAndQaStatusNamesTheRule() throws Exception {
        String repo = "acme/quiet-shop";
        stubPull(repo, pull(repo, false, "User", "main", "no-qa"));
        Stubs.settingsFile(github(), repo, "autoRun:\n  skipLabels: [no-qa]\nstatus:\n  onSkip: none\n");
        assertThat(deploy(repo, 7401).statusCode()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d7401-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(statusesOf(repo)).isEmpty();
        github().verify(0, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")));

        HttpResponse<String> status = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.onRepository(GitHubPayloads.command("/qa status"), repo));
        assertThat(status.statusCode()).isEqualTo(202);
        fx.awaitEnd(GitHubPayloads.runId(status));
        List<LoggedRequest> answers = github().findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")));
        assertThat(answers).hasSize(1);
        assertThat(json(answers.get(0).getBodyAsString()).path("body").asText())
                .contains("⏭️ skipped: labelled no-qa (autoRun.skipLabels)", "`6dcb09b`");
    }

    @Test
    void aSkippedRedeployOfTheSameCommitSupersedesTheRunStillGoingAndItsSkipStands() throws Exception {
        String repo = "acme/relabel-shop";
        stubPull(repo, pull(repo, false, "User", "main"));
        Stubs.settingsFile(github(), repo, "autoRun:\n  skipLabels: [no-qa]\n");
        chatsStartInTurn(fx.fakes.qatech, "chat_relabel1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_relabel1", Stubs.running("chat_relabel1"));   // never finishes
        assertThat(deploy(repo, 7501).statusCode()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                !fx.fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/chat/chat_relabel1"))).isEmpty());

        // labelled no-qa, then the same commit is deployed again: skipped, and the first run is stopped
        stubPull(repo, pull(repo, false, "User", "main", "no-qa"));
        Stubs.settingsFile(github(), repo, "autoRun:\n  skipLabels: [no-qa]\n");
        assertThat(deploy(repo, 7502).statusCode()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d7502-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(fx.awaitEnd("github-d7501-7").status()).isEqualTo(ExecutionStatus.ABORTED);

        // pending from the first run, then the skip: nothing replaces it on this commit
        List<CommitStatuses.Sent> statuses = statusesOf(repo);
        assertThat(statuses).extracting(CommitStatuses.Sent::state).containsExactly("pending", "success");
        assertThat(statuses.get(1).description()).isEqualTo("Skipped: labelled no-qa (autoRun.skipLabels)");
        List<LoggedRequest> edits = github().findAll(com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor(
                urlPathEqualTo("/repos/" + repo + "/issues/comments/9001")));
        assertThat(edits).hasSize(1);
        assertThat(json(edits.get(0).getBodyAsString()).path("body").asText()).contains("Superseded",
                "was skipped (labelled no-qa (autoRun.skipLabels)), so this run was stopped").doesNotContain("the new conversation");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aDraftMarkedReadyWhileItsDeploymentIsBeingSkippedRunsExactlyOnce() throws Exception {
        String repo = "acme/race-shop";
        stubPull(repo, pull(repo, true, "User", "main"));
        github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments")).willReturn(okJson(
                "[{\"id\": 7601, \"sha\": \"" + SHA + "\", \"ref\": \"feature/cart-totals\", \"environment\": \"Preview\"}]")));
        github().stubFor(get(urlPathEqualTo("/repos/" + repo + "/deployments/7601/statuses")).willReturn(okJson(
                "[{\"id\": 76011, \"state\": \"success\", \"environment_url\": \"" + PREVIEW + "\"}]")));
        chatsStartInTurn(fx.fakes.qatech, "chat_race1", "chat_race2");
        Stubs.chatPolls(fx.fakes.qatech, "chat_race1", Stubs.passed("chat_race1", "Fine."));
        Stubs.chatPolls(fx.fakes.qatech, "chat_race2", Stubs.passed("chat_race2", "Fine."));

        assertThat(deploy(repo, 7601).statusCode()).isEqualTo(202);
        stubPull(repo, pull(repo, false, "User", "main"));   // marked ready at once, whatever the deployment's run has read
        assertThat(ready(repo).statusCode()).isEqualTo(202);

        assertThat(fx.awaitEnd("github-d7601-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(fx.awaitEnd("github-d7601-7-ready").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        List<CommitStatuses.Sent> statuses = statusesOf(repo);
        assertThat(statuses.get(statuses.size() - 1).state()).isEqualTo("success");
        assertThat(statuses).extracting(CommitStatuses.Sent::state).doesNotContain("failure", "error");
    }
}
