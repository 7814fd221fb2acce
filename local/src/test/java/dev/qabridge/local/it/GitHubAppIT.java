package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.core.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * `/qa` on a GitHub PR with the bridge running as a GitHub App, end to end through the real state
 * machine: installation tokens per delivery, check runs instead of commit statuses, the App's own
 * comments recognised by its slug, and nothing secret in logs, comments or the execution. The fake
 * GitHub accepts only JWTs signed with the App's key and tokens it issued ({@link GitHubAppFake}); after
 * each test, every request it saw is checked against GitHub's REST description.
 *
 * <p>The stack is shared by the tests and caches installation tokens, so each test uses installations
 * of its own: what it sees exchanged is its own doing.
 */
class GitHubAppIT {
    private static final String SHOP = GitHubPayloads.REPO;
    private static final String STORE = "globex/store";
    private static final String CHECK_RUNS = "/repos/" + SHOP + "/check-runs";
    private static final String CHECK_RUN = CHECK_RUNS + "/" + Stubs.CHECK_RUN_ID;
    /** GitHub's limit on each of a check run's output fields, which it counts in UTF-8 bytes. */
    private static final int CHECK_OUTPUT_BYTES = 65_535;

    /** The App's id and key in the platform secret, as deployed (docs/github-app.md). */
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClassAsApp(Map.of(), LocalStack.SecretSource.SECRETS_MANAGER);

    private static WireMockServer github() {
        return fx.fakes.github;
    }

    @BeforeEach
    void oneHourTokens() {
        fx.fakes.app().tokenLifetime(Duration.ofHours(1));
    }

