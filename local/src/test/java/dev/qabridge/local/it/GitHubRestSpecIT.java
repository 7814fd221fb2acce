package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Platform;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.github.GitHubAppAuth;
import dev.qabridge.github.GitHubClient;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link GitHubRestSpec} against requests a real WireMock server recorded. Skipped until local/specs/fetch has run. */
class GitHubRestSpecIT {
    private static final String SHA = GitHubPayloads.SHA;
    private static final JsonHttp HTTP = new JsonHttp("test", Duration.ofSeconds(5));
    private GitHubRestSpec spec;
    private static WireMockServer github;

    @BeforeAll
    static void start() {
        github = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        github.start();
    }

    @AfterAll
    static void stop() {
        if (github != null) {
            github.stop();
        }
    }

    @BeforeEach
    void answerEverything() {
        spec = GitHubRestSpec.get(); // per test, so each skipped test names the reason
        github.resetAll();
        github.stubFor(any(anyUrl()).willReturn(okJson("{}")));
    }

    private List<String> problemsOf(String method, String pathAndQuery, Object body) {
        HTTP.send(method, github.baseUrl() + pathAndQuery, Map.of(), body);
        List<LoggedRequest> recorded = github.findAll(allRequests());
        assertThat(recorded).hasSize(1);
        return spec.problems(recorded);
    }

    @Test
    void acceptsACommentOnAPullRequest() {
        assertThat(problemsOf("POST", "/repos/o/r/issues/7/comments", Map.of("body", "x"))).isEmpty();
    }

    @Test
    void refusesACommitStatusWhoseStateIsNotOneOfGitHubs() {
        assertThat(problemsOf("POST", "/repos/o/r/statuses/" + SHA, Map.of("state", "passed"))).singleElement().asString()
                .startsWith("POST /repos/o/r/statuses/" + SHA + ": body ")
                .contains("$.state", "enumeration", "success");
    }

    @Test
    void refusesACheckRunWithoutNameAndHeadSha() {
        assertThat(problemsOf("POST", "/repos/o/r/check-runs", Map.of("status", "in_progress")))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("required", "name"))
                .anySatisfy(p -> assertThat(p).contains("required", "head_sha"));
    }

    @Test
    void acceptsACompletedCheckRunWithOutput() {
        assertThat(problemsOf("POST", "/repos/o/r/check-runs", Map.of("name", "qa-bridge", "head_sha", SHA,
                "status", "completed", "conclusion", "success",
                "output", Map.of("title", "Passed", "summary", "All good.", "text", "details")))).isEmpty();
    }

    @Test
    void refusesAPathGitHubDoesNotHave() {
        assertThat(problemsOf("POST", "/repos/o/r/qa-bridge/runs", Map.of("x", 1)))
                .containsExactly("POST /repos/o/r/qa-bridge/runs: no such operation");
    }

    @Test
    void refusesAMethodThePathDoesNotTake() {
        assertThat(problemsOf("DELETE", "/repos/o/r/issues/7/comments", null))
                .containsExactly("DELETE /repos/o/r/issues/7/comments: no such operation (that path takes GET, POST)");
    }

    @Test
    void letsNullableFieldsBeNullAndNothingElse() {
        java.util.Map<String, Object> nullTargetUrl = new java.util.HashMap<>(Map.of("state", "success"));
        nullTargetUrl.put("target_url", null);
        assertThat(problemsOf("POST", "/repos/o/r/statuses/" + SHA, nullTargetUrl)).isEmpty();

        github.resetRequests();
        java.util.Map<String, Object> nullState = new java.util.HashMap<>();
        nullState.put("state", null);
        assertThat(problemsOf("POST", "/repos/o/r/statuses/" + SHA, nullState)).isNotEmpty()
                .allSatisfy(p -> assertThat(p).contains("body $.state: "));
    }

    @Test
    void checksQueryParameters() {
        assertThat(problemsOf("GET", "/search/issues?per_page=5", null)).containsExactly(
                "GET /search/issues?per_page=5: required query parameter q is missing");
        github.resetRequests();
        assertThat(problemsOf("GET", "/repos/o/r/deployments?sha=" + SHA + "&per_page=many&colour=red", null))
                .anySatisfy(p -> assertThat(p).contains("query parameter per_page 'many'", "integer"))
                .anySatisfy(p -> assertThat(p).contains("query parameter colour is not one of"))
                .hasSize(2);
    }

    @Test
    void checksPathParametersAgainstTheirTypes() {
        assertThat(problemsOf("GET", "/repos/o/r/pulls/seven", null)).singleElement().asString()
                .contains("path parameter pull_number 'seven'", "integer");
    }

    @Test
    void matchesAFilePathAcrossSegments() {
        assertThat(problemsOf("GET", "/repos/o/r/contents/.github/qa-bridge.yml?ref=feature%2Fx", null)).isEmpty();
    }

    @Test
    void theBridgesGitHubCallsInAppModeAreOperationsOfTheDescription() {
        try (GitHubAppFake app = GitHubAppFake.start(12345)) {
            WireMockServer gh = app.server();
            Stubs.github(gh, "https://pr-7.example.dev");
            gh.stubFor(get(urlPathEqualTo("/repos/acme/shop")).willReturn(okJson("{\"default_branch\": \"main\"}")));
            gh.stubFor(get(urlPathEqualTo("/repos/acme/shop/commits/" + SHA + "/pulls"))
                    .willReturn(okJson("[{\"number\": 7, \"state\": \"open\"}]")));
            gh.stubFor(get(urlPathEqualTo("/repos/acme/shop/contents/.github/qa-bridge.yml"))
                    .willReturn(aResponse().withStatus(404).withBody("{\"message\": \"Not Found\"}")));
            GitHubAppAuth auth = new GitHubAppAuth(app.appId(), app.privateKeyPem(), app.url());
            GitHubClient client = new GitHubClient(app.url(), auth);
            Origin pr = new Origin(Platform.GITHUB, "acme/shop", "", 7, "", 42);

            assertThat(auth.botLogin()).contains(GitHubAppFake.SLUG + "[bot]");
            PullRequest pull = client.pullRequest(pr);
            assertThat(pull.headSha()).isEqualTo(SHA);
            assertThat(client.openPullRequestsFor(pr, SHA)).extracting(PullRequest::number).containsExactly(7L);
            assertThat(client.settingsFile(pr, "")).isEmpty();   // default branch from GET /repos, then a 404
            assertThat(client.deployedUrl(pr, pull)).contains("https://pr-7.example.dev");
            ReviewThread thread = client.thread(pr);
            String comment = thread.post("Running QA…");
            thread.edit(comment, "Passed");
            thread.react(comment, ReviewThread.Reaction.EYES);

            spec.assertConforms(gh);
            assertThat(GitHubAppFake.installationOf(gh.findAll(postRequestedFor(urlPathEqualTo("/repos/acme/shop/issues/7/comments"))).get(0)))
                    .contains(42L);
        }
    }
}
