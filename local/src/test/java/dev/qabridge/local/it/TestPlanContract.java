package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.local.it.PlanStubs.Test;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20's test-plan runs, the same on GitHub and GitLab: {@code /qa plan [pln_…]} runs a QA.tech test plan on the
 * PR's preview with the same lifecycle as a conversation (👀, status comment, running status, one reply, one final
 * status), the verdict is QA.tech's ({@code result}), the reply lists the tests with failures first and their
 * evidence, {@code /qa rerun-failed} re-runs the failed tests, {@code /qa cancel} stops a plan run, and a preview
 * deployment runs {@code autoRun.testPlan}. The exact requests to QA.tech are asserted.
 */
abstract class TestPlanContract {
    private static final java.util.concurrent.atomic.AtomicInteger REPOSITORIES = new java.util.concurrent.atomic.AtomicInteger(100);

    /** This test's repository number: its ledger starts empty and no settings file leaks into the next test. */
    protected int n;

    @BeforeEach
    void aRepositoryOfItsOwn() {
        n = REPOSITORIES.incrementAndGet();
        stubPlatform();
    }

    abstract StackFixture fx();

    /** The PR/MR, its preview deployment and every write the bridge makes, answered. */
    abstract void stubPlatform();

    abstract HttpResponse<String> comment(String text) throws Exception;

    /** A successful preview deployment of the PR/MR's head. */
    abstract HttpResponse<String> deployed(long deployment) throws Exception;

    abstract String runId(HttpResponse<String> answer);

    abstract List<String> posted();

    abstract List<String> edits();

    abstract List<CommitStatuses.Sent> statuses();

    abstract void settingsFile(String yaml);

    abstract String preview();

    abstract String sha();

    abstract String repository();

    abstract String branch();

    /** The requester QA.tech's trigger names, and whether the trigger is GitHub's. */
    abstract String requester();

    abstract boolean onGitHub();

    abstract String runningState();

    abstract String cancelledState();

    private String run(String text) throws Exception {
        HttpResponse<String> answer = comment(text);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return runId(answer);
    }

    private DescribeExecutionResponse end(String runId) {
        DescribeExecutionResponse end = fx().awaitEnd(runId);
        assertThat(end.status()).as(runId).isIn(ExecutionStatus.SUCCEEDED, ExecutionStatus.ABORTED);
        return end;
    }

    private static JsonNode json(String text) {
        return Scenarios.json(text);
    }

    private List<LoggedRequest> starts() {
        return fx().fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/run")));
    }

    private static List<Test> passing() {
        return List.of(Test.passed("tc_p1", "Add to cart"), Test.passed("tc_p2", "Remove from cart"), Test.passed("tc_p3", "Pay by card"));
    }

    @org.junit.jupiter.api.Test
    void aPassingPlanRunsOnThePreviewWithTheTriggerAndPassesWithQaTechsOwnVerdict() throws Exception {
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", "run_pass" + n, 3);
        PlanStubs.polls(fx().fakes.qatech, "run_pass" + n, passing(), "INITIATED", "RUNNING", "COMPLETED/PASSED");

        String run = run("/qa plan pln_checkout");
        JsonNode out = json(end(run).output());

        assertThat(out.at("/reply/outcome").asText()).isEqualTo("COMPLETED");
        assertThat(out.at("/reply/verdict").asText()).isEqualTo("PASS");
        List<LoggedRequest> starts = starts();
        assertThat(starts).hasSize(1);
        assertThat(starts.getFirst().getHeader("Authorization")).isEqualTo("Bearer it-qatech-key");
        JsonNode request = json(starts.getFirst().getBodyAsString());
        assertThat(request.path("testPlanShortId").asText()).isEqualTo("pln_checkout");
        assertThat(request.path("projectShortId").asText()).isEqualTo("proj_demo");
        assertThat(request.path("applications")).hasSize(1);
        assertThat(request.at("/applications/0/applicationShortId").asText()).isEqualTo("app_shop");
        assertThat(request.at("/applications/0/environment/url").asText()).isEqualTo(preview());
        if (onGitHub()) {
            assertThat(request.path("trigger").asText()).isEqualTo("GITHUB");
            assertThat(request.path("actor").asText()).isEqualTo(requester());
            assertThat(request.path("branch").asText()).isEqualTo(branch());
            assertThat(request.path("commitHash").asText()).isEqualTo(sha());
            assertThat(request.path("repository").asText()).isEqualTo(repository());
        } else {
            assertThat(request.path("trigger").asText()).isEqualTo("API");
            assertThat(request.has("actor")).isFalse();
        }
        fx().fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
        List<LoggedRequest> looks = fx().fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/run/run_pass" + n)));
        assertThat(looks).allSatisfy(r -> assertThat(r.queryParameter("testCases").firstValue()).isEqualTo("all"));

        assertThat(posted()).singleElement().asString().contains("QA.tech is testing this preview", "Test plan run in QA.tech",
                PlanStubs.runUrl("run_pass" + n));
        String reply = edits().getLast();
        assertThat(BotText.headings(reply)).startsWith("### ✅ Test plan passed");
        assertThat(reply).contains("3 tests passed", "Add to cart", "Pay by card", PlanStubs.runUrl("run_pass" + n))
                .doesNotContain("rerun-failed");
        assertThat(statuses()).extracting(CommitStatuses.Sent::state).containsExactly(runningState(), "success");
        assertThat(statuses().getLast().description()).isEqualTo("Test plan passed: 3 tests passed");
        assertThat(statuses().getLast().targetUrl()).isEqualTo(PlanStubs.runUrl("run_pass" + n));
    }

