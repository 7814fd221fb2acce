package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.local.it.PlanStubs.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test-plan runs in GitHub App mode: the check run carries the run's summary (the failed tests and their evidence),
 * offers "Re-run failed tests" when tests failed, and that button (a {@code check_run} {@code requested_action}
 * {@code rerun-failed}, from someone with write access) re-runs the failed tests and follows the new run.
 */
class TestPlanAppIT {
    private static final String SHOP = GitHubPayloads.REPO;
    private static final String CHECK_RUNS = "/repos/" + SHOP + "/check-runs";
    private static final String CHECK_RUN = CHECK_RUNS + "/" + Stubs.CHECK_RUN_ID;
    private static final long INSTALLATION = 818;

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClassAsApp(Map.of());

    private static WireMockServer github() {
        return fx.fakes.github;
    }

    @BeforeEach
    void stubs() {
        fx.fakes.app().tokenLifetime(Duration.ofHours(1));
        Stubs.github(github(), Scenarios.PREVIEW);
        Stubs.checkRuns(github(), SHOP);
        github().stubFor(get(urlPathEqualTo("/repos/" + SHOP + "/collaborators/bob/permission")).willReturn(okJson("""
                {"permission": "write", "role_name": "write", "user": {"login": "bob", "id": 9001}}""")));
        github().stubFor(get(urlPathEqualTo("/repos/" + SHOP + "/collaborators/mallory/permission")).willReturn(okJson("""
                {"permission": "read", "role_name": "read", "user": {"login": "mallory", "id": 9002}}""")));
    }

    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(github()));
    }

    private static List<Test> failing() {
        return List.of(Test.passed("tc_a1", "Add to cart"),
                Test.failed("tc_a2", "Pay by card", "Pay button does nothing", "Clicked Pay; nothing happened."),
                Test.passed("tc_a3", "Remove from cart"));
    }

    @org.junit.jupiter.api.Test
    void aPassingPlanCompletesTheCheckRunAsSuccessWithoutARerunButton() throws Exception {
        PlanStubs.started(fx.fakes.qatech, "pln_checkout", "run_app_pass", 2);
        PlanStubs.polls(fx.fakes.qatech, "run_app_pass", List.of(Test.passed("tc_ap1", "Add to cart"), Test.passed("tc_ap2", "Pay")),
                "RUNNING", "COMPLETED/PASSED");

        String run = run("/qa plan pln_checkout");

        assertThat(fx.awaitEnd(run).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode created = only(postRequestedFor(urlPathEqualTo(CHECK_RUNS)));
        assertThat(created.path("status").asText()).isEqualTo("in_progress");
        assertThat(created.path("details_url").asText()).isEqualTo(PlanStubs.runUrl("run_app_pass"));
        JsonNode completed = only(patchRequestedFor(urlPathEqualTo(CHECK_RUN)));
        assertThat(completed.path("conclusion").asText()).isEqualTo("success");
        assertThat(completed.at("/output/title").asText()).isEqualTo("✅ Test plan passed");
        assertThat(completed.at("/output/text").asText()).contains("2 tests passed");
        assertThat(completed.has("actions")).as("nothing failed: nothing to re-run").isFalse();
    }

    @org.junit.jupiter.api.Test
    void aFailingPlanOffersRerunFailedTestsAndTheButtonReRunsThemAsTheClickerIfTheyMayWrite() throws Exception {
        PlanStubs.started(fx.fakes.qatech, "pln_checkout", "run_app_fail", 3);
        PlanStubs.polls(fx.fakes.qatech, "run_app_fail", failing(), "RUNNING", "COMPLETED/FAILED");
        String first = run("/qa plan pln_checkout");
        assertThat(fx.awaitEnd(first).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        JsonNode completed = only(patchRequestedFor(urlPathEqualTo(CHECK_RUN)));
        assertThat(completed.path("conclusion").asText()).isEqualTo("failure");
        assertThat(completed.at("/output/title").asText()).isEqualTo("❌ Test plan failed");
        assertThat(completed.at("/output/text").asText()).contains("1 of 3 tests failed", "Pay by card", "Pay button does nothing",
                "tc_a2.png", "tc_a2.webm");
        JsonNode actions = completed.path("actions");
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).path("identifier").asText()).isEqualTo("rerun-failed");
        assertThat(actions.get(0).path("label").asText()).isEqualTo("Re-run failed tests").hasSizeLessThanOrEqualTo(20);
        assertThat(actions.get(0).path("description").asText()).hasSizeLessThanOrEqualTo(40);

        github().resetRequests();
        fx.fakes.qatech.resetRequests();
        PlanStubs.rerun(fx.fakes.qatech, "run_app_fail", "pln_checkout", "run_app_again", 1);
        PlanStubs.polls(fx.fakes.qatech, "run_app_again", List.of(Test.passed("tc_a4", "Pay by card")), "COMPLETED/PASSED");

        HttpResponse<String> refused = GitHubPayloads.deliver(fx.url(), "check_run", GitHubPayloads.newDelivery(), clicked(first, "mallory"));
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(Scenarios.json(refused.body()).path("ignored").asText()).contains("mallory", "write access");
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "check_run", GitHubPayloads.newDelivery(), clicked(first, "bob"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(Scenarios.json(answer.body()).path("command").asText()).isEqualTo("rerun-failed");
        String again = GitHubPayloads.runId(answer);
        JsonNode out = Scenarios.json(fx.awaitEnd(again).output());

        List<LoggedRequest> reruns = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/run/run_app_fail")));
        assertThat(reruns).hasSize(1);
        assertThat(Scenarios.json(reruns.getFirst().getBodyAsString())).isEqualTo(Scenarios.json("{\"failedOnly\": true}"));
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/run")));
        assertThat(out.at("/conversation/id").asText()).isEqualTo("run_app_again");
        assertThat(out.at("/reply/verdict").asText()).isEqualTo("PASS");
        assertThat(only(postRequestedFor(urlPathEqualTo(CHECK_RUNS))).path("external_id").asText()).as("the new run's own check run")
                .isEqualTo(again);
        assertThat(only(patchRequestedFor(urlPathEqualTo(CHECK_RUN))).path("conclusion").asText()).isEqualTo("success");
        List<LoggedRequest> comments = github().findAll(postRequestedFor(urlPathEqualTo("/repos/" + SHOP + "/issues/7/comments")));
        assertThat(comments).hasSize(1);
        assertThat(Scenarios.json(comments.getFirst().getBodyAsString()).path("body").asText()).contains("@bob", "Re-run the failed tests");
    }

    /** "Re-run failed tests" clicked on the check run of {@code runId} by {@code clicker}. */
    private static ObjectNode clicked(String runId, String clicker) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("action", "requested_action");
        p.putObject("requested_action").put("identifier", "rerun-failed");
        ObjectNode run = p.putObject("check_run");
        run.put("id", Stubs.CHECK_RUN_ID).put("name", "qa-bridge").put("head_sha", GitHubPayloads.SHA).put("external_id", runId)
                .put("status", "completed").put("conclusion", "failure");
        run.putArray("pull_requests").addObject().put("number", GitHubPayloads.PR).put("url", "https://api.github.com/repos/" + SHOP + "/pulls/7");
        run.putObject("app").put("id", StackFixture.APP_ID).put("slug", GitHubAppFake.SLUG);
        p.putObject("repository").put("full_name", SHOP).put("name", "shop").put("default_branch", "main").putObject("owner").put("login", "acme");
        p.putObject("sender").put("login", clicker).put("id", 9_001).put("type", "User");
        return GitHubPayloads.viaInstallation(p, INSTALLATION);
    }

    private static String run(String command) throws Exception {
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.viaInstallation(GitHubPayloads.command(command), INSTALLATION));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return GitHubPayloads.runId(answer);
    }

    private static JsonNode only(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder pattern) {
        List<LoggedRequest> found = github().findAll(pattern);
        assertThat(found).hasSize(1);
        return Scenarios.json(found.getFirst().getBodyAsString());
    }
}
