package dev.qabridge.qatech;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.TestRun;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test-plan calls against a loopback QA.tech: the exact requests, and what the answers become. */
class QaTechClientPlanTest {
    private record Seen(String method, String uri, String auth, String body) {}

    private HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, String> answers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    private QaTechClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            byte[] out = answers.getOrDefault(key, "{\"message\": \"Not found\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(statuses.getOrDefault(key, answers.containsKey(key) ? 200 : 404), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
        client = new QaTechClient("http://127.0.0.1:" + server.getAddress().getPort(), () -> "qt-key", Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static JsonNode json(String s) throws Exception {
        return JsonHttp.JSON.readTree(s);
    }

    @Test
    void startRunSendsThePlanThePreviewAndGitHubsTrigger() throws Exception {
        answers.put("POST /v1/run", """
                {"success": true, "run": {"id": "u1", "shortId": "run_1", "url": "https://app.qa.tech/r/run_1", "testCount": 42,
                 "testPlan": {"name": "Checkout", "shortId": "pln_x"}}}""");

        TestRun.Started started = client.startRun("pln_x", "app_shop", "https://pr-7.example.com", Optional.of("proj_demo"),
                new TestRun.Trigger(true, "octocat", "feature/cart", "6dcb09b5b57875f334f61aebed695e2e4193db5e", "acme/shop"));

        assertThat(started).isEqualTo(new TestRun.Started("run_1", "https://app.qa.tech/r/run_1", 42, "Checkout"));
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().auth()).isEqualTo("Bearer qt-key");
        assertThat(json(seen.getFirst().body())).isEqualTo(json("""
                {"testPlanShortId": "pln_x", "applications": [{"applicationShortId": "app_shop", "environment": {"url": "https://pr-7.example.com"}}],
                 "projectShortId": "proj_demo", "trigger": "GITHUB", "actor": "octocat", "branch": "feature/cart",
                 "commitHash": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "repository": "acme/shop"}"""));
    }

    @Test
    void elsewhereTheTriggerIsTheApiAndNoProjectIsSentWhenNoneIsSet() throws Exception {
        answers.put("POST /v1/run", "{\"success\": true, \"run\": {\"shortId\": \"run_2\", \"url\": \"u\"}}");

        client.startRun("pln_x", "app_shop", "https://mr-7.example.com", Optional.empty(), new TestRun.Trigger(false, "alice", "b", "s", "r"));

        assertThat(json(seen.getFirst().body())).isEqualTo(json("""
                {"testPlanShortId": "pln_x", "applications": [{"applicationShortId": "app_shop", "environment": {"url": "https://mr-7.example.com"}}],
                 "trigger": "API"}"""));
    }

    @Test
    void usageLimitAndUnknownPlanAreRefusalsSentOnceAndANoShortIdAnswerIsAnError() {
        statuses.put("POST /v1/run", 402);
        answers.put("POST /v1/run", "{\"message\": \"Usage limit reached\"}");
        assertThatThrownBy(() -> client.startRun("pln_x", "app_shop", "https://p.example.com", Optional.empty(),
                new TestRun.Trigger(false, "", "", "", ""))).isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(QaTechErrors.explain(e)).contains("usage limit is reached (402)", "Usage limit reached");
                });
        assertThat(seen).hasSize(1);

        assertThatThrownBy(() -> client.rerunFailed("run_gone")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(404));

        answers.put("POST /v1/run/run_odd", "{\"success\": true, \"run\": {}}");
        assertThatThrownBy(() -> client.rerunFailed("run_odd")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getMessage()).contains("no run.shortId"));
    }

    @Test
    void rerunFailedAsksForTheFailedTestsOnly() throws Exception {
        answers.put("POST /v1/run/run_1", "{\"success\": true, \"run\": {\"shortId\": \"run_2\", \"url\": \"https://app.qa.tech/r/run_2\", \"testCount\": 3}}");

        TestRun.Started again = client.rerunFailed("run_1");

        assertThat(again.shortId()).isEqualTo("run_2");
        assertThat(json(seen.getFirst().body())).isEqualTo(json("{\"failedOnly\": true}"));
    }

    @Test
    void getRunReadsEveryTestAndATestsDetailItsEvidence() {
        answers.put("GET /v1/run/run_1", """
                {"id": "u1", "shortId": "run_1", "status": "COMPLETED", "result": "FAILED", "runTestCases": [
                  {"id": "c1", "shortId": "tc_1", "name": "Pay", "status": "COMPLETED", "result": "FAILED", "resultTitle": "Nothing happens",
                   "evaluationThought": "Clicked pay.", "promptGoal": "Pay", "promptExamples": []},
                  {"id": "c2", "shortId": "tc_2", "name": "Cart", "status": "COMPLETED", "result": "PASSED", "resultTitle": "Fine",
                   "evaluationThought": "", "promptGoal": "Cart", "promptExamples": []}]}""");
        answers.put("GET /v1/run-test-case/tc_1", """
                {"shortId": "tc_1", "errorCode": "AGENT_TIMEOUT", "durationMs": 41250, "url": "https://app.qa.tech/t/tc_1",
                 "screenshotUrl": "https://cdn/x.png", "recordingUrl": "https://cdn/x.webm"}""");
        answers.put("GET /v1/run/run_2", "{\"shortId\": \"run_2\", \"status\": \"RUNNING\", \"result\": null, \"runTestCases\": []}");

        TestRun run = client.getRun("run_1");
        TestRun.CaseDetail detail = client.getRunTestCase("tc_1");
        TestRun running = client.getRun("run_2");

        assertThat(seen.getFirst().uri()).isEqualTo("/v1/run/run_1?testCases=all");
        assertThat(run.finished()).isTrue();
        assertThat(run.result()).contains("FAILED");
        assertThat(run.tests()).extracting(TestRun.Case::name, TestRun.Case::failed).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Pay", true), org.assertj.core.groups.Tuple.tuple("Cart", false));
        assertThat(detail.agentMiss()).isTrue();
        assertThat(detail.screenshotUrl()).isEqualTo("https://cdn/x.png");
        assertThat(detail.durationMs()).isEqualTo(41_250);
        assertThat(running.finished()).isFalse();
        assertThat(running.result()).isEmpty();
    }
}