    @org.junit.jupiter.api.Test
    void aFailingPlanFailsTheStatusAndRepliesWithFailuresFirstTheirScreenshotsRecordingsAndReasoning() throws Exception {
        String id = "run_fail" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", id, 4);
        List<Test> tests = List.of(Test.passed("tc_f1", "Add to cart"),
                Test.failed("tc_f2", "Pay by card @acme/payments", "Pay button does nothing <img src=x onerror=alert(1)>",
                        "Clicked **Pay**; nothing happened for 30 s.\n/close\n@octocat should look at this"),
                Test.passed("tc_f3", "Remove from cart"),
                Test.failed("tc_f4", "Apply a | coupon", "Coupon field missing", "There was no coupon field on the cart page."));
        PlanStubs.polls(fx().fakes.qatech, id, tests, "RUNNING", "COMPLETED/FAILED");

        String run = run("/qa plan pln_checkout");
        JsonNode out = json(end(run).output());

        assertThat(out.at("/reply/verdict").asText()).isEqualTo("FAIL");
        String reply = edits().getLast();
        assertThat(BotText.headings(reply)).startsWith("### ❌ Test plan failed");
        assertThat(reply).contains("2 of 4 tests failed", "tc_f2.png", "tc_f2.webm", "tc_f4.png", "tc_f4.webm", "QA.tech's reasoning",
                "nothing happened for 30 s", "2 tests passed", "rerun-failed", "Apply a \\| coupon")
                .doesNotContain("<img");
        // failures first: both failed tests come before the folded passed ones
        assertThat(reply.indexOf("Pay by card")).isLessThan(reply.indexOf("Add to cart"));
        assertThat(reply.indexOf("Apply a")).isLessThan(reply.indexOf("Add to cart"));
        // the one mention is the bridge's own "Asked by"; nothing QA.tech wrote pings anyone (@acme/payments, @octocat in the reasoning)
        assertThat(BotText.mentions(reply)).containsExactly("@" + requester());
        assertThat(BotText.quickActionLines(reply)).isEmpty();
        // every failed test's evidence was read, no passed test's
        fx().fakes.qatech.verify(1, getRequestedFor(urlPathEqualTo("/v1/run-test-case/tc_f2")));
        fx().fakes.qatech.verify(1, getRequestedFor(urlPathEqualTo("/v1/run-test-case/tc_f4")));
        fx().fakes.qatech.verify(0, getRequestedFor(urlPathEqualTo("/v1/run-test-case/tc_f1")));
        assertThat(statuses()).extracting(CommitStatuses.Sent::state).containsExactly(runningState(), failureState());
        assertThat(statuses().getLast().description()).isEqualTo("Test plan failed: 2 of 4 tests failed");
    }

    /** The state a failed check ends in (GitLab {@code failed}; GitHub {@code failure}). */
    abstract String failureState();

    @org.junit.jupiter.api.Test
    void aPlanWhoseFailuresAreAllAgentMissesIsAnErrorNotAFailure() throws Exception {
        String id = "run_miss" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", id, 3);
        PlanStubs.polls(fx().fakes.qatech, id, List.of(Test.passed("tc_m1", "Add to cart"),
                Test.agentMiss("tc_m2", "Pay by card", "AGENT_NAVIGATION_TIMEOUT"), Test.agentMiss("tc_m3", "Coupon", "PLATFORM_UNAVAILABLE")),
                "COMPLETED/FAILED");

        JsonNode out = json(end(run("/qa plan pln_checkout")).output());

        assertThat(out.at("/reply/outcome").asText()).isEqualTo("ERROR");
        assertThat(out.at("/reply/verdict").asText()).isEqualTo("NONE");
        String reply = edits().getLast();
        assertThat(BotText.headings(reply)).startsWith("### ⚠️ The agent could not execute the failed tests");
        assertThat(reply).contains("2 of 3 tests failed", "AGENT_NAVIGATION_TIMEOUT", "PLATFORM_UNAVAILABLE", "says nothing about the product");
        assertThat(statuses().getLast().state()).isIn("error", "failed");
        assertThat(statuses().getLast().description()).startsWith("The agent could not execute the failed tests: 2 of 3 tests failed");
    }

