package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults that once cost a reply or doubled a conversation, each injected into the fakes: every accepted
 * command still ends in exactly one conversation (or none, said so) and exactly one final word.
 */
class FaultsIT {
    private static final String COMMENTS = Scenarios.COMMENTS;
    private static final String STATUS_COMMENT = Scenarios.STATUS_COMMENT;

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("QATECH_START_TIMEOUT_SECONDS", "5"));

    @BeforeEach
    void stubs() {
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
        GitLabStubs.gitlab(fx.fakes.gitlab);
        GitLabStubs.noDeployments(fx.fakes.gitlab);
    }

    private static DescribeExecutionResponse run(String command, String chat, String answer) throws Exception {
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, answer));
        HttpResponse<String> r = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command(command));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return fx.awaitEnd(GitHubPayloads.runId(r));
    }

    private static String body(LoggedRequest r) {
        return Scenarios.json(r.getBodyAsString()).path("body").asText();
    }

    @Test
    void aStatusCommentThatCannotBeEditedGetsTheAnswerInOneNewComment() throws Exception {
        fx.fakes.github.stubFor(patch(urlPathMatching("/repos/acme/shop/issues/comments/\\d+"))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json").withBody("{\"message\":\"boom\"}")));

        DescribeExecutionResponse end = run("/qa check the cart", "chat_noedit1", "The cart works.");

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("edited").asBoolean()).isFalse();
        fx.fakes.github.verify(4, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));   // the edit and its three retries
        List<LoggedRequest> posts = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posts).hasSize(2);
        assertThat(body(posts.get(0))).contains("QA.tech is testing this preview");
        assertThat(body(posts.get(1))).contains("QA passed", "The cart works.");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aGitLabStatusNoteThatCannotBeEditedGetsTheAnswerInOneNewNote() throws Exception {
        fx.fakes.gitlab.stubFor(put(urlPathMatching(GitLabStubs.NOTES + "/\\d+")).willReturn(aResponse().withStatus(502)));
        Stubs.chatStarted(fx.fakes.qatech, "chat_gl_noedit1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_gl_noedit1", Stubs.passed("chat_gl_noedit1", "MR works."));

        var answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("/qa check the cart --url https://mr-7.example.dev"));
        DescribeExecutionResponse end = fx.awaitEnd(GitLabPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        fx.fakes.gitlab.verify(4, putRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_NOTE)));
        List<LoggedRequest> notes = fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(GitLabStubs.NOTES)));
        assertThat(notes).hasSize(2);
        assertThat(body(notes.get(1))).contains("QA passed", "MR works.");
    }

    @Test
    void aStatusCommentPostThatFailedIsPostedOnceOnItsRetry() throws Exception {
        fx.fakes.github.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("up"));
        fx.fakes.github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("[]")));

        DescribeExecutionResponse end = run("/qa check the cart", "chat_flakypost1", "Fine.");

        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");
        fx.fakes.github.verify(2, postRequestedFor(urlPathEqualTo(COMMENTS)));   // the 500, then the one that made it
        fx.fakes.github.verify(2, getRequestedFor(urlPathEqualTo(COMMENTS)));    // each attempt looked for an earlier one first
        fx.fakes.github.verify(1, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aStatusCommentThatWasCreatedThoughGitHubAnswered500IsNotPostedTwice() throws Exception {
        var command = GitHubPayloads.command("/qa check the cart");
        String runId = "github-c" + GitHubPayloads.commentId(command);
        // GitHub creates the comment, then answers 502: from then on the list shows it
        fx.fakes.github.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("lost").willReturn(aResponse().withStatus(502)).willSetStateTo("created"));
        fx.fakes.github.stubFor(get(urlPathEqualTo(COMMENTS)).inScenario("lost").whenScenarioStateIs(Scenario.STARTED).willReturn(okJson("[]")));
        fx.fakes.github.stubFor(get(urlPathEqualTo(COMMENTS)).inScenario("lost").whenScenarioStateIs("created").willReturn(okJson("""
                [{"id": 9001, "body": "<!-- qa-bridge -->\\n<!-- qa-bridge run=%s status -->\\n### ⏳ QA.tech is testing this preview"}]"""
                .formatted(runId))));
        Stubs.chatStarted(fx.fakes.qatech, "chat_lostanswer1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_lostanswer1", Stubs.passed("chat_lostanswer1", "Fine."));

        GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), command);
        DescribeExecutionResponse end = fx.awaitEnd(runId);

        assertThat(Scenarios.json(end.output()).path("reply").path("edited").asBoolean()).isTrue();
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        fx.fakes.github.verify(1, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
    }

    @Test
    void aQaTechThatHangsGetsOneStartTheWebhookAnswersAtOnceAndThePrHearsTheConversationMayExist() throws Exception {
        fx.fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat")).willReturn(aResponse().withStatus(202).withFixedDelay(30_000)
                .withHeader("Content-Type", "application/json").withBody(Stubs.conversation("chat_slow1", ""))));
        long t0 = System.nanoTime();

        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command("/qa check"));
        Duration answeredIn = Duration.ofNanos(System.nanoTime() - t0);
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        // the webhook never waits on QA.tech: it answered long before QA.tech's 30 s (and GitHub's 10 s budget)
        assertThat(answeredIn).isLessThan(Duration.ofSeconds(5));
        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("NOT_STARTED");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        List<LoggedRequest> posts = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posts).hasSize(1);
        assertThat(body(posts.get(0))).contains("may have started the conversation", "does not send it twice");
    }

    @Test
    void aSlowButTimelyQaTechStartsOneConversation() throws Exception {
        fx.fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat")).willReturn(aResponse().withStatus(202).withFixedDelay(2_000)
                .withHeader("Content-Type", "application/json").withBody(Stubs.conversation("chat_slowok1", ""))));
        Stubs.chatPolls(fx.fakes.qatech, "chat_slowok1", Stubs.passed("chat_slowok1", "Slow but fine."));

        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command("/qa check"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aGitHubRefusalOnThePullRequestEndsInACommentNamingThePermission() throws Exception {
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/acme/shop/pulls/7")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\": \"Resource not accessible by personal access token\"}")));

        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command("/qa check"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("ERROR");
        fx.fakes.github.verify(1, getRequestedFor(urlPathEqualTo("/repos/acme/shop/pulls/7")));   // a 403 is not retried
        List<LoggedRequest> posts = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posts).hasSize(1);
        assertThat(body(posts.get(0))).contains("Resource not accessible by personal access token", "the token needs Pull requests: read",
                "No QA.tech conversation was started");
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "confused");
    }

    @Test
    void aRedirectToAnotherOriginIsNotFollowedAndTheTokenStaysHome() throws Exception {
        String elsewhere = fx.fakes.qatechUrl() + "/collect";
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/acme/shop/pulls/7")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", elsewhere)));

        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command("/qa check"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("ERROR");
        assertThat(fx.fakes.qatech.findAll(anyRequestedFor(anyUrl()))).as("nothing reached the other origin").isEmpty();
        assertThat(body(fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS))).get(0))).contains("redirected", "not followed");
    }

    @Test
    void aGitLabNoteOf450KbIsAnsweredOnceWithTheLimitAndStoresNothingLarge() throws Exception {
        var answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), GitLabPayloads.command("/qa " + "x".repeat(450_000)));
        DescribeExecutionResponse end = fx.awaitEnd(GitLabPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LoggedRequest> notes = fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(GitLabStubs.NOTES)));
        assertThat(notes).hasSize(1);
        assertThat(body(notes.get(0))).contains("450,000 characters", "the limit is 8,000");
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
        // the execution's input carries no instructions for an invalid command: nothing large travels or is stored
        assertThat(fx.sfn.describeExecution(r -> r.executionArn(fx.executionArn(GitLabPayloads.runId(answer)))).input().length())
                .isLessThan(10_000);
    }
    // ---- issue 18: a required check never wedges a merge

    private static final String SHA = GitHubPayloads.SHA;

    private static List<CommitStatuses.Sent> statuses() {
        return CommitStatuses.github(fx.fakes.github);
    }

    @Test
    void aQaTechOutageWhileTheAgentWorksIsWaitedThroughAndTheRunStillPasses() throws Exception {
        Stubs.chatStarted(fx.fakes.qatech, "chat_outage1");
        // seven failed looks in a row: the old Retry gave up after the sixth and replied "stopped following"
        Stubs.chatPolls(fx.fakes.qatech, "chat_outage1", Stubs.running("chat_outage1"), Stubs.error(503), Stubs.error(502),
                Stubs.error(503), Stubs.error(503), Stubs.error(500), Stubs.error(503), Stubs.error(503),
                Stubs.passed("chat_outage1", "The cart works."));

        HttpResponse<String> r = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(r));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("verdict").asText()).isEqualTo("PASS");
        assertThat(fx.fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/chat/chat_outage1")))).hasSizeGreaterThanOrEqualTo(9);
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending", "success");
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(body(fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT))).get(0))).contains("QA passed", "The cart works.");
    }

    @Test
    void qaTechDownWhenTheReplyReadsALongAnswerStillGetsTheAnswerOnceItIsBack() throws Exception {
        String longAnswer = "The cart works. " + "Every step was checked. ".repeat(2_500);   // ~60 KB: too long to travel in the state
        Stubs.chatStarted(fx.fakes.qatech, "chat_downatend1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_downatend1", Stubs.running("chat_downatend1"), Stubs.passed("chat_downatend1", longAnswer),
                Stubs.error(503), Stubs.passed("chat_downatend1", longAnswer));

        HttpResponse<String> r = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(r));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("verdict").asText()).isEqualTo("PASS");
        assertThat(ExecutionText.of(fx.sfn, fx.executionArn(GitHubPayloads.runId(r)))).contains("WaitForAnswer");
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        assertThat(body(edits.get(0))).contains("QA passed", "Every step was checked.");
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending", "success");
    }

    @Test
    void aReplyThatCannotBeWrittenStillSetsTheFinalStatusAndRaisesTheAlarm() throws Exception {
        fx.fakes.github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"Resource not accessible by integration\"}")));
        Stubs.chatStarted(fx.fakes.qatech, "chat_noreply1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_noreply1", Stubs.passed("chat_noreply1", "Fine."));

        HttpResponse<String> r = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(r));

        assertThat(end.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(end.error()).isEqualTo("ReplyFailed");
        List<CommitStatuses.Sent> sent = statuses();
        assertThat(CommitStatuses.states(sent)).as("never left pending").containsExactly("pending", "error");
        assertThat(sent.get(1).description()).contains("could not be written");
    }

    @Test
    void aPullRequestWithFiftyRunsKeepsItsNewestFiftyAndStaysSmall() throws Exception {
        String key = "pr#github#" + GitHubPayloads.REPO + "#" + GitHubPayloads.PR;
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = new java.util.HashMap<>();
        List<String> recent = new java.util.ArrayList<>();
        String longUrl = "https://" + "preview-".repeat(200) + "example.com/";
        for (int i = 0; i < 50; i++) {
            String id = "github-c" + (8_000_000 + i);
            recent.add(id);
            item.put("st_" + id, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("replied"));
            item.put("doc_" + id, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(dev.qabridge.http.JsonHttp.JSON
                    .createObjectNode().put("runId", id).put("kind", "run").put("requester", "alice").put("instructions", "check it")
                    .put("at", 1_795_687_200_000L + i).put("sha", SHA).put("previewUrl", "https://pr-7.example.dev").toString()));
        }
        item.put("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(key));
        item.put("recent", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(dev.qabridge.http.JsonHttp.JSON.valueToTree(recent).toString()));
        fx.stack.dynamo().putItem(p -> p.tableName(LocalStack.TABLE).item(item));
        Stubs.chatStarted(fx.fakes.qatech, "chat_fifty1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_fifty1", Stubs.passed("chat_fifty1", "Fine."));

        HttpResponse<String> r = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart " + "in every detail ".repeat(300) + " --url " + longUrl));
        String runId = GitHubPayloads.runId(r);
        assertThat(fx.awaitEnd(runId).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        var after = fx.stack.dynamo().getItem(g -> g.tableName(LocalStack.TABLE).key(Map.of("pk",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(key))).consistentRead(true)).item();
        assertThat(after.keySet().stream().filter(k -> k.startsWith("st_"))).hasSize(50).contains("st_" + runId)
                .doesNotContain("st_github-c8000000");
        assertThat(after).doesNotContainKey("doc_github-c8000000");
        long bytes = after.entrySet().stream().mapToLong(e -> e.getKey().length() + (e.getValue().s() == null ? 10
                : e.getValue().s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)).sum();
        assertThat(bytes).isLessThan(64 * 1024);
        assertThat(after.get("doc_" + runId).s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(1_200);
    }

    @Test
    void aDeploymentOfACommitThatIsNoLongerThePullRequestsHeadStartsNothing() throws Exception {
        String repo = "acme/late-shop";
        String head = "1111111111111111111111111111111111111111";
        Stubs.commitPulls(fx.fakes.github, repo, SHA, Stubs.pull(repo, 7, head, "octocat", "MEMBER", repo, "Cart", "Totals."));

        HttpResponse<String> r = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 9_301, SHA, "Preview", "success", Scenarios.PREVIEW));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(r.body()).path("ignored").asText()).contains("no longer the head of #7", "1111111");
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
        assertThat(statuses()).isEmpty();
    }

    @Test
    void anOlderDeploymentThatArrivesLateNeverReplacesTheNewerOnesRun() throws Exception {
        String repo = "acme/order-shop";
        AutoRunGitHubIT.stubRepo(fx.fakes.github, repo);
        AutoRunGitHubIT.chatsStartInTurn(fx.fakes.qatech, "chat_order_new", "chat_order_old");
        Stubs.chatPolls(fx.fakes.qatech, "chat_order_new", Stubs.running("chat_order_new"), Stubs.passed("chat_order_new", "Works."));

        HttpResponse<String> newer = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 9_402, SHA, "Preview", "success", Scenarios.PREVIEW));
        // the newer one has claimed the PR's automatic run (and is testing: pending) before the older one is delivered
        await().atMost(Duration.ofSeconds(60)).until(() -> statuses().size() == 1);
        HttpResponse<String> older = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 9_401, SHA, "Preview", "success", Scenarios.PREVIEW));
        DescribeExecutionResponse olderEnd = fx.awaitEnd(GitHubPayloads.runId(older));
        DescribeExecutionResponse newerEnd = fx.awaitEnd(GitHubPayloads.runId(newer));

        assertThat(olderEnd.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(olderEnd.output()).path("failed").has("autoRun")).as("the older one stopped at its claim").isTrue();
        assertThat(Scenarios.json(newerEnd.output()).path("reply").path("verdict").asText()).isEqualTo("PASS");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")));
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending", "success");
    }

    @Test
    void aRedeployOfTheSameCommitSupersedesTheOlderRunWithoutAStatusOnTheCommitTheNewerRunTests() throws Exception {
        String repo = "acme/redeploy-shop";
        AutoRunGitHubIT.stubRepo(fx.fakes.github, repo);
        AutoRunGitHubIT.chatsStartInTurn(fx.fakes.qatech, "chat_redeploy_a", "chat_redeploy_b");
        Stubs.chatPolls(fx.fakes.qatech, "chat_redeploy_a", Stubs.running("chat_redeploy_a"));
        Stubs.chatPolls(fx.fakes.qatech, "chat_redeploy_b", Stubs.running("chat_redeploy_b"), Stubs.running("chat_redeploy_b"),
                Stubs.passed("chat_redeploy_b", "Works."));

        HttpResponse<String> first = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 9_501, SHA, "Preview", "success", Scenarios.PREVIEW));
        await().atMost(Duration.ofSeconds(60)).until(() -> statuses().size() == 1);   // the first run is under way: pending
        HttpResponse<String> second = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 9_502, SHA, "Preview", "success", Scenarios.PREVIEW));
        DescribeExecutionResponse secondEnd = fx.awaitEnd(GitHubPayloads.runId(second));
        DescribeExecutionResponse firstEnd = fx.awaitEnd(GitHubPayloads.runId(first));

        assertThat(firstEnd.status()).as("stopped by the newer run").isEqualTo(ExecutionStatus.ABORTED);
        assertThat(Scenarios.json(secondEnd.output()).path("reply").path("verdict").asText()).isEqualTo("PASS");
        assertThat(CommitStatuses.states(statuses())).as("no error from the superseded run on the commit the newer run tests")
                .containsExactly("pending", "pending", "success");
        assertThat(fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/comments/9001"))))
                .extracting(FaultsIT::body).anySatisfy(b -> assertThat(b).contains("Superseded"));
    }

    @Test
    void anEditGitHubAppliedThoughItAnswered502IsNotPostedAgain() throws Exception {
        var command = GitHubPayloads.command("/qa check the cart");
        String runId = "github-c" + GitHubPayloads.commentId(command);
        fx.fakes.github.stubFor(patch(urlPathEqualTo(STATUS_COMMENT)).willReturn(aResponse().withStatus(502)));
        // GitHub did apply the edit: reading the comment back shows the reply
        fx.fakes.github.stubFor(get(urlPathEqualTo(STATUS_COMMENT)).willReturn(okJson("""
                {"id": %d, "body": "<!-- qa-bridge -->\\n<!-- qa-bridge run=%s reply -->\\n### ✅ QA passed"}"""
                .formatted(Stubs.STATUS_COMMENT_ID, runId))));
        Stubs.chatStarted(fx.fakes.qatech, "chat_applied1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_applied1", Stubs.passed("chat_applied1", "Fine."));

        GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), command);
        DescribeExecutionResponse end = fx.awaitEnd(runId);

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("edited").asBoolean()).isTrue();
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));   // the status comment only: no second answer
        fx.fakes.github.verify(1, getRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending", "success");
    }

    @Test
    void aCancelThatArrivesWhileTheRunPostsItsStatusCommentEndsItsCommentAndStatusCancelled() throws Exception {
        fx.fakes.github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(201).withFixedDelay(4_000)
                .withHeader("Content-Type", "application/json").withBody("{\"id\": " + Stubs.STATUS_COMMENT_ID + "}")));
        Stubs.chatStarted(fx.fakes.qatech, "chat_midstart1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_midstart1", Stubs.running("chat_midstart1"));

        HttpResponse<String> run = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).isEmpty());
        HttpResponse<String> cancel = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa cancel"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(run));
        fx.awaitEnd(GitHubPayloads.runId(cancel));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("stopped").path("state").asText()).isEqualTo("cancelled");
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(edits).as(() -> ExecutionText.of(fx.sfn, fx.executionArn(GitHubPayloads.runId(run)))).hasSize(1);
        assertThat(body(edits.get(0))).contains("Cancelled");
        List<CommitStatuses.Sent> sent = statuses();
        assertThat(CommitStatuses.states(sent)).containsExactly("pending", "error");
        assertThat(sent.get(1).description()).startsWith("Cancelled");
    }

    @Test
    void aVerifiedGitLabNoteOverTwoMegabytesIsAnsweredNotRefused() throws Exception {
        var answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("/qa " + "😀".repeat(700_000)));   // 2.8 MB of UTF-8: GitLab allows 1,000,000 characters
        DescribeExecutionResponse end = fx.awaitEnd(GitLabPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LoggedRequest> notes = fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(GitLabStubs.NOTES)));
        assertThat(notes).hasSize(1);
        assertThat(body(notes.get(0))).contains("700,000 characters", "the limit is 8,000");

        byte[] huge = new byte[7 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        var tooBig = GitLabPayloads.send(fx.url(), "Note Hook", GitLabPayloads.newDelivery(), huge, Map.of());
        assertThat(tooBig.statusCode()).as("verified, but beyond what Lambda can receive: a 2xx with the reason").isEqualTo(200);
        assertThat(Scenarios.json(tooBig.body()).path("ignored").asText()).contains("at most");
    }

    @Test
    void aClaimWhoseAnswerWasLostIsRetriedAndStillReplies() throws Exception {
        fx.stack.router().loseAnswerTo("\":replied\"");
        Stubs.chatStarted(fx.fakes.qatech, "chat_lostclaim1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_lostclaim1", Stubs.passed("chat_lostclaim1", "Fine."));

        HttpResponse<String> r = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(r));

        assertThat(fx.stack.router().answersLost()).isEqualTo(1);
        assertThat(end.status()).as(() -> ExecutionText.of(fx.sfn, fx.executionArn(GitHubPayloads.runId(r)))).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(Scenarios.json(end.output()).path("reply").path("verdict").asText()).as("its own claim, found on the retry").isEqualTo("PASS");
        fx.fakes.github.verify(1, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending", "success");
    }

    @Test
    void aBusyAnswerThatCannotBePostedRaisesTheAlarmInsteadOfEndingInSilence() throws Exception {
        fx.fakes.github.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\": " + Stubs.STATUS_COMMENT_ID + "}")).willSetStateTo("refusing"));
        fx.fakes.github.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("busy").whenScenarioStateIs("refusing")
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Resource not accessible by integration\"}")));
        Stubs.chatStarted(fx.fakes.qatech, "chat_busy1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_busy1", Stubs.running("chat_busy1"), Stubs.running("chat_busy1"), Stubs.running("chat_busy1"),
                Stubs.running("chat_busy1"), Stubs.passed("chat_busy1", "Fine."));

        HttpResponse<String> first = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        await().atMost(Duration.ofSeconds(60)).until(() -> statuses().size() == 1);
        HttpResponse<String> second = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the checkout"));
        DescribeExecutionResponse refused = fx.awaitEnd(GitHubPayloads.runId(second));
        fx.awaitEnd(GitHubPayloads.runId(first));

        assertThat(refused.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(refused.error()).isEqualTo("ReplyFailed");
        assertThat(ExecutionText.of(fx.sfn, fx.executionArn(GitHubPayloads.runId(second)))).contains("CountLostReply");
    }

    @Test
    void aCommentOfSixtyThousandEmojiIsAValidCommentAndGetsItsAnswer() throws Exception {
        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa " + "😀".repeat(60_000)));   // 120,000 UTF-16 units: 60,004 characters as GitHub counts them
        fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        List<LoggedRequest> posts = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posts).hasSize(1);
        assertThat(body(posts.get(0))).contains("60,000 characters long", "the limit is 8,000");
    }
}
