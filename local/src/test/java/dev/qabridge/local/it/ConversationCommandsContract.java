package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12's commands, the same on GitHub and GitLab: a follow-up in a long conversation, one run at a
 * time (reject, queue, parallel), {@code /qa cancel}, {@code /qa status}, and new commits (noted, or
 * cancelling with {@code cancelOnPush}). Each platform's subclass says how a command is delivered and
 * where comments, edits and commit statuses land; the assertions read the fakes' exact requests.
 *
 * <p>Each test works in a repository of its own ({@link #n}): its PR/MR's ledger starts empty, and the
 * settings file the webhook caches per repository for a minute cannot leak into the next test.
 */
abstract class ConversationCommandsContract {
    static final String NEW_HEAD = "1111111111111111111111111111111111111111";
    private static final java.util.concurrent.atomic.AtomicInteger REPOSITORIES = new java.util.concurrent.atomic.AtomicInteger();

    /** This test's repository number. */
    protected int n;

    @org.junit.jupiter.api.BeforeEach
    void aRepositoryOfItsOwn() {
        n = REPOSITORIES.incrementAndGet();
    }

    abstract StackFixture fx();

    /** The PR/MR, its preview deployment, and every write the bridge makes, answered. */
    abstract void stubPlatform();

    abstract WireMockServer platform();

    /** Delivers a new comment/note with {@code text} and returns the webhook's answer. */
    abstract HttpResponse<String> comment(String text) throws Exception;

    abstract String runId(HttpResponse<String> answer);

    /** The bodies of new comments/notes, in order. */
    abstract List<String> posted();

    /** The bodies of edits to comments/notes, in order. */
    abstract List<String> edits();

    /** The commit statuses sent: state and description. */
    abstract List<CommitStatuses.Sent> statuses();

    /** The state a cancelled run's commit status ends in (GitLab {@code canceled}; GitHub {@code error}). */
    abstract String cancelledState();

    /** The repository settings file on the default branch. */
    abstract void settingsFile(String yaml);

    /** From now on the PR/MR's head is {@code sha}. */
    abstract void headMovesTo(String sha);

    /** The platform's "new commits on the PR/MR" delivery for head {@code sha}. */
    abstract HttpResponse<String> pushed(String sha) throws Exception;

    private String run(String text) throws Exception {
        HttpResponse<String> answer = comment(text);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return runId(answer);
    }

    private DescribeExecutionResponse end(String runId) {
        return fx().awaitEnd(runId);
    }

    /** The run's execution output, read with JSON Pointers ({@code output(run).at("/reply/outcome")}). */
    private com.fasterxml.jackson.databind.JsonNode output(String runId) throws Exception {
        return JsonHttp.JSON.readTree(end(runId).output());
    }

    /** Waits until the agent has been asked {@code n} times in all. */
    private void awaitConversationsStarted(int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> fx().fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).size() >= n);
    }

    /** Waits until the bridge has looked at {@code chat} at least once (its run is in the wait loop). */
    private void awaitPolled(String chat) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !fx().fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/chat/" + chat))).isEmpty());
    }

    /** Nothing more is edited for a few seconds after the agent finished: a stopped run writes no reply. */
    private void assertNoReplyFollows(String chat) {
        Stubs.chatPolls(fx().fakes.qatech, chat, Stubs.passed(chat, "Late answer from a stopped run."));
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(250))
                .until(() -> edits().stream().noneMatch(e -> e.contains("Late answer")));
    }

    // ---- follow-up

    @Test
    void aFollowUpInAConversationOf60MessagesRepliesWithTheNewAnswerNotAnOldOne() throws Exception {
        stubPlatform();
        String chat = "chat_fu_" + getClass().getSimpleName();
        Stubs.chatStarted(fx().fakes.qatech, chat);
        Stubs.chatPolls(fx().fakes.qatech, chat, Stubs.passed(chat, "The cart works."));
        assertThat(end(run("/qa check the cart")).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        fx().fakes.qatech.resetAll();
        fx().fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat/" + chat)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(Stubs.conversation(chat, ""))));
        LongConversation.stub(fx().fakes.qatech, chat, "now try it logged out", Instant.now(),
                "Logged out, the cart starts empty and keeps what I add.\n\nVerdict: PASS");
        platform().resetRequests();
        String followUp = run("/qa followup now try it logged out");

        var out = output(followUp);
        assertThat(out.at("/reply/outcome").asText()).isEqualTo("COMPLETED");
        assertThat(out.at("/reply/verdict").asText()).isEqualTo("PASS");
        List<LoggedRequest> sent = fx().fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/" + chat)));
        assertThat(sent).hasSize(1);
        assertThat(JsonHttp.JSON.readTree(sent.getFirst().getBodyAsString()).path("message").asText()).startsWith("now try it logged out");
        fx().fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));   // the same conversation, no new one
        assertThat(fx().fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/chat/" + chat)))).as("looked until the new answer was done")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(posted()).singleElement().asString().contains("now try it logged out");   // its own status comment
        assertThat(edits()).last().asString().contains("Logged out, the cart starts empty").doesNotContain(LongConversation.OLD_ANSWER);
        assertThat(CommitStatuses.states(statuses())).containsExactly(runningState(), "success");
    }

    @Test
    void aFollowUpWithoutAnEarlierConversationSaysSoAndShowsHowToStart() throws Exception {
        stubPlatform();
        String run = run("/qa ask what failed?");

        assertThat(end(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(posted()).singleElement().asString().contains("nothing to follow up on", "/qa <what to test>", "/qa followup <text>");
        assertThat(fx().fakes.qatech.getAllServeEvents()).isEmpty();
        assertThat(statuses()).isEmpty();
    }

    // ---- one run at a time

    @Test
    void aSecondCommandWhileOneRunsIsRefusedWithOneCommentThenCancelStopsTheFirstAndItNeverReplies() throws Exception {
        stubPlatform();
        String chat = "chat_busy_" + getClass().getSimpleName();
        Stubs.chatStarted(fx().fakes.qatech, chat);
        Stubs.chatPolls(fx().fakes.qatech, chat, Stubs.running(chat));
        String first = run("/qa check the cart");
        awaitPolled(chat);

        String second = run("/qa check the wishlist");
        assertThat(end(second).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<String> comments = posted();
        assertThat(comments).hasSize(2);   // the first run's status comment, the refusal
        assertThat(comments.get(1)).contains("a run is going", "/qa cancel", "https://app.qa.tech/p/proj_demo/chat/" + chat);
        fx().fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));

        String cancel = run("/qa cancel");
        assertThat(end(cancel).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(end(first).status()).as("the first run's execution").isEqualTo(ExecutionStatus.ABORTED);
        assertThat(edits()).anySatisfy(e -> assertThat(e).contains("Cancelled", "cancelled by @", "may still finish"));
        assertThat(posted()).last().asString().contains("Cancelled 1 run", first, "QA.tech has no way to stop its agent");
        List<CommitStatuses.Sent> sent = statuses();
        assertThat(CommitStatuses.states(sent)).containsExactly(runningState(), cancelledState());
        assertThat(sent.getLast().description()).containsIgnoringCase("cancelled");
        assertNoReplyFollows(chat);
    }

    @Test
    void withQueueASecondCommandWaitsForTheFirstReplyThenRuns() throws Exception {
        stubPlatform();
        settingsFile("commands:\n  concurrency: queue\n");
        String firstChat = "chat_q1_" + getClass().getSimpleName();
        String secondChat = "chat_q2_" + getClass().getSimpleName();
        Stubs.chatStartedFor(fx().fakes.qatech, "check the cart", firstChat);
        Stubs.chatStartedFor(fx().fakes.qatech, "check the wishlist", secondChat);
        Stubs.chatPolls(fx().fakes.qatech, firstChat, Stubs.running(firstChat));
        Stubs.chatPolls(fx().fakes.qatech, secondChat, Stubs.passed(secondChat, "The wishlist works."));
        String first = run("/qa check the cart");
        awaitPolled(firstChat);
        String second = run("/qa check the wishlist");
        // The second run is queued: it has not asked the agent while the first is going.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> fx().fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).size() == 1);

        Stubs.chatPolls(fx().fakes.qatech, firstChat, Stubs.passed(firstChat, "The cart works."));

        assertThat(output(first).at("/reply/outcome").asText()).isEqualTo("COMPLETED");
        assertThat(output(second).at("/reply/outcome").asText()).isEqualTo("COMPLETED");
        List<LoggedRequest> starts = fx().fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(2);
        Instant firstReplied = firstEditContaining("The cart works.");
        assertThat(starts.get(1).getLoggedDate().toInstant()).as("the second conversation starts after the first reply")
                .isAfterOrEqualTo(firstReplied);
        assertThat(edits()).anySatisfy(e -> assertThat(e).contains("The wishlist works."));
    }

    @Test
    void withParallelTwoCommandsRunSideBySide() throws Exception {
        stubPlatform();
        settingsFile("commands:\n  concurrency: parallel\n");
        String a = "chat_pa_" + getClass().getSimpleName();
        String b = "chat_pb_" + getClass().getSimpleName();
        Stubs.chatStartedFor(fx().fakes.qatech, "check the cart", a);
        Stubs.chatStartedFor(fx().fakes.qatech, "check the wishlist", b);
        Stubs.chatPolls(fx().fakes.qatech, a, Stubs.running(a));
        Stubs.chatPolls(fx().fakes.qatech, b, Stubs.running(b));
        String first = run("/qa check the cart");
        String second = run("/qa check the wishlist");
        awaitPolled(a);
        awaitPolled(b);   // both are in the wait loop at once
        Stubs.chatPolls(fx().fakes.qatech, a, Stubs.passed(a, "The cart works."));
        Stubs.chatPolls(fx().fakes.qatech, b, Stubs.passed(b, "The wishlist works."));

        assertThat(output(first).at("/reply/outcome").asText()).isEqualTo("COMPLETED");
        assertThat(output(second).at("/reply/outcome").asText()).isEqualTo("COMPLETED");
        assertThat(edits()).anySatisfy(e -> assertThat(e).contains("The cart works."))
                .anySatisfy(e -> assertThat(e).contains("The wishlist works."));
        assertThat(posted()).noneSatisfy(p -> assertThat(p).contains("a run is going"));
    }

    // ---- status

    @Test
    void statusListsThisPullRequestsRunsNewestFirst() throws Exception {
        stubPlatform();
        String chat = "chat_st_" + getClass().getSimpleName();
        Stubs.chatStarted(fx().fakes.qatech, chat);
        Stubs.chatPolls(fx().fakes.qatech, chat, Stubs.passed(chat, "The cart works."));
        String done = run("/qa check the status page");
        assertThat(end(done).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        String status = run("/qa status");
        assertThat(end(status).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        String table = posted().getLast();
        assertThat(table).contains("runs on this", "| asked by | when | commit | outcome | conversation |",
                "QA passed", "https://app.qa.tech/p/proj_demo/chat/" + chat, shaShown());
        assertThat(table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| asked by")).count()).isBetween(1L, 10L);
        assertThat(fx().fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")))).hasSize(1);   // status starts nothing
    }

    // ---- new commits

    @Test
    void newCommitsLeaveARunningCommandAloneButItsReplySaysThePullRequestMovedOn() throws Exception {
        stubPlatform();
        String chat = "chat_mv_" + getClass().getSimpleName();
        Stubs.chatStarted(fx().fakes.qatech, chat);
        Stubs.chatPolls(fx().fakes.qatech, chat, Stubs.running(chat));
        String first = run("/qa check the cart");
        awaitPolled(chat);

        headMovesTo(NEW_HEAD);
        HttpResponse<String> push = pushed(NEW_HEAD);
        assertThat(push.statusCode()).isEqualTo(200);
        assertThat(push.body()).contains("new commits noted");
        Stubs.chatPolls(fx().fakes.qatech, chat, Stubs.passed(chat, "The cart works."));

        assertThat(end(first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(edits()).last().asString().contains("The cart works.", "moved on to `1111111`");
    }

    @Test
    void withCancelOnPushNewCommitsCancelTheRunOnTheOldHead() throws Exception {
        stubPlatform();
        settingsFile("commands:\n  cancelOnPush: true\n");
        String chat = "chat_cp_" + getClass().getSimpleName();
        Stubs.chatStarted(fx().fakes.qatech, chat);
        Stubs.chatPolls(fx().fakes.qatech, chat, Stubs.running(chat));
        String first = run("/qa check the cart");
        awaitPolled(chat);

        headMovesTo(NEW_HEAD);
        HttpResponse<String> push = pushed(NEW_HEAD);
        assertThat(push.statusCode()).as(push.body()).isEqualTo(202);
        assertThat(end(runId(push)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        assertThat(end(first).status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(edits()).anySatisfy(e -> assertThat(e).contains("Cancelled", "moved on to `1111111`", "QA_CANCEL_ON_PUSH"));
        assertThat(CommitStatuses.states(statuses())).containsExactly(runningState(), cancelledState());
        assertThat(statuses().getLast().sha()).as("the old head's status").isNotEqualTo(NEW_HEAD);
        assertNoReplyFollows(chat);
    }

    /** The commit status state of a run in progress. */
    abstract String runningState();

    /** How the status table shows the PR's head commit. */
    abstract String shaShown();

    private Instant firstEditContaining(String text) {
        List<LoggedRequest> all = new ArrayList<>(editRequests());
        return all.stream().filter(r -> r.getBodyAsString().contains(text)).map(r -> r.getLoggedDate().toInstant()).findFirst()
                .orElseThrow(() -> new AssertionError("no edit contains " + text));
    }

    abstract List<LoggedRequest> editRequests();

    /** Oldest first. */
    static List<LoggedRequest> sorted(List<LoggedRequest> requests) {
        return requests.stream().sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    /** The comment or note bodies of {@code requests}, oldest first. */
    static List<String> bodies(List<LoggedRequest> requests) {
        return sorted(requests).stream().map(r -> Scenarios.json(r.getBodyAsString()).path("body").asText()).toList();
    }

    /** A QA.tech conversation with 60 earlier messages, then the bridge's follow-up, whose answer is first running then done. */
    static final class LongConversation {
        static final String OLD_ANSWER = "Old answer number";

        static void stub(WireMockServer qa, String chat, String followUp, Instant sentAt, String answer) {
            List<String> older = new ArrayList<>();   // newest first
            for (int i = 30; i >= 1; i--) {
                String at = Instant.parse("2026-11-20T10:00:00Z").plusSeconds(i * 120L).toString();
                older.add(message("a" + i, "assistant", at, OLD_ANSWER + " " + i + ".\n\nVerdict: FAIL", "COMPLETED"));
                older.add(message("u" + i, "user", at, "Earlier question " + i, "COMPLETED"));
            }
            String ours = message("u-new", "user", sentAt.toString(), followUp + "\n\n" + dev.qabridge.core.Verdict.REQUEST, "COMPLETED");
            String running = message("a-new", "assistant", sentAt.plusSeconds(1).toString(), "Working on it…", "RUNNING");
            String done = message("a-new", "assistant", sentAt.plusSeconds(30).toString(), answer, "COMPLETED");
            List<String> first = new ArrayList<>(List.of(running, ours));
            first.addAll(older);
            List<String> second = new ArrayList<>(List.of(done, ours));
            second.addAll(older);
            // limit honoured: the newest `limit` messages, as QA.tech pages them
            for (String limit : List.of("20", "200")) {
                int n = Integer.parseInt(limit);
                qa.stubFor(get(urlPathEqualTo("/v1/chat/" + chat)).withQueryParam("limit", equalTo(limit)).inScenario("long-" + chat)
                        .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                        .willReturn(okJson(Stubs.conversation(chat, String.join(",", first.subList(0, Math.min(n, first.size()))))))
                        .willSetStateTo("answered"));
                qa.stubFor(get(urlPathEqualTo("/v1/chat/" + chat)).withQueryParam("limit", equalTo(limit)).inScenario("long-" + chat)
                        .whenScenarioStateIs("answered")
                        .willReturn(okJson(Stubs.conversation(chat, String.join(",", second.subList(0, Math.min(n, second.size())))))));
            }
        }

        private static String message(String id, String role, String at, String text, String status) {
            var m = JsonHttp.JSON.createObjectNode().put("id", id).put("role", role).put("createdAt", at).put("text", text)
                    .put("status", status).put("isStreaming", false);
            return m.toString();
        }
    }
}