    @org.junit.jupiter.api.Test
    void withOnAgentMissFailureTheSameRunFailsTheStatus() throws Exception {
        settingsFile("status:\n  onAgentMiss: failure\n");
        String id = "run_missf" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", id, 2);
        PlanStubs.polls(fx().fakes.qatech, id, List.of(Test.agentMiss("tc_mf1", "Pay by card", "AGENT_STUCK")), "COMPLETED/FAILED");

        JsonNode out = json(end(run("/qa plan pln_checkout")).output());

        assertThat(out.at("/reply/verdict").asText()).isEqualTo("FAIL");
        assertThat(statuses().getLast().state()).isEqualTo(failureState());
    }

    @org.junit.jupiter.api.Test
    void anErrorRunHasNoVerdictAndEndsInTheNoVerdictStatus() throws Exception {
        String id = "run_err" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", id, 3);
        PlanStubs.polls(fx().fakes.qatech, id, List.of(), "RUNNING", "ERROR");

        JsonNode out = json(end(run("/qa plan pln_checkout")).output());

        assertThat(out.at("/reply/verdict").asText()).isEqualTo("NONE");
        assertThat(BotText.headings(edits().getLast())).startsWith("### ⚠️ Test plan run without a verdict");
        assertThat(edits().getLast()).contains("The test plan run ended in an error");
        assertThat(statuses().getLast().state()).isIn("error", "failed");
        assertThat(statuses().getLast().description()).isEqualTo("Test plan run without a verdict: The test plan run ended in an error");
    }

    @org.junit.jupiter.api.Test
    void usageLimitReachedIsOneClearReplyAndAnErrorStatus() throws Exception {
        PlanStubs.refused(fx().fakes.qatech, "/v1/run", 402, "Usage limit reached");

        JsonNode out = json(end(run("/qa plan pln_checkout")).output());

        assertThat(out.at("/reply/outcome").asText()).isEqualTo("NOT_STARTED");
        assertThat(starts()).hasSize(1);   // a refusal is not sent again
        List<String> said = new java.util.ArrayList<>(posted());
        said.addAll(edits());
        assertThat(said).filteredOn(b -> b.contains("usage limit is reached (402)")).hasSize(1);
        assertThat(statuses()).extracting(CommitStatuses.Sent::state).containsExactly(errorState());
        assertThat(statuses().getFirst().sha()).isEqualTo(sha());
    }

    /** The state an error ends in (GitLab {@code failed}; GitHub {@code error}). */
    abstract String errorState();