    /** Each test's requests must be operations of GitHub's REST description; {@link #everyRequestIsAnOperationOfGitHubsRestDescription} says when it is missing. */
    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(github()));
    }

    @Test
    void twoInstallationsOnOneStackEachGetTheirRunsCallsMadeWithTheirOwnToken() throws Exception {
        Stubs.github(github(), SHOP, Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.github(github(), STORE, "https://pr-7.store.example.com");
        Stubs.checkRuns(github(), STORE);
        Stubs.chatStartedFor(fx.fakes.qatech, SHOP, "chat_shop101");
        Stubs.chatStartedFor(fx.fakes.qatech, STORE, "chat_store202");
        Stubs.chatPolls(fx.fakes.qatech, "chat_shop101", Stubs.running("chat_shop101"), Stubs.passed("chat_shop101", "The cart works."));
        Stubs.chatPolls(fx.fakes.qatech, "chat_store202", Stubs.running("chat_store202"), Stubs.passed("chat_store202", "Checkout works."));

        // both runs are under way at once, in one stack
        String shopRun = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart"), 101));
        String storeRun = run(GitHubPayloads.viaInstallation(
                GitHubPayloads.onRepository(GitHubPayloads.command("/qa check the checkout"), STORE), 202));

        assertThat(fx.awaitEnd(shopRun).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(fx.awaitEnd(storeRun).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        for (var installation : Map.of(SHOP, 101L, STORE, 202L).entrySet()) {
            String repo = installation.getKey();
            List<LoggedRequest> calls = github().findAll(anyRequestedFor(urlPathMatching("/repos/" + repo + "/.*")));
            // its reaction, reads, status comment and its edit, check run and its completion
            assertThat(calls).extracting(GitHubAppIT::call).as(repo).contains(
                    "POST /repos/" + repo + "/issues/comments/{id}/reactions",
                    "GET /repos/" + repo + "/pulls/7",
                    "GET /repos/" + repo + "/deployments",
                    "POST /repos/" + repo + "/issues/7/comments",
                    "PATCH /repos/" + repo + "/issues/comments/" + Stubs.STATUS_COMMENT_ID,
                    "POST /repos/" + repo + "/check-runs",
                    "PATCH /repos/" + repo + "/check-runs/" + Stubs.CHECK_RUN_ID);
            assertThat(calls).as("the installation whose token each call to " + repo + " carried")
                    .allSatisfy(r -> assertThat(GitHubAppFake.installationOf(r)).contains(installation.getValue()));
            // one exchange per installation: the token then serves the whole run, across functions and states
            assertThat(exchanges(installation.getValue())).as("token exchanges for installation " + installation.getValue()).hasSize(1);
        }
        assertThat(github().findAll(allRequests())).as("every call but the App's own (GET /app, the exchanges) carried a token")
                .filteredOn(r -> !r.getUrl().startsWith("/app"))
                .allSatisfy(r -> assertThat(GitHubAppFake.installationOf(r)).isPresent());
    }

    @Test
    void aRunAfterTheTokensRefreshPointExchangesANewTokenAndNeverSendsTheOldOne() throws Exception {
        long installation = 303;
        // The bridge refreshes five minutes before expires_at: these tokens serve for three seconds.
        fx.fakes.app().tokenLifetime(Duration.ofMinutes(5).plusSeconds(3));
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.chatStarted(fx.fakes.qatech, "chat_refresh1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_refresh1", Stubs.passed("chat_refresh1", "First look."));
        String first = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart"), installation));
        assertThat(fx.awaitEnd(first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Set<String> firstTokens = tokensSent();
        int exchangedForFirst = exchanges(installation).size();
        Instant refreshPoint = fx.fakes.app().expiries(installation).getLast().minus(Duration.ofMinutes(5));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> Instant.now().isAfter(refreshPoint));
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(github()));   // the first run's, before they are forgotten
        github().resetRequests();
        Stubs.chatStarted(fx.fakes.qatech, "chat_refresh2");
        Stubs.chatPolls(fx.fakes.qatech, "chat_refresh2", Stubs.passed("chat_refresh2", "Second look."));
        String second = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart again"), installation));

        assertThat(fx.awaitEnd(second).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(firstTokens).as("tokens of the first run").isNotEmpty();
        assertThat(exchangedForFirst).isGreaterThanOrEqualTo(1);
        assertThat(exchanges(installation)).as("exchanges during the second run").isNotEmpty();
        assertThat(tokensSent()).as("tokens of the second run").isNotEmpty().doesNotContainAnyElementsOf(firstTokens);
        assertThat(github().findAll(anyRequestedFor(urlPathMatching("/repos/.*"))))
                .allSatisfy(r -> assertThat(GitHubAppFake.installationOf(r)).contains(installation));
        assertThat(patchedCheckRun().path("conclusion").asText()).isEqualTo("success");
    }

    @Test
    void aRevokedTokenIsDroppedAtGitHubsFirst401AndTheCallMadeAgainWithANewOne() throws Exception {
        long installation = 505;
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.chatStarted(fx.fakes.qatech, "chat_revoked1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_revoked1", Stubs.passed("chat_revoked1", "First look."));
        assertThat(fx.awaitEnd(run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart"), installation))).status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        Set<String> firstTokens = tokensSent();
        fx.fakes.app().revoke(installation);
        github().resetRequests();
        Stubs.chatStarted(fx.fakes.qatech, "chat_revoked2");
        Stubs.chatPolls(fx.fakes.qatech, "chat_revoked2", Stubs.passed("chat_revoked2", "Second look."));

        DescribeExecutionResponse end = fx.awaitEnd(run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check it again"), installation)));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(exchanges(installation)).as("a new token after the 401").hasSize(1);
        long refused = github().getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 401).count();
        assertThat(refused).as("only the first call met the revoked token").isEqualTo(1);
        assertThat(tokensSent()).isNotEmpty().containsAnyElementsOf(firstTokens);   // the one refused call
        assertThat(patchedCheckRun().path("conclusion").asText()).isEqualTo("success");
    }

    /** GitHub's Re-run on the bridge's check run: {@code check_run} {@code rerequested}, naming the run in {@code external_id}. */
    private static ObjectNode rerequested(String externalId, long checkRunId, String clicker, long installation) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("action", "rerequested");
        ObjectNode run = p.putObject("check_run");
        run.put("id", checkRunId).put("name", "qa-bridge").put("head_sha", GitHubPayloads.SHA).put("external_id", externalId)
                .put("status", "completed").put("conclusion", "failure");
        run.putArray("pull_requests").addObject().put("number", GitHubPayloads.PR).put("url", "https://api.github.com/repos/" + SHOP + "/pulls/7");
        run.putObject("app").put("id", StackFixture.APP_ID).put("slug", GitHubAppFake.SLUG);
        p.putObject("repository").put("full_name", SHOP).put("name", "shop").put("default_branch", "main").putObject("owner").put("login", "acme");
        p.putObject("sender").put("login", clicker).put("id", 9_001).put("type", "User");
        return GitHubPayloads.viaInstallation(p, installation);
    }

    @Test
    void reRunOnTheCheckRunAsksTheSameInstructionsAgainOnTheCurrentHeadAsTheClickerIfTheyMayWrite() throws Exception {
        long installation = 717;
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.chatStartedFor(fx.fakes.qatech, "check the refund flow", "chat_rerun1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_rerun1", Stubs.finished("chat_rerun1", "COMPLETED", "Refunds fail.\n\nVerdict: FAIL"));
        String first = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the refund flow"), installation));
        assertThat(fx.awaitEnd(first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(createdCheckRun().path("external_id").asText()).as("the check run names its run").isEqualTo(first);
        github().stubFor(get(urlPathEqualTo("/repos/" + SHOP + "/collaborators/bob/permission")).willReturn(okJson("""
                {"permission": "write", "role_name": "write", "user": {"login": "bob", "id": 9001}}""")));
        github().stubFor(get(urlPathEqualTo("/repos/" + SHOP + "/collaborators/mallory/permission")).willReturn(okJson("""
                {"permission": "read", "role_name": "triage", "user": {"login": "mallory", "id": 9002}}""")));
        github().resetRequests();
        fx.fakes.qatech.resetRequests();
        Stubs.chatStartedFor(fx.fakes.qatech, "check the refund flow", "chat_rerun2");
        Stubs.chatPolls(fx.fakes.qatech, "chat_rerun2", Stubs.passed("chat_rerun2", "Refunds work now."));

        HttpResponse<String> refused = GitHubPayloads.deliver(fx.url(), "check_run", GitHubPayloads.newDelivery(),
                rerequested(first, Stubs.CHECK_RUN_ID, "mallory", installation));
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(json(refused.body()).path("ignored").asText()).contains("mallory", "triage", "write access");
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "check_run", GitHubPayloads.newDelivery(),
                rerequested(first, Stubs.CHECK_RUN_ID, "bob", installation));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        String again = GitHubPayloads.runId(answer);
        DescribeExecutionResponse end = fx.awaitEnd(again);

        assertThat(again).startsWith("github-r" + Stubs.CHECK_RUN_ID + "-");
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("verdict").asText()).isEqualTo("PASS");
        List<LoggedRequest> started = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(started).hasSize(1);
        assertThat(json(started.getFirst().getBodyAsString()).path("message").asText()).startsWith("check the refund flow");
        assertThat(createdCheckRun().path("external_id").asText()).as("a new check run for the new run").isEqualTo(again);
        assertThat(patchedCheckRun().path("conclusion").asText()).isEqualTo("success");
        List<LoggedRequest> comments = github().findAll(postRequestedFor(urlPathEqualTo("/repos/" + SHOP + "/issues/7/comments")));
        assertThat(comments).hasSize(1);
        assertThat(json(comments.getFirst().getBodyAsString()).path("body").asText()).contains("bob");
        assertThat(GitHubAppFake.installationOf(comments.getFirst())).contains(installation);
    }

    @ParameterizedTest(name = "an answer ending in \"{0}\" completes the check run as {1}")
    @CsvSource({"'Verdict: PASS', success", "'Verdict: FAIL', failure", "'', neutral"})
    void createsOneCheckRunInProgressAndCompletesItWithTheVerdictAndTheAnswer(String verdictLine, String conclusion) throws Exception {
        String chat = "chat_check_" + conclusion;
        String answer = "I added a second item: the total went from $20 to $35.";
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat),
                Stubs.finished(chat, "COMPLETED", verdictLine.isEmpty() ? answer : answer + "\n\n" + verdictLine));

        String run = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check that the cart total updates"), 404));

        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String conversation = "https://app.qa.tech/p/proj_demo/chat/" + chat;
        JsonNode created = createdCheckRun();
        assertThat(created.path("name").asText()).isEqualTo("qa-bridge");
        assertThat(created.path("head_sha").asText()).isEqualTo(GitHubPayloads.SHA);
        assertThat(created.path("status").asText()).isEqualTo("in_progress");
        assertThat(created.has("conclusion")).isFalse();
        assertThat(created.path("details_url").asText()).isEqualTo(conversation);
        assertThat(created.path("external_id").asText()).isEqualTo(run);
        assertThat(created.path("output").path("title").asText()).isEqualTo("QA.tech is testing this preview");
        assertThat(created.path("output").path("summary").asText()).contains("check that the cart total updates");

        JsonNode completed = patchedCheckRun();
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("conclusion").asText()).isEqualTo(conclusion);
        assertThat(completed.path("details_url").asText()).isEqualTo(conversation);
        assertThat(completed.path("external_id").asText()).isEqualTo(run);
        assertThat(completed.path("output").path("title").asText()).isNotBlank();
        assertThat(completed.path("output").path("summary").asText()).contains("check that the cart total updates");
        String text = completed.path("output").path("text").asText();
        assertThat(text).contains("the total went from $20 to $35").doesNotContain("Verdict:");
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(CHECK_OUTPUT_BYTES);

        assertThat(github().findAll(anyRequestedFor(urlPathMatching(CHECK_RUNS + ".*"))))
                .extracting(r -> r.getMethod().getName()).as("created, then completed").containsExactly("POST", "PATCH");
        github().verify(0, anyRequestedFor(urlPathMatching("/repos/.*/statuses/.*")));
        assertThat(github().findAll(anyRequestedFor(urlPathMatching("/repos/.*"))))
                .allSatisfy(r -> assertThat(GitHubAppFake.installationOf(r)).contains(404L));
    }

    @Test
    void aPreviewDeploymentDeliveredThroughTheAppRunsWithItsInstallationAndChecksTheDeployedCommit() throws Exception {
        String repo = "acme/auto-shop";   // its own repository: the settings file is cached per repository
        AutoRunGitHubIT.stubRepo(github(), repo);
        Stubs.checkRuns(github(), repo);
        Stubs.chatStarted(fx.fakes.qatech, "chat_app_auto1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_app_auto1", Stubs.passed("chat_app_auto1", "The preview works."));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                GitHubPayloads.viaInstallation(DeploymentPayloads.github(repo, 2001, GitHubPayloads.SHA, "Preview", "success",
                        Scenarios.PREVIEW), 1111));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d2001-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(github().findAll(anyRequestedFor(urlPathMatching("/repos/" + repo + "/.*")))).extracting(GitHubAppIT::call)
                .contains("GET /repos/" + repo + "/commits/" + GitHubPayloads.SHA + "/pulls", "POST /repos/" + repo + "/check-runs");
        JsonNode created = json(github().findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/check-runs"))).getFirst()
                .getBodyAsString());
        assertThat(created.path("head_sha").asText()).isEqualTo(GitHubPayloads.SHA);
        assertThat(created.path("external_id").asText()).isEqualTo("github-d2001-7");
        JsonNode completed = json(github().findAll(patchRequestedFor(urlPathEqualTo("/repos/" + repo + "/check-runs/"
                + Stubs.CHECK_RUN_ID))).getFirst().getBodyAsString());
        assertThat(completed.path("conclusion").asText()).isEqualTo("success");
        assertThat(github().findAll(anyRequestedFor(urlPathMatching("/repos/.*"))))
                .allSatisfy(r -> assertThat(GitHubAppFake.installationOf(r)).contains(1111L));
        github().verify(0, anyRequestedFor(urlPathMatching("/repos/.*/statuses/.*")));
    }

    /** An App created before it asked for Checks, or an installation that has not accepted the new permission. */
    @Test
    void aCheckRunRefusedForWantOfPermissionStillRepliesAndNamesThePermissionTheAppNeeds() throws Exception {
        Stubs.github(github(), Scenarios.PREVIEW);
        github().stubFor(post(urlPathEqualTo(CHECK_RUNS)).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json; charset=utf-8").withBody("""
                        {"message": "Resource not accessible by integration",
                         "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run", "status": "403"}""")));
        Stubs.chatStarted(fx.fakes.qatech, "chat_nochecks1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_nochecks1", Stubs.passed("chat_nochecks1", "The cart works."));

        String run = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart"), 1212));
        DescribeExecutionResponse end = fx.awaitEnd(run);

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(json(end.output()).path("pending").path("refused").asText())
                .contains("Resource not accessible by integration", "the GitHub App needs Checks: write on acme/shop");
        List<LoggedRequest> edits = github().findAll(patchRequestedFor(urlPathEqualTo(Scenarios.STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        assertThat(json(edits.getFirst().getBodyAsString()).path("body").asText()).contains("QA passed", "The cart works.");
        github().verify(1, postRequestedFor(urlPathEqualTo(CHECK_RUNS)));
        github().verify(0, patchRequestedFor(urlPathMatching(CHECK_RUNS + "/.*")));
    }

    /** GitHub counts a check run's output in UTF-8 bytes ("text exceeds a maximum bytesize of 65535"), not in characters. */
    @Test
    void fitsA70000CharacterUnicodeAnswerIntoTheCheckRunsTextByGitHubsByteCount() throws Exception {
        String chat = "chat_check_long";
        String longText = "Résumé 🚀 — ".repeat(6_000) + "END";   // about 110,000 UTF-8 bytes
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, longText));

        String run = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa describe everything"), 404));

        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode completed = patchedCheckRun();
        assertThat(completed.path("conclusion").asText()).isEqualTo("success");
        String text = completed.path("output").path("text").asText();
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(CHECK_OUTPUT_BYTES).isGreaterThan(60_000);
        assertThat(text).startsWith("Résumé 🚀").doesNotContain("END").endsWith("shortened to GitHub's limit: the conversation (Details) has all of it.");
        assertThat(text.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE))
                .as("no half of an emoji").isTrue();
    }

    @Test
    void ignoresACommentByItsOwnSlugEvenWhenTheSenderIsNotMarkedAsABot() throws Exception {
        ObjectNode own = GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart"), 606);
        ((ObjectNode) own.path("sender")).put("login", GitHubAppFake.SLUG + "[bot]").remove("type");
        ((ObjectNode) own.path("comment").path("user")).put("login", GitHubAppFake.SLUG + "[bot]").remove("type");
        ((ObjectNode) own.path("comment")).put("author_association", "OWNER");

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), own);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("ignored").asText()).contains("the bridge's own account", GitHubAppFake.SLUG);
        assertThat(github().findAll(allRequests())).as("at most GET /app, to learn the slug, and nothing on the repository")
                .allSatisfy(r -> assertThat(call(r)).isEqualTo("GET /app"));
        assertThat(exchanges(606)).isEmpty();
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
        String arn = fx.executionArn("github-c" + GitHubPayloads.commentId(own));
        assertThatThrownBy(() -> fx.sfn.describeExecution(r -> r.executionArn(arn))).isInstanceOf(ExecutionDoesNotExistException.class);
    }

    /** Moving from token mode: until its webhook is deleted, the repository delivers each comment too, without an installation. */
    @Test
    void aCommentAlsoDeliveredByTheOldRepositoryWebhookRunsOnceWithTheAppsToken() throws Exception {
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.chatStarted(fx.fakes.qatech, "chat_twice1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_twice1", Stubs.passed("chat_twice1", "Once."));
        ObjectNode command = GitHubPayloads.command("/qa check the cart");

        HttpResponse<String> viaRepositoryWebhook = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                command.deepCopy());
        String run = run(GitHubPayloads.viaInstallation(command, 909));

        assertThat(viaRepositoryWebhook.statusCode()).isEqualTo(200);
        assertThat(json(viaRepositoryWebhook.body()).path("ignored").asText()).contains("without installation.id", "delete this webhook");
        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        github().verify(1, postRequestedFor(urlPathEqualTo(Scenarios.COMMENTS)));
        github().verify(1, postRequestedFor(urlPathEqualTo(CHECK_RUNS)));
        assertThat(github().findAll(anyRequestedFor(urlPathMatching("/repos/.*"))))
                .allSatisfy(r -> assertThat(GitHubAppFake.installationOf(r)).contains(909L));
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void noAppKeyJwtOrInstallationTokenReachesLogsCommentsOrTheExecution() throws Exception {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
        String run;
        HttpResponse<String> answer;
        try {
            Stubs.github(github(), Scenarios.PREVIEW);
            Stubs.checkRuns(github(), SHOP);
            Stubs.chatStarted(fx.fakes.qatech, "chat_appsecret1");
            Stubs.chatPolls(fx.fakes.qatech, "chat_appsecret1", Stubs.running("chat_appsecret1"), Stubs.passed("chat_appsecret1", "ok"));
            answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                    GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart"), 707));
            run = GitHubPayloads.runId(answer);
            fx.awaitEnd(run);
        } finally {
            Log.redirect(System.out);
        }

        String arn = fx.executionArn(run);
        String input = fx.sfn.describeExecution(r -> r.executionArn(arn)).input();
        String execution = ExecutionText.of(fx.sfn, arn);   // the SDK's toString() hides inputs and outputs
        String sent = String.join("\n", bodies(fx.fakes.github), bodies(fx.fakes.qatech));
        String logLines = logs.toString(StandardCharsets.UTF_8);
        List<String> secrets = new ArrayList<>(List.of(fx.fakes.app().privateKeyPem(),
                Base64.getEncoder().encodeToString(fx.fakes.app().privateKey().getEncoded())));   // the key as the JDK holds it (PKCS#8)
        fx.fakes.app().privateKeyPem().lines().filter(l -> !l.startsWith("-----")).forEach(secrets::add);
        List<String> bearers = github().findAll(allRequests()).stream().map(r -> r.getHeader("Authorization"))
                .map(h -> h.substring("Bearer ".length())).distinct().toList();
        secrets.addAll(bearers);

        // the positive controls: an exchange (with a JWT) and token-carrying calls happened, were logged and are in the state
        assertThat(exchanges(707)).hasSize(1);
        assertThat(bearers).anyMatch(b -> b.startsWith("ey")).anyMatch(b -> b.startsWith("ghs_"));
        assertThat(logLines).contains("\"step\":\"github.installation_token\"", "\"installation\":\"707\"", "\"step\":\"reply.posted\"");
        assertThat(json(input).path("origin").path("installationId").asLong()).isEqualTo(707);
        assertThat(sent).contains("QA passed");
        for (String secret : secrets) {
            String shown = secret.substring(0, 12) + "…";
            assertThat(logLines).as("logs hold " + shown).doesNotContain(secret);
            assertThat(sent).as("what GitHub and QA.tech were sent holds " + shown).doesNotContain(secret);
            assertThat(execution).as("the state machine's input and history hold " + shown).doesNotContain(secret);
            assertThat(answer.body()).as("the webhook's answer holds " + shown).doesNotContain(secret);
        }
    }

    /** Makes the REST description's absence visible: the other tests check against it only when it is there. */
    @Test
    void everyRequestIsAnOperationOfGitHubsRestDescription() throws Exception {
        GitHubRestSpec spec = GitHubRestSpec.get();
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        Stubs.chatStarted(fx.fakes.qatech, "chat_spec1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_spec1", Stubs.running("chat_spec1"), Stubs.passed("chat_spec1", "ok"));

        String run = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa check the cart"), 808));
        String help = run(GitHubPayloads.viaInstallation(GitHubPayloads.command("/qa help"), 808));

        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(fx.awaitEnd(help).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(github().findAll(allRequests())).extracting(GitHubAppIT::call)
                .contains("POST /app/installations/{id}/access_tokens", "POST /repos/acme/shop/check-runs");
        spec.assertConforms(github());
    }

    @Test
    void aTokenGitHubCannotIssueRightNowFailsTheDeliverySoItCanBeRedeliveredInsteadOfDroppingTheCommand() throws Exception {
        String repo = "initech/tokens";   // its own repository: no settings file cached, so the webhook needs a token to read it
        Stubs.github(github(), repo, Scenarios.PREVIEW);
        Stubs.checkRuns(github(), repo);
        Stubs.chatStarted(fx.fakes.qatech, "chat_tokenoutage1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_tokenoutage1", Stubs.passed("chat_tokenoutage1", "Fine."));
        fx.fakes.app().failTokenExchanges(1_000);
        ObjectNode command = GitHubPayloads.viaInstallation(GitHubPayloads.onRepository(GitHubPayloads.command("/qa check the cart"), repo), 4242);
        String delivery = GitHubPayloads.newDelivery();

        HttpResponse<String> failed = GitHubPayloads.deliver(fx.url(), "issue_comment", delivery, command);

        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(503);
        assertThat(Scenarios.json(failed.body()).path("error").asText()).contains("nothing was started", "redeliver");
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();

        fx.fakes.app().failTokenExchanges(0);
        HttpResponse<String> redelivered = GitHubPayloads.deliver(fx.url(), "issue_comment", delivery, command);   // GitHub's Redeliver
        assertThat(redelivered.statusCode()).as(redelivered.body()).isEqualTo(202);
        assertThat(fx.awaitEnd(GitHubPayloads.runId(redelivered)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    private static String run(ObjectNode command) throws Exception {
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), command);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return GitHubPayloads.runId(answer);
    }

    private static List<LoggedRequest> exchanges(long installation) {
        return github().findAll(postRequestedFor(urlPathEqualTo("/app/installations/" + installation + "/access_tokens")));
    }

    /** The installation tokens the fake was sent since it was last reset (the App's JWTs left out). */
    private static Set<String> tokensSent() {
        return github().findAll(anyRequestedFor(urlPathMatching("/repos/.*"))).stream()
                .map(r -> r.getHeader("Authorization")).collect(Collectors.toSet());
    }

    private static JsonNode createdCheckRun() {
        List<LoggedRequest> created = github().findAll(postRequestedFor(urlPathEqualTo(CHECK_RUNS)));
        assertThat(created).as("check runs created").hasSize(1);
        return json(created.get(0).getBodyAsString());
    }

    private static JsonNode patchedCheckRun() {
        List<LoggedRequest> patched = github().findAll(patchRequestedFor(urlPathEqualTo(CHECK_RUN)));
        assertThat(patched).as("check run updates").hasSize(1);
        return json(patched.get(0).getBodyAsString());
    }

    /** "METHOD path", with ids that differ per run written {id}. */
    private static String call(LoggedRequest r) {
        String path = r.getUrl().replaceFirst("\\?.*", "")
                .replaceFirst("/issues/comments/(\\d+)/reactions$", "/issues/comments/{id}/reactions")
                .replaceFirst("^/app/installations/\\d+/", "/app/installations/{id}/");
        return r.getMethod().getName() + " " + path;
    }

    private static String bodies(WireMockServer server) {
        return server.findAll(allRequests()).stream().map(LoggedRequest::getBodyAsString).collect(Collectors.joining("\n"));
    }

    private static JsonNode json(String text) {
        return Scenarios.json(text);
    }
}
