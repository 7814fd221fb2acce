package dev.qabridge.local;

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
        fx.fakes.github.verify(1, getRequestedFor(urlPathEqualTo(COMMENTS)));    // the retry looked for an earlier one first
        fx.fakes.github.verify(1, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aStatusCommentThatWasCreatedThoughGitHubAnswered500IsNotPostedTwice() throws Exception {
        var command = GitHubPayloads.command("/qa check the cart");
        String runId = "github-c" + GitHubPayloads.commentId(command);
        fx.fakes.github.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(502)));
        fx.fakes.github.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("""
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
}
