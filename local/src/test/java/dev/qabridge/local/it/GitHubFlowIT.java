package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** `/qa` on a GitHub PR, end to end through the real state machine on the local stack. */
class GitHubFlowIT {
    private static final String PREVIEW = Scenarios.PREVIEW;
    private static final String COMMENTS = Scenarios.COMMENTS;
    private static final String STATUS_COMMENT = Scenarios.STATUS_COMMENT;

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @BeforeEach
    void stubs() {
        Stubs.github(fx.fakes.github, PREVIEW);
    }

    @Test
    void runsTheAgentOnThePreviewAndEditsTheStatusCommentWithItsAnswer() throws Exception {
        Scenarios.happyPath(fx);
    }

    @Test
    void postsOneFailureReplyWhenTheConversationFails() throws Exception {
        String chat = "chat_failed1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat), Stubs.finished(chat, "FAILED", "I could not log in: the login form returned 500."));
        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa log in and buy a hat --url https://pr-7.example.dev"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString())
                .path("applicationOverrides").get(0).path("environment").path("url").asText()).isEqualTo("https://pr-7.example.dev");
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        assertThat(json(edits.get(0).getBodyAsString()).path("body").asText())
                .contains("QA.tech's agent failed", "I could not log in", "https://pr-7.example.dev");
        assertThat(reactions()).containsExactly("eyes", "confused");
    }

    @Test
    void keepsPollingThroughQaTech503sAndStillReplies() throws Exception {
        String chat = "chat_flaky1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.error(503), Stubs.error(503), Stubs.running(chat),
                Stubs.passed(chat, "All good."));
        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command("/qa smoke test"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        // two 503s waited through by the poller itself, two good looks; the reply uses the answer the last one read
        assertThat(json(end.output()).path("poll").path("polls").asInt()).isEqualTo(4);
        fx.fakes.qatech.verify(4, getRequestedFor(urlPathEqualTo("/v1/chat/" + chat)));
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        assertThat(json(edits.get(0).getBodyAsString()).path("body").asText()).contains("QA passed", "All good.");
    }

    @Test
    void endsInOneErrorReplyWhenPollingFailsForGood() throws Exception {
        String chat = "chat_gone1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, new Stubs.Answer(404, "{\"message\": \"Conversation not found\"}"));
        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), GitHubPayloads.command("/qa check the cart"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("ERROR");
        fx.fakes.qatech.verify(1, getRequestedFor(urlPathEqualTo("/v1/chat/" + chat)));   // a 404 is not retried
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        assertThat(json(edits.get(0).getBodyAsString()).path("body").asText())
                .contains("stopped following the conversation", "Conversation not found", "https://app.qa.tech/p/proj_demo/chat/" + chat);
        assertThat(reactions()).containsExactly("eyes", "confused");
    }

    @Test
    void fourConcurrentCopiesOfOneDeliveryStartExactlyOneConversation() throws Exception {
        String chat = "chat_once1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, "Done once."));
        String delivery = GitHubPayloads.newDelivery();
        byte[] body = GitHubPayloads.command("/qa check checkout").toString().getBytes(StandardCharsets.UTF_8);
        String signature = dev.qabridge.github.GitHubSignature.sign(GitHubPayloads.SECRET, body);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<HttpResponse<String>>> copies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            copies.add(() -> GitHubPayloads.send(fx.url(), "issue_comment", delivery, body, signature));
        }
        List<Integer> statuses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (Future<HttpResponse<String>> f : pool.invokeAll(copies)) {
            statuses.add(f.get().statusCode());
            bodies.add(f.get().body());
        }
        pool.shutdown();
        fx.awaitEnd("github-c" + json(new String(body, StandardCharsets.UTF_8)).path("comment").path("id").asText());

        assertThat(statuses).containsExactlyInAnyOrder(202, 200, 200, 200);
        assertThat(bodies.stream().filter(b -> b.contains("already handled")).count()).isEqualTo(3);
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        fx.fakes.github.verify(1, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
    }

    @Test
    void aRedeliveryOfTheSameCommentStartsNothingAndAGitHubHiccupOnThePrLookupIsRetriedByTheRun() throws Exception {
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/acme/shop/pulls/7")).inScenario("github-down")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("github-up"));
        String chat = "chat_retry1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, "Worked the second time."));
        String delivery = GitHubPayloads.newDelivery();
        var command = GitHubPayloads.command("/qa check the cart");

        var first = GitHubPayloads.deliver(fx.url(), "issue_comment", delivery, command);
        var redelivered = GitHubPayloads.deliver(fx.url(), "issue_comment", delivery, command);
        var underAnotherId = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), command);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(redelivered.statusCode()).isEqualTo(200);
        assertThat(json(redelivered.body()).path("ignored").asText()).contains("already handled");
        assertThat(underAnotherId.statusCode()).isEqualTo(200);
        assertThat(fx.awaitEnd(GitHubPayloads.runId(first)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        // the 502, its retry, and the reply checking whether the PR has moved on since
        fx.fakes.github.verify(3, getRequestedFor(urlPathEqualTo("/repos/acme/shop/pulls/7")));
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        fx.fakes.github.verify(1, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
    }

    @Test
    void fitsA70000CharacterUnicodeAnswerIntoOneGitHubCommentKeepingTheLink() throws Exception {
        String chat = "chat_long1";
        String longText = "Résumé 🚀 — ".repeat(6_000) + "END";   // 12 UTF-16 units per repeat, emoji are surrogate pairs
        assertThat(longText.length()).isGreaterThan(70_000);
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, longText));
        var answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa describe everything"));
        fx.awaitEnd(GitHubPayloads.runId(answer));

        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        String reply = json(edits.get(0).getBodyAsString()).path("body").asText();
        assertThat(reply.length()).isLessThanOrEqualTo(65_536).isGreaterThan(60_000);
        assertThat(reply).contains("Résumé 🚀", "shortened", "https://app.qa.tech/p/proj_demo/chat/" + chat, PREVIEW, "@octocat")
                .doesNotContain("END");
        assertThat(reply.codePoints().noneMatch(c -> Character.isSurrogate((char) c) && c <= 0xFFFF)).isTrue();
    }

    @Test
    void tellsThePrInWordsWhenQaTechRejectsTheKey() throws Exception {
        fx.fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"message\": \"Invalid API key\"}")));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check login"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("NOT_STARTED");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        // no conversation, so no status comment: the final word is one new comment
        List<LoggedRequest> posted = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posted).hasSize(1);
        fx.fakes.github.verify(0, patchRequestedFor(urlPathMatching("/repos/acme/shop/issues/comments/\\d+")));
        assertThat(json(posted.get(0).getBodyAsString()).path("body").asText())
                .contains("QA.tech rejected the API key (401)", "Invalid API key", "QATECH_API_KEY")
                .doesNotContain("it-qatech-key");
        assertThat(reactions()).containsExactly("eyes", "confused");
    }

    @Test
    void aQaTech503OnStartIsNeverSentAgainAndTheReplySaysTheConversationMayExist() throws Exception {
        fx.fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat")).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0")
                .withHeader("Content-Type", "application/json").withBody("{\"message\": \"maintenance\"}")));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check login"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("NOT_STARTED");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));   // a 5xx may have created it: never repeated
        List<LoggedRequest> posted = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posted).hasSize(1);
        assertThat(json(posted.get(0).getBodyAsString()).path("body").asText())
                .contains("QA.tech answered 503", "may have started the conversation", "does not send it twice");
    }

    @Test
    void aStartQaTechTurnedAwayUnprocessedIsSentAgainAndStartsOneConversation() throws Exception {
        String chat = "chat_429then1";
        fx.fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat")).inScenario("busy").whenScenarioStateIs(
                        com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("less busy")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody("{\"message\": \"slow down\"}")));
        fx.fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat")).inScenario("busy").whenScenarioStateIs("less busy")
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody(Stubs.conversation(chat, ""))));
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, "Fine after the wait."));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check login"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");
        fx.fakes.qatech.verify(2, postRequestedFor(urlPathEqualTo("/v1/chat")));   // the 429, then the one that started it
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
        fx.fakes.github.verify(1, patchRequestedFor(urlPathEqualTo(STATUS_COMMENT)));
    }

    @Test
    void answersHelpWithTheSyntaxAndTheSettingsInForce() throws Exception {
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa help"));
        fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(json(answer.body()).path("command").asText()).isEqualTo("help");
        List<LoggedRequest> posted = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posted).hasSize(1);
        String help = json(posted.get(0).getBodyAsString()).path("body").asText();
        assertThat(help).contains("/qa <what to test>", "--url", "COLLABORATOR, MEMBER, OWNER", "gives up after 5 min",
                ".github/qa-bridge.yml");
        assertThat(reactions()).containsExactly("eyes");
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void explainsTheThreeWaysToGiveAPreviewWhenNoneIsFound() throws Exception {
        fx.fakes.reset();
        Stubs.github(fx.fakes.github, null);

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("NO_PREVIEW");
        List<LoggedRequest> posted = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo(COMMENTS)));
        assertThat(posted).hasSize(1);
        assertThat(json(posted.get(0).getBodyAsString()).path("body").asText())
                .contains("--url", "deployment", "PREVIEW_URL_TEMPLATE", "No QA.tech conversation was started");
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void reactsConfusedToAnUntrustedCommenterAndRunsNothing() throws Exception {
        var comment = GitHubPayloads.comment("created", "/qa check the cart", "CONTRIBUTOR", true, "User");
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), comment);
        fx.awaitEnd("github-c" + GitHubPayloads.commentId(comment));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(json(answer.body()).path("ignored").asText()).contains("CONTRIBUTOR");
        assertThat(reactions()).containsExactly("confused");
        fx.fakes.github.verify(0, postRequestedFor(urlPathEqualTo(COMMENTS)));
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void ignoresEditedBotAndPlainIssueCommentsWithoutTouchingAnything() throws Exception {
        var edited = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.comment("edited", "/qa check the cart", "OWNER", true, "User"));
        var bot = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.comment("created", "/qa check the cart", "NONE", true, "Bot"));
        var issue = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.comment("created", "/qa check the cart", "OWNER", false, "User"));
        var notCommand = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qatech check the cart"));
        var otherEvent = GitHubPayloads.deliver(fx.url(), "push", GitHubPayloads.newDelivery(), JsonHttp.JSON.createObjectNode());
        var ping = GitHubPayloads.deliver(fx.url(), "ping", GitHubPayloads.newDelivery(), JsonHttp.JSON.createObjectNode().put("zen", "Keep it simple."));

        for (var r : List.of(edited, bot, issue, notCommand, otherEvent)) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r.body()).path("ignored").asText()).isNotBlank();
        }
        assertThat(json(edited.body()).path("ignored").asText()).contains("edited");
        assertThat(json(bot.body()).path("ignored").asText()).contains("bot");
        assertThat(json(issue.body()).path("ignored").asText()).contains("issue");
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(fx.fakes.github.getAllServeEvents()).isEmpty();
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesWrongAndMissingSignaturesWithAHint() throws Exception {
        byte[] body = GitHubPayloads.command("/qa check the cart").toString().getBytes(StandardCharsets.UTF_8);
        var wrong = GitHubPayloads.send(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), body,
                dev.qabridge.github.GitHubSignature.sign("not-the-secret", body));
        var missing = GitHubPayloads.send(fx.url(), "issue_comment", GitHubPayloads.newDelivery(), body, null);

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong.body()).path("error").asText()).contains("GITHUB_WEBHOOK_SECRET");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing.body()).path("error").asText()).contains("X-Hub-Signature-256");
        assertThat(fx.fakes.github.getAllServeEvents()).isEmpty();
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    private static List<String> reactions() {
        return Scenarios.reactions(fx.fakes);
    }

    private static JsonNode json(String text) {
        return Scenarios.json(text);
    }
}
