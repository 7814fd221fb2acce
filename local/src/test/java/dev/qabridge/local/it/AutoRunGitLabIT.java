package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.qabridge.local.it.AutoRunGitHubIT.chatsStartInTurn;
import static dev.qabridge.local.it.AutoRunGitHubIT.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Automatic runs on GitLab: a successful review-app Deployment Hook runs the agent on each opened MR of its commit. */
class AutoRunGitLabIT {
    private static final String SHA = GitLabPayloads.SHA;
    private static final String PREVIEW = "https://cart-totals.review.example.com";
    private static final String SETTINGS_FILE = "/repository/files/.gitlab%2Fqa-bridge.yml";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    private static String api(long project) {
        return "/api/v4/projects/" + project;
    }

    /** MR !7 of {@code project}, opened, containing {@link #SHA}; status notes get ids 9001, 9002, … in turn. */
    static void stubProject(WireMockServer gl, long project) {
        String api = api(project);
        gl.stubFor(get(urlPathEqualTo(api + "/repository/commits/" + SHA + "/merge_requests")).willReturn(okJson("""
                [{"id": 99, "iid": 7, "project_id": %d, "state": "opened", "title": "Cart: recompute totals"},
                 {"id": 98, "iid": 3, "project_id": %d, "state": "closed", "title": "Old attempt"}]""".formatted(project, project))));
        gl.stubFor(get(urlPathEqualTo(api + "/merge_requests/7")).willReturn(okJson("""
                {"id": 99, "iid": 7, "project_id": %d, "title": "Cart: recompute totals", "state": "opened",
                 "description": "Totals are now recomputed on every change.", "source_branch": "%s", "target_branch": "main",
                 "sha": "%s", "web_url": "https://gitlab.example.com/acme/shop/-/merge_requests/7",
                 "source_project_id": %d, "target_project_id": %d, "author": {"id": %d, "username": "alice"}}
                """.formatted(project, GitLabPayloads.BRANCH, SHA, project, project, GitLabPayloads.DEVELOPER_ID))));
        gl.stubFor(get(urlPathEqualTo(api + "/members/all/" + GitLabPayloads.DEVELOPER_ID)).willReturn(okJson("""
                {"id": %d, "username": "alice", "state": "active", "access_level": 30}""".formatted(GitLabPayloads.DEVELOPER_ID))));
        gl.stubFor(post(urlPathMatching(api + "/statuses/[0-9a-f]{40}")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\": 93, \"status\": \"running\"}")));
        gl.stubFor(get(urlPathMatching(api + "/repository/files/.*"))
                .willReturn(notFound().withHeader("Content-Type", "application/json").withBody("{\"message\": \"404 File Not Found\"}")));
        String state = Scenario.STARTED;
        for (int i = 0; i < 3; i++) {
            String next = "note-" + (i + 1);
            gl.stubFor(post(urlPathEqualTo(api + "/merge_requests/7/notes")).inScenario("notes-" + project)
                    .whenScenarioStateIs(state).willSetStateTo(next)
                    .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                            .withBody("{\"id\": " + (9001 + i) + ", \"body\": \"…\", \"system\": false}")));
            state = next;
        }
        gl.stubFor(put(urlPathMatching(api + "/merge_requests/7/notes/\\d+")).willReturn(okJson("{\"id\": 9001}")));
    }

    private static HttpResponse<String> deliver(long project, long deployment, String environment, String status) throws Exception {
        return deliver(GitLabPayloads.newDelivery(), project, deployment, environment, status);
    }

    private static HttpResponse<String> deliver(String key, long project, long deployment, String environment, String status)
            throws Exception {
        return DeploymentPayloads.deliverGitLab(fx.url(), key,
                DeploymentPayloads.gitlab(project, "acme/shop", deployment, SHA, environment, status, PREVIEW));
    }

    @Test
    void aSuccessfulReviewAppDeploymentRunsOnceAndRepliesOnItsMergeRequest() throws Exception {
        long project = 42;
        stubProject(fx.fakes.gitlab, project);
        String chat = "chat_gl_auto1";
        chatsStartInTurn(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat), Stubs.passed(chat, "The cart works on the review app."));
        String key = GitLabPayloads.newDelivery();

        HttpResponse<String> answer = deliver(key, project, 1001, "review/feature-cart-totals", "success");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(json(answer.body()).path("run").asText()).isEqualTo("gitlab-d1001-7");
        DescribeExecutionResponse end = fx.awaitEnd("gitlab-d1001-7");
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<LoggedRequest> starts = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        JsonNode request = json(starts.get(0).getBodyAsString());
        assertThat(request.path("message").asText()).startsWith("Test what this pull request changes")
                .contains("merge request !7", "Cart: recompute totals", "Totals are now recomputed on every change.");
        assertThat(request.path("applicationOverrides").get(0).path("applicationShortId").asText()).isEqualTo("app_shop");
        assertThat(request.path("applicationOverrides").get(0).path("environment").path("url").asText()).isEqualTo(PREVIEW);
        fx.fakes.gitlab.verify(1, getRequestedFor(urlPathEqualTo(api(project) + SETTINGS_FILE)).withQueryParam("ref", equalTo("main")));

        List<LoggedRequest> posted = fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(api(project) + "/merge_requests/7/notes")));
        assertThat(posted).hasSize(1);
        assertThat(json(posted.get(0).getBodyAsString()).path("body").asText())
                .contains("QA.tech is testing this preview", PREVIEW, "Asked by the review/feature-cart-totals deployment");
        List<LoggedRequest> edits = fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(api(project) + "/merge_requests/7/notes/9001")));
        assertThat(edits).hasSize(1);
        assertThat(json(edits.get(0).getBodyAsString()).path("body").asText()).contains("QA passed", "The cart works on the review app.");
        fx.fakes.gitlab.verify(0, postRequestedFor(urlPathMatching(".*/award_emoji")));
        fx.fakes.gitlab.verify(0, getRequestedFor(urlPathEqualTo(api(project) + "/merge_requests/3")));

        HttpResponse<String> redelivered = deliver(key, project, 1001, "review/feature-cart-totals", "success");
        HttpResponse<String> again = deliver(project, 1001, "review/feature-cart-totals", "success");
        assertThat(json(redelivered.body()).path("ignored").asText()).contains("deployment 1001 was already tested");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again.body()).path("ignored").asText()).contains("deployment 1001 was already tested");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.gitlab.verify(1, postRequestedFor(urlPathEqualTo(api(project) + "/merge_requests/7/notes")));
    }

    @Test
    void runningProductionAndMergeRequestLessDeploymentsStartNothing() throws Exception {
        long project = 44;
        stubProject(fx.fakes.gitlab, project);
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api(project) + "/repository/commits/" + SHA + "/merge_requests")).willReturn(okJson("""
                [{"id": 98, "iid": 3, "state": "merged"}]""")));

        for (String status : List.of("created", "running", "failed", "canceled")) {
            HttpResponse<String> r = deliver(project, 2001, "review/feature-cart-totals", status);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r.body()).path("ignored").asText()).contains("deployment " + status);
        }
        HttpResponse<String> production = deliver(project, 2002, "production", "success");
        assertThat(json(production.body()).path("ignored").asText()).contains("'production'", "*preview*,review/*");
        HttpResponse<String> mrLess = deliver(project, 2003, "review/feature-cart-totals", "success");
        assertThat(mrLess.statusCode()).isEqualTo(200);
        assertThat(json(mrLess.body()).path("ignored").asText()).contains("no opened merge request", SHA);

        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.gitlab.verify(0, postRequestedFor(urlPathMatching(".*/notes")));
    }

    @Test
    void aNewerDeploymentSupersedesTheOlderRunningAutoRun() throws Exception {
        long project = 45;
        stubProject(fx.fakes.gitlab, project);
        chatsStartInTurn(fx.fakes.qatech, "chat_gl_old1", "chat_gl_new1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_gl_old1", Stubs.running("chat_gl_old1"));
        Stubs.chatPolls(fx.fakes.qatech, "chat_gl_new1", Stubs.passed("chat_gl_new1", "New one done."));

        assertThat(deliver(project, 3001, "review/feature-cart-totals", "success").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                fx.fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/chat/chat_gl_old1"))).size() >= 1);
        assertThat(deliver(project, 3002, "review/feature-cart-totals", "success").statusCode()).isEqualTo(202);

        assertThat(fx.awaitEnd("gitlab-d3001-7").status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(fx.awaitEnd("gitlab-d3002-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LoggedRequest> oldEdits = fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(api(project) + "/merge_requests/7/notes/9001")));
        assertThat(oldEdits).hasSize(1);
        assertThat(json(oldEdits.get(0).getBodyAsString()).path("body").asText())
                .contains("Superseded", "merge request", "https://app.qa.tech/p/proj_demo/chat/chat_gl_new1").doesNotContain("QA passed");
        List<LoggedRequest> newEdits = fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(api(project) + "/merge_requests/7/notes/9002")));
        assertThat(newEdits).hasSize(1);
        assertThat(json(newEdits.get(0).getBodyAsString()).path("body").asText()).contains("QA passed", "New one done.");
    }

    @Test
    void aSettingsFileOnTheDefaultBranchChangesTheApplication() throws Exception {
        long project = 46;
        stubProject(fx.fakes.gitlab, project);
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api(project) + SETTINGS_FILE)).withQueryParam("ref", equalTo("main"))
                .willReturn(okJson(AutoRunGitHubIT.contents("qatech:\n  applicationId: app_from_repo\n"))));
        chatsStartInTurn(fx.fakes.qatech, "chat_gl_settings1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_gl_settings1", Stubs.passed("chat_gl_settings1", "Fine."));

        assertThat(deliver(project, 4001, "review/feature-cart-totals", "success").statusCode()).isEqualTo(202);
        fx.awaitEnd("gitlab-d4001-7");

        JsonNode request = json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString());
        assertThat(request.path("applicationOverrides").get(0).path("applicationShortId").asText()).isEqualTo("app_from_repo");
    }

    @Test
    void aSettingsFileOnlyOnTheMergeRequestBranchIsIgnored() throws Exception {
        long project = 47;
        stubProject(fx.fakes.gitlab, project);
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api(project) + SETTINGS_FILE)).withQueryParam("ref", equalTo(GitLabPayloads.BRANCH))
                .willReturn(okJson(AutoRunGitHubIT.contents("qatech:\n  applicationId: app_from_branch\n"))));
        chatsStartInTurn(fx.fakes.qatech, "chat_gl_branch1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_gl_branch1", Stubs.passed("chat_gl_branch1", "Fine."));

        assertThat(deliver(project, 5001, "review/feature-cart-totals", "success").statusCode()).isEqualTo(202);
        fx.awaitEnd("gitlab-d5001-7");

        JsonNode request = json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString());
        assertThat(request.path("applicationOverrides").get(0).path("applicationShortId").asText()).isEqualTo("app_shop");
        fx.fakes.gitlab.verify(1, getRequestedFor(urlPathEqualTo(api(project) + SETTINGS_FILE)).withQueryParam("ref", equalTo("main")));
        fx.fakes.gitlab.verify(0, getRequestedFor(urlPathEqualTo(api(project) + SETTINGS_FILE))
                .withQueryParam("ref", equalTo(GitLabPayloads.BRANCH)));
    }
}
