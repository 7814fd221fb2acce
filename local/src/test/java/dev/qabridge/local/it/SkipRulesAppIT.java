package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.qabridge.local.it.AutoRunGitHubIT.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A skipped automatic run in GitHub App mode: one check run, created completed with conclusion {@code skipped} and the
 * reason as its title (GitHub counts {@code skipped} as passing a required check), never one left in progress.
 */
class SkipRulesAppIT {
    private static final String SHA = GitHubPayloads.SHA;
    private static final long INSTALLATION = 919;

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClassAsApp(Map.of());

    private static WireMockServer github() {
        return fx.fakes.github;
    }

    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.ifFetched().ifPresent(spec -> spec.assertConforms(github()));
    }

    @Test
    void aSkippedRunCompletesItsCheckRunAsSkippedWithTheReason() throws Exception {
        fx.fakes.app().tokenLifetime(Duration.ofHours(1));
        String repo = GitHubPayloads.REPO;
        AutoRunGitHubIT.stubRepo(github(), repo);
        Stubs.checkRuns(github(), repo);
        String draft = """
                {"number": 7, "state": "open", "draft": true, "title": "Cart", "body": "", "user": {"login": "octocat", "id": 1, "type": "User"},
                 "author_association": "MEMBER", "labels": [], "html_url": "https://github.com/%s/pull/7",
                 "head": {"sha": "%s", "ref": "feature/cart-totals", "repo": {"full_name": "%s"}},
                 "base": {"ref": "main", "repo": {"full_name": "%s"}}}""".formatted(repo, SHA, repo, repo);
        Stubs.commitPulls(github(), repo, SHA, draft);
        Stubs.pullRequest(github(), repo, 7, draft);

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                GitHubPayloads.viaInstallation(DeploymentPayloads.github(repo, 8001, SHA, "Preview", "success",
                        "https://shop-git-feature-cart-totals-acme.vercel.app"), INSTALLATION));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(fx.awaitEnd("github-d8001-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);

        List<LoggedRequest> created = github().findAll(postRequestedFor(urlPathEqualTo("/repos/" + repo + "/check-runs")));
        assertThat(created).hasSize(1);
        JsonNode check = json(created.get(0).getBodyAsString());
        assertThat(check.path("head_sha").asText()).isEqualTo(SHA);
        assertThat(check.path("name").asText()).isEqualTo("qa-bridge");
        assertThat(check.path("status").asText()).isEqualTo("completed");
        assertThat(check.path("conclusion").asText()).isEqualTo("skipped");
        assertThat(check.at("/output/title").asText()).isEqualTo("Skipped: a draft (autoRun.skipDrafts); it runs once marked ready");
        assertThat(check.at("/output/summary").asText()).contains("did not run QA.tech's agent");
        github().verify(0, patchRequestedFor(urlPathMatching("/repos/" + repo + "/check-runs/.*")));
        github().verify(0, postRequestedFor(urlPathMatching("/repos/" + repo + "/statuses/.*")));
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }
}
