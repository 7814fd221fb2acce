package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.qabridge.http.JsonHttp;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * QA.tech's test-plan run answers, in the shapes its API reference gives ({@code ../shared/qatech-api.md}):
 * {@code POST /v1/run}, {@code GET /v1/run/{shortId}?testCases=all}, {@code GET /v1/run-test-case/{shortId}},
 * {@code POST /v1/run/{shortId}} (re-run).
 */
final class PlanStubs {
    private PlanStubs() {}

    /** One test of a run: its result and, for the detail endpoint, its error code and evidence. */
    record Test(String shortId, String name, String result, String resultTitle, String thought, String errorCode) {
        static Test passed(String shortId, String name) {
            return new Test(shortId, name, "PASSED", "Works as expected", "Everything behaved as the goal describes.", null);
        }

        static Test failed(String shortId, String name, String title, String thought) {
            return new Test(shortId, name, "FAILED", title, thought, "TEST_FAILED");
        }

        static Test agentMiss(String shortId, String name, String errorCode) {
            return new Test(shortId, name, "FAILED", "Could not run", "The agent could not reach the page.", errorCode);
        }

        String screenshotUrl() {
            return "https://cdn.qa.tech/shots/" + shortId + ".png";
        }

        String recordingUrl() {
            return "https://cdn.qa.tech/videos/" + shortId + ".webm";
        }
    }

    static String runUrl(String runShortId) {
        return "https://app.qa.tech/p/proj_demo/runs/" + runShortId;
    }

    /** {@code POST /v1/run} starts run {@code runShortId} of {@code planShortId} with {@code testCount} tests. */
    static void started(WireMockServer qa, String planShortId, String runShortId, int testCount) {
        qa.stubFor(post(urlPathEqualTo("/v1/run")).willReturn(okJson(startAnswer(planShortId, runShortId, testCount))));
    }

    /** {@code POST /v1/run/{earlier}} re-runs the failed tests as {@code runShortId}. */
    static void rerun(WireMockServer qa, String earlier, String planShortId, String runShortId, int testCount) {
        qa.stubFor(post(urlPathEqualTo("/v1/run/" + earlier)).willReturn(okJson(startAnswer(planShortId, runShortId, testCount))));
    }

    static void refused(WireMockServer qa, String path, int status, String message) {
        qa.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(JsonHttp.JSON.createObjectNode().put("message", message).toString())));
    }

    private static String startAnswer(String planShortId, String runShortId, int testCount) {
        ObjectNode body = JsonHttp.JSON.createObjectNode().put("success", true);
        body.putObject("run").put("id", "7f1c2a9e-" + runShortId).put("shortId", runShortId).put("url", runUrl(runShortId))
                .put("testCount", testCount).putObject("testPlan").put("name", "Checkout regression").put("shortId", planShortId);
        return body.toString();
    }

    /** Successive answers of {@code GET /v1/run/{shortId}}: each in turn, the last one repeated; every test's detail too. */
    static void polls(WireMockServer qa, String runShortId, List<Test> tests, String... statusAndResult) {
        String state = Scenario.STARTED;
        for (int i = 0; i < statusAndResult.length; i++) {
            String next = i + 1 < statusAndResult.length ? "poll-" + (i + 1) : state;
            String[] sr = statusAndResult[i].split("/");
            qa.stubFor(get(urlPathEqualTo("/v1/run/" + runShortId)).inScenario("run-" + runShortId).whenScenarioStateIs(state)
                    .willReturn(okJson(run(runShortId, sr[0], sr.length > 1 ? sr[1] : null, sr[0].equals("COMPLETED") ? tests : List.of())))
                    .willSetStateTo(next));
            state = next;
        }
        for (Test t : tests) {
            qa.stubFor(get(urlPathEqualTo("/v1/run-test-case/" + t.shortId())).willReturn(okJson(detail(runShortId, t))));
        }
    }

    static String run(String runShortId, String status, String result, List<Test> tests) {
        ObjectNode body = JsonHttp.JSON.createObjectNode().put("id", "7f1c2a9e-" + runShortId).put("shortId", runShortId).put("status", status);
        if (result == null) {
            body.putNull("result");
        } else {
            body.put("result", result);
        }
        ArrayNode cases = body.putArray("runTestCases");
        for (Test t : tests) {
            cases.addObject().put("id", "c-" + t.shortId()).put("shortId", t.shortId()).put("name", t.name()).put("status", "COMPLETED")
                    .put("result", t.result()).put("resultTitle", t.resultTitle()).put("evaluationThought", t.thought())
                    .put("promptGoal", "Check " + t.name()).putArray("promptExamples");
        }
        return body.toString();
    }

    static String detail(String runShortId, Test t) {
        ObjectNode d = JsonHttp.JSON.createObjectNode().put("id", "c-" + t.shortId()).put("shortId", t.shortId()).put("name", t.name())
                .put("status", "COMPLETED").put("result", t.result()).put("resultTitle", t.resultTitle())
                .put("evaluationThought", t.thought()).put("runShortId", runShortId).put("durationMs", 41_250)
                .put("url", runUrl(runShortId) + "/tests/" + t.shortId()).put("screenshotUrl", t.screenshotUrl())
                .put("recordingUrl", t.recordingUrl()).put("startedAt", "2026-12-05T10:00:00Z").put("completedAt", "2026-12-05T10:00:41Z");
        if (t.errorCode() == null || t.result().equals("PASSED")) {
            d.putNull("errorCode");
        } else {
            d.put("errorCode", t.errorCode());
        }
        return d.toString();
    }
}
