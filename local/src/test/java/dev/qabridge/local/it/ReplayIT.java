package dev.qabridge.local.it;

import dev.qabridge.local.demo.Replay;

import dev.qabridge.local.stack.DeliveryLog;
import dev.qabridge.local.stack.LocalStack;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./qa-bridge replay} against a running local stack: a fresh, freshly signed delivery, then each step of its run. */
class ReplayIT {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @Test
    void replaysAnEventsFileAsANewSignedDeliveryAndReportsEachStep() throws Exception {
        Stubs.github(fx.fakes.github, "https://pr-7.preview.example.com");
        Stubs.chatStarted(fx.fakes.qatech, "chat_example1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_example1", Stubs.running("chat_example1"), Stubs.passed("chat_example1", "ok"));
        var file = LocalStack.root().resolve("events/github-comment-qa.json");
        Map<String, String> settings = Map.of("GITHUB_WEBHOOK_SECRET", GitHubPayloads.SECRET);

        Replay.Sent first = Replay.send(fx.url(), file, settings);
        List<String> steps = new ArrayList<>();
        JsonNode end = Replay.follow(fx.url(), first.runId(), Duration.ofSeconds(60), steps::add);
        // the same file again (after the first run, whose conversation the fake scripts): a new delivery
        Replay.Sent second = Replay.send(fx.url(), file, settings);

        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).as("a replay is a new delivery, not a duplicate").isEqualTo(202);
        assertThat(second.runId()).isNotEqualTo(first.runId());
        assertThat(end.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(steps).containsExactly(
                "preview: https://pr-7.preview.example.com (deployment)",
                "conversation: chat_example1 started",
                "status comment 9001 posted",
                "commit status: running on 6dcb09b",
                "looked 2×: COMPLETED",
                "reply: COMPLETED (verdict PASS), status comment edited in place",
                "commit status: success");
        // Acknowledge, HasSettingsProblem, WhatWasAsked, LoadRunIndex, PlanRegistration, RegisterRun, NeedsTurn, PrepareTurn,
        // TurnExpired, TakeTurn, RecordStarting, ResolvePreview, HasPreview, StartConversation, PostStatus, ReportRunning, RecordRun,
        // SupersedesARun, WaitBeforePoll, PollConversation, IsConversationDone, ClaimFinalWord, Reply, RecordOutcome, ReleaseTurn,
        // ReportResult, EndOfRun, Done
        assertThat(end.path("stateTransitions").asInt()).isEqualTo(28);
        fx.awaitEnd(second.runId());
        fx.fakes.qatech.verify(2, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void aRunThatFailsShowsItsCauseInItsSteps() throws Exception {
        fx.fakes.github.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}")));

        Replay.Sent sent = Replay.send(fx.url(), LocalStack.root().resolve("events/github-comment-qa.json"),
                Map.of("GITHUB_WEBHOOK_SECRET", GitHubPayloads.SECRET));
        List<String> steps = new ArrayList<>();
        JsonNode end = Replay.follow(fx.url(), sent.runId(), Duration.ofSeconds(90), steps::add);

        assertThat(sent.status()).isEqualTo(202);
        assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("preview: could not be looked up (GitHub answered 401: Bad credentials"));
        assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("reply: could not be written at all (GitHub answered 401"));
        assertThat(end.path("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aDeliveryTheBridgeFailsOnIsShownWithItsCauseFromTheLocalStacksLog() throws Exception {
        DeliveryLog.sendTo(System.out); // as ./qa-bridge local does
        // GitLab cannot say right now whether the commenter may run commands: the webhook decides nothing (503) and says why
        fx.fakes.gitlab.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(502).withBody("bad gateway")));

        Replay.Sent sent = Replay.send(fx.url(), LocalStack.root().resolve("events/gitlab-note-qa.json"),
                Map.of("GITLAB_WEBHOOK_SECRET", GitLabPayloads.SECRET));

        assertThat(sent.status()).isEqualTo(503);
        assertThat(Replay.causeLine(fx.url(), sent))
                .isEqualTo("  cause, from the local stack's log of delivery " + sent.delivery() + ": GitLab answered 502");
    }

    @Test
    void aReplayWithTheWrongSecretIsRefused() throws Exception {
        Replay.Sent sent = Replay.send(fx.url(), LocalStack.root().resolve("events/github-comment-qa.json"),
                Map.of("GITHUB_WEBHOOK_SECRET", "some-other-secret"));

        assertThat(sent.status()).isEqualTo(401);
        assertThat(sent.runId()).isEmpty();
    }
}