    @org.junit.jupiter.api.Test
    void aRunQaTechCannotFindLaterEndsWithOneReplyAndOneFinalStatusAndStatusNamesItsKind() throws Exception {
        String id = "run_gone" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", id, 3);
        fx().fakes.qatech.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/v1/run/" + id))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(404)
                        .withHeader("Content-Type", "application/json").withBody("{\"message\": \"Run not found\"}")));

        JsonNode out = json(end(run("/qa plan pln_checkout")).output());

        assertThat(out.at("/reply/outcome").asText()).isEqualTo("ERROR");
        assertThat(edits()).singleElement().asString().contains("stopped following the test plan run", "404");
        assertThat(statuses()).extracting(CommitStatuses.Sent::state).containsExactly(runningState(), errorState());

        end(run("/qa status"));
        assertThat(posted().getLast()).contains("runs on this", "[test plan run](" + PlanStubs.runUrl(id) + ")");
    }

    @org.junit.jupiter.api.Test
    void aBadPlanIdOrNoPlanAtAllIsOneCommentAndNothingAtQaTech() throws Exception {
        end(run("/qa plan checkout-tests"));
        end(run("/qa plan"));

        assertThat(posted()).hasSize(2);
        assertThat(posted().get(0)).contains("`checkout-tests` is not a QA.tech test plan id", "pln_…");
        assertThat(posted().get(1)).contains("no test plan to run", "qatech.testPlan", "QATECH_TEST_PLAN");
        assertThat(fx().fakes.qatech.getAllServeEvents()).isEmpty();
        assertThat(statuses()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void theRepositorysPlanRunsWhenTheCommandNamesNone() throws Exception {
        settingsFile("qatech:\n  testPlan: pln_repo-default_x1\n");
        PlanStubs.started(fx().fakes.qatech, "pln_repo-default_x1", "run_def" + n, 3);
        PlanStubs.polls(fx().fakes.qatech, "run_def" + n, passing(), "COMPLETED/PASSED");

        end(run("/qa plan"));

        assertThat(json(starts().getFirst().getBodyAsString()).path("testPlanShortId").asText()).isEqualTo("pln_repo-default_x1");
    }

    @org.junit.jupiter.api.Test
    void rerunFailedReRunsTheLatestPlanRunsFailedTestsAndFollowsTheNewRun() throws Exception {
        String first = "run_rf1_" + n;
        String second = "run_rf2_" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", first, 2);
        PlanStubs.polls(fx().fakes.qatech, first, List.of(Test.passed("tc_r1", "Add to cart"),
                Test.failed("tc_r2", "Pay by card", "Pay button does nothing", "Nothing happened.")), "COMPLETED/FAILED");
        end(run("/qa plan pln_checkout"));
        PlanStubs.rerun(fx().fakes.qatech, first, "pln_checkout", second, 1);
        PlanStubs.polls(fx().fakes.qatech, second, List.of(Test.passed("tc_r3", "Pay by card")), "RUNNING", "COMPLETED/PASSED");

        JsonNode out = json(end(run("/qa rerun-failed")).output());

        List<LoggedRequest> reruns = fx().fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/run/" + first)));
        assertThat(reruns).hasSize(1);
        assertThat(json(reruns.getFirst().getBodyAsString())).isEqualTo(json("{\"failedOnly\": true}"));
        assertThat(starts()).hasSize(1);   // no new plan run: the re-run is QA.tech's
        assertThat(out.at("/conversation/id").asText()).isEqualTo(second);
        assertThat(out.at("/reply/verdict").asText()).isEqualTo("PASS");
        assertThat(BotText.headings(edits().getLast())).startsWith("### ✅ Test plan passed");
        assertThat(statuses()).extracting(CommitStatuses.Sent::state).containsExactly(runningState(), failureState(), runningState(), "success");
    }

    @org.junit.jupiter.api.Test
    void rerunFailedWithoutAPlanRunSaysHowToStartOne() throws Exception {
        end(run("/qa rerun-failed"));

        assertThat(posted()).singleElement().asString().contains("no test plan run to re-run", "/qa plan", "/qa rerun-failed");
        assertThat(fx().fakes.qatech.getAllServeEvents()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void cancelStopsAPlanRunAndItsStatusSaysSo() throws Exception {
        String id = "run_cancel" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_checkout", id, 3);
        PlanStubs.polls(fx().fakes.qatech, id, passing(), "RUNNING");
        String plan = run("/qa plan pln_checkout");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !fx().fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/run/" + id))).isEmpty());

        end(run("/qa cancel"));

        assertThat(fx().awaitEnd(plan).status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(edits()).anySatisfy(e -> assertThat(e).contains("Cancelled"));
        assertThat(statuses()).extracting(CommitStatuses.Sent::state).containsExactly(runningState(), cancelledState());
    }

    @org.junit.jupiter.api.Test
    void aPreviewDeploymentRunsTheRepositorysAutomaticPlanInsteadOfAConversation() throws Exception {
        settingsFile("autoRun:\n  testPlan: pln_smoke\n");
        String id = "run_auto" + n;
        PlanStubs.started(fx().fakes.qatech, "pln_smoke", id, 3);
        PlanStubs.polls(fx().fakes.qatech, id, passing(), "RUNNING", "COMPLETED/PASSED");

        HttpResponse<String> answer = deployed(8000 + n);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode out = json(end(runId(answer)).output());

        assertThat(out.at("/reply/verdict").asText()).isEqualTo("PASS");
        assertThat(json(starts().getFirst().getBodyAsString()).path("testPlanShortId").asText()).isEqualTo("pln_smoke");
        assertThat(json(starts().getFirst().getBodyAsString()).at("/applications/0/environment/url").asText()).isEqualTo(preview());
        fx().fakes.qatech.verify(0, postRequestedFor(urlPathMatching("/v1/chat.*")));
        assertThat(statuses().getLast().description()).isEqualTo("Test plan passed: 3 tests passed");
        // once per deployment, as every automatic run
        HttpResponse<String> again = deployed(8000 + n);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(starts()).hasSize(1);
    }

    static String body(LoggedRequest r) {
        try {
            return JsonHttp.JSON.readTree(r.getBodyAsString()).path("body").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
