package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Automatic runs on GitHub: a successful Preview deployment_status runs the agent on each open PR of its commit. */
class AutoRunGitHubIT {
    private static final String SHA = GitHubPayloads.SHA;
    private static final String PREVIEW = "https://shop-git-feature-cart-totals-acme.vercel.app";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    /** PR 7 of {@code repo}, open, headed by {@link #SHA}; status comments get ids 9001, 9002, … in turn. */
    static void stubRepo(WireMockServer gh, String repo) {
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/commits/" + SHA + "/pulls")).willReturn(okJson("""
                [{"number": 7, "state": "open", "title": "Cart: recompute totals", "user": {"login": "octocat", "id": 1},
                  "author_association": "MEMBER", "head": {"sha": "%s", "ref": "feature/cart-totals", "repo": {"full_name": "%s"}},
                  "base": {"ref": "main", "repo": {"full_name": "%s"}}},
                 {"number": 3, "state": "closed", "title": "Old attempt"}]""".formatted(SHA, repo, repo))));
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/pulls/7")).willReturn(okJson("""
                {"number": 7, "state": "open", "title": "Cart: recompute totals", "body": "Totals are now recomputed on every change.",
                 "user": {"login": "octocat", "id": 1}, "author_association": "MEMBER",
                 "html_url": "https://github.com/%s/pull/7", "head": {"sha": "%s", "ref": "feature/cart-totals", "repo": {"full_name": "%s"}},
                 "base": {"ref": "main", "repo": {"full_name": "%s"}}}
                """.formatted(repo, SHA, repo, repo))));
        gh.stubFor(post(urlPathMatching("/repos/" + repo + "/statuses/[0-9a-f]{40}")).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"id\": 1}")));
        gh.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .willReturn(notFound().withHeader("Content-Type", "application/json").withBody("{\"message\": \"Not Found\"}")));
        String state = Scenario.STARTED;
        for (int i = 0; i < 3; i++) {
            String next = "comment-" + (i + 1);
            gh.stubFor(post(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")).inScenario("comments-" + repo)
                    .whenScenarioStateIs(state).willSetStateTo(next)
                    .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                            .withBody("{\"id\": " + (9001 + i) + "}")));
            state = next;
        }
        gh.stubFor(patch(urlPathMatching("/repos/" + repo + "/issues/comments/\\d+")).willReturn(okJson("{\"id\": 9001}")));
    }

    /** POST /v1/chat answers each conversation id in turn. */
    static void chatsStartInTurn(WireMockServer qa, String... chats) {
        String state = Scenario.STARTED;
        for (int i = 0; i < chats.length; i++) {
            String next = "started-" + (i + 1);
            qa.stubFor(post(urlPathEqualTo("/v1/chat")).inScenario("starts").whenScenarioStateIs(state).willSetStateTo(next)
                    .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                            .withBody(Stubs.conversation(chats[i], ""))));
            state = next;
        }
    }

    private static HttpResponse<String> deliver(String repo, long deployment, String environment, String state) throws Exception {
        return deliver(GitHubPayloads.newDelivery(), repo, deployment, environment, state);
    }

    private static HttpResponse<String> deliver(String delivery, String repo, long deployment, String environment, String state)
            throws Exception {
        return GitHubPayloads.deliver(fx.url(), "deployment_status", delivery,
                DeploymentPayloads.github(repo, deployment, SHA, environment, state, PREVIEW));
    }

    @Test
    void aSuccessfulPreviewDeploymentRunsOnceAndRepliesOnItsPullRequest() throws Exception {
        String repo = "acme/happy-shop";   // its own repository: the settings file is cached per repository
        stubRepo(fx.fakes.github, repo);
        String chat = "chat_auto1";
        chatsStartInTurn(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat), Stubs.passed(chat, "The cart works on the preview."));
        String delivery = GitHubPayloads.newDelivery();

        HttpResponse<String> answer = deliver(delivery, repo, 1001, "Preview", "success");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(json(answer.body()).path("run").asText()).isEqualTo("github-d1001-7");
        DescribeExecutionResponse end = fx.awaitEnd("github-d1001-7");
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");

        List<LoggedRequest> starts = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        JsonNode request = json(starts.get(0).getBodyAsString());
        assertThat(request.path("message").asText()).startsWith("Test what this pull request changes on its preview deployment")
                .contains("pull request #7", "Cart: recompute totals", "Totals are now recomputed on every change.", SHA);
        assertThat(request.path("applicationOverrides").get(0).path("applicationShortId").asText()).isEqualTo("app_shop");
        assertThat(request.path("applicationOverrides").get(0).path("environment").path("url").asText()).isEqualTo(PREVIEW);
        fx.fakes.github.verify(1, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .withQueryParam("ref", equalTo("main")));

        List<LoggedRequest> posted = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")));
        assertThat(posted).hasSize(1);
        assertThat(json(posted.get(0).getBodyAsString()).path("body").asText())
                .contains("QA.tech is testing this preview", PREVIEW, "Asked by the Preview deployment").doesNotContain("@the");
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/comments/9001")));
        assertThat(edits).hasSize(1);
        assertThat(json(edits.get(0).getBodyAsString()).path("body").asText()).contains("QA passed", "The cart works on the preview.");
        // no command comment, so no reactions; the closed PR 3 got nothing
        fx.fakes.github.verify(0, postRequestedFor(urlPathMatching(".*/reactions")));
        fx.fakes.github.verify(0, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/pulls/3")));

        // The same delivery again, and a second success status of the same deployment: nothing new.
        HttpResponse<String> redelivered = deliver(delivery, repo, 1001, "Preview", "success");
        HttpResponse<String> again = deliver(repo, 1001, "Preview", "success");
        assertThat(redelivered.statusCode()).isEqualTo(200);
        assertThat(json(redelivered.body()).path("ignored").asText()).contains("deployment 1001 was already tested");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again.body()).path("ignored").asText()).contains("deployment 1001 was already tested");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.github.verify(1, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")));
    }

    @Test
    void pendingProductionAndPullRequestLessDeploymentsStartNothing() throws Exception {
        String repo = "acme/shop";
        stubRepo(fx.fakes.github, repo);
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/commits/" + SHA + "/pulls")).willReturn(okJson("""
                [{"number": 3, "state": "closed"}]""")));

        for (String state : List.of("pending", "in_progress", "queued", "failure")) {
            HttpResponse<String> r = deliver(repo, 2001, "Preview", state);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r.body()).path("ignored").asText()).contains("deployment status " + state);
        }
        HttpResponse<String> production = deliver(repo, 2002, "Production", "success");
        assertThat(production.statusCode()).isEqualTo(200);
        assertThat(json(production.body()).path("ignored").asText()).contains("'Production'", "*preview*,review/*");
        HttpResponse<String> prLess = deliver(repo, 2003, "Preview", "success");
        assertThat(prLess.statusCode()).isEqualTo(200);
        assertThat(json(prLess.body()).path("ignored").asText()).contains("no open pull request", SHA);

        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.github.verify(0, postRequestedFor(urlPathMatching("/repos/.*/comments")));
        fx.fakes.github.verify(0, getRequestedFor(urlPathMatching("/repos/" + repo + "/pulls/.*")));
    }

    @Test
    void aNewerDeploymentSupersedesTheOlderRunningAutoRun() throws Exception {
        String repo = "acme/shop";
        stubRepo(fx.fakes.github, repo);
        chatsStartInTurn(fx.fakes.qatech, "chat_old1", "chat_new1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_old1", Stubs.running("chat_old1"));   // never finishes
        Stubs.chatPolls(fx.fakes.qatech, "chat_new1", Stubs.running("chat_new1"), Stubs.passed("chat_new1", "New one done."));

        assertThat(deliver(repo, 3001, "Preview", "success").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                fx.fakes.qatech.findAll(getRequestedFor(urlPathEqualTo("/v1/chat/chat_old1"))).size() >= 1);
        HttpResponse<String> newer = deliver(repo, 3002, "Preview", "success");
        assertThat(newer.statusCode()).as(newer.body()).isEqualTo(202);

        DescribeExecutionResponse old = fx.awaitEnd("github-d3001-7");
        assertThat(old.status()).isEqualTo(ExecutionStatus.ABORTED);
        DescribeExecutionResponse now = fx.awaitEnd("github-d3002-7");
        assertThat(now.status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<LoggedRequest> oldEdits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/comments/9001")));
        assertThat(oldEdits).hasSize(1);
        assertThat(json(oldEdits.get(0).getBodyAsString()).path("body").asText())
                .contains("Superseded", "https://app.qa.tech/p/proj_demo/chat/chat_new1").doesNotContain("QA passed");
        List<LoggedRequest> newEdits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/comments/9002")));
        assertThat(newEdits).hasSize(1);
        assertThat(json(newEdits.get(0).getBodyAsString()).path("body").asText()).contains("QA passed", "New one done.");
        fx.fakes.github.verify(2, postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments")));
    }

    @Test
    void aSettingsFileOnTheDefaultBranchChangesTheApplication() throws Exception {
        String repo = "acme/settings-shop";
        stubRepo(fx.fakes.github, repo);
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .withQueryParam("ref", equalTo("main")).willReturn(okJson(contents("qatech:\n  applicationId: app_from_repo\n"))));
        chatsStartInTurn(fx.fakes.qatech, "chat_settings1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_settings1", Stubs.passed("chat_settings1", "Fine."));

        assertThat(deliver(repo, 4001, "Preview", "success").statusCode()).isEqualTo(202);
        fx.awaitEnd("github-d4001-7");

        JsonNode request = json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString());
        assertThat(request.path("applicationOverrides").get(0).path("applicationShortId").asText()).isEqualTo("app_from_repo");
        assertThat(request.path("projectShortId").asText()).isEqualTo("proj_demo");
    }

    @Test
    void aSettingsFileOnlyOnThePullRequestBranchIsIgnored() throws Exception {
        String repo = "acme/branch-shop";
        stubRepo(fx.fakes.github, repo);
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .withQueryParam("ref", equalTo("feature/cart-totals")).willReturn(okJson(contents("qatech:\n  applicationId: app_from_branch\n"))));
        chatsStartInTurn(fx.fakes.qatech, "chat_branch1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_branch1", Stubs.passed("chat_branch1", "Fine."));

        assertThat(deliver(repo, 5001, "Preview", "success").statusCode()).isEqualTo(202);
        fx.awaitEnd("github-d5001-7");

        JsonNode request = json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString());
        assertThat(request.path("applicationOverrides").get(0).path("applicationShortId").asText()).isEqualTo("app_shop");
        fx.fakes.github.verify(1, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .withQueryParam("ref", equalTo("main")));
        fx.fakes.github.verify(0, getRequestedFor(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .withQueryParam("ref", equalTo("feature/cart-totals")));
    }

    @Test
    void anInvalidSettingsFileIsReportedOnceAndTheDefaultsApply() throws Exception {
        String repo = "acme/broken-shop";
        stubRepo(fx.fakes.github, repo);
        fx.fakes.github.stubFor(get(urlPathEqualTo("/repos/" + repo + "/contents/.github/qa-bridge.yml"))
                .withQueryParam("ref", equalTo("main")).willReturn(okJson(contents("qatech:\n  applicationId: shop\n"))));
        chatsStartInTurn(fx.fakes.qatech, "chat_broken1", "chat_broken2");
        Stubs.chatPolls(fx.fakes.qatech, "chat_broken1", Stubs.passed("chat_broken1", "Fine."));
        Stubs.chatPolls(fx.fakes.qatech, "chat_broken2", Stubs.passed("chat_broken2", "Fine."));

        assertThat(deliver(repo, 6001, "Preview", "success").statusCode()).isEqualTo(202);
        fx.awaitEnd("github-d6001-7");
        assertThat(deliver(repo, 6002, "Preview", "success").statusCode()).isEqualTo(202);
        fx.awaitEnd("github-d6002-7");

        List<String> bodies = fx.fakes.github.findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/issues/7/comments"))).stream()
                .map(r -> json(r.getBodyAsString()).path("body").asText()).toList();
        assertThat(bodies.stream().filter(b -> b.contains(".github/qa-bridge.yml` is not valid")).toList()).singleElement()
                .asString().contains("`qatech.applicationId`", "line 2");
        for (LoggedRequest r : fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")))) {
            assertThat(json(r.getBodyAsString()).path("applicationOverrides").get(0).path("applicationShortId").asText()).isEqualTo("app_shop");
        }
    }

    static String contents(String yaml) {
        return """
                {"type": "file", "encoding": "base64", "name": "qa-bridge.yml", "path": ".github/qa-bridge.yml", "content": "%s"}"""
                .formatted(Base64.getMimeEncoder().encodeToString(yaml.getBytes(StandardCharsets.UTF_8)).replace("\r\n", "\\n"));
    }

    static JsonNode json(String text) {
        try {
            return JsonHttp.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
