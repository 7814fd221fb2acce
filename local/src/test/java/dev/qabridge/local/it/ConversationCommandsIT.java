package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/** {@link ConversationCommandsContract} on GitHub: comments, comment edits and commit statuses of a token-mode bridge. */
class ConversationCommandsIT extends ConversationCommandsContract {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @Override
    StackFixture fx() {
        return fx;
    }

    private String repo() {
        return "acme/shop" + n;
    }

    @Override
    WireMockServer platform() {
        return fx.fakes.github;
    }

    @Override
    void stubPlatform() {
        Stubs.github(fx.fakes.github, repo(), "https://pr-7.preview.example.com");
    }

    @Override
    HttpResponse<String> comment(String text) throws Exception {
        return GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.onRepository(GitHubPayloads.command(text), repo()));
    }

    @Override
    String runId(HttpResponse<String> answer) {
        return GitHubPayloads.runId(answer);
    }

    @Override
    List<String> posted() {
        return bodies(fx.fakes.github.findAll(postRequestedFor(urlPathMatching("/repos/" + repo() + "/issues/\\d+/comments"))));
    }

    @Override
    List<String> edits() {
        return bodies(editRequests());
    }

    @Override
    List<LoggedRequest> editRequests() {
        return sorted(fx.fakes.github.findAll(patchRequestedFor(urlPathMatching("/repos/" + repo() + "/issues/comments/\\d+"))));
    }

    @Override
    List<CommitStatuses.Sent> statuses() {
        return CommitStatuses.github(fx.fakes.github);
    }

    @Override
    String cancelledState() {
        return "error";
    }

    @Override
    String runningState() {
        return "pending";
    }

    @Override
    String shaShown() {
        return GitHubPayloads.SHA.substring(0, 7);
    }

    @Override
    void settingsFile(String yaml) {
        Stubs.settingsFile(fx.fakes.github, repo(), yaml);
    }

    @Override
    void headMovesTo(String sha) {
        Stubs.pullRequest(fx.fakes.github, repo(), GitHubPayloads.PR,
                Stubs.pull(repo(), GitHubPayloads.PR, sha, "octocat", "MEMBER", repo(), "Cart: recompute totals", "Totals."));
    }

    /** {@code pull_request} {@code synchronize}, as GitHub sends it when commits are pushed to the PR's branch. */
    @Override
    HttpResponse<String> pushed(String sha) throws Exception {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("action", "synchronize").put("number", GitHubPayloads.PR).put("before", GitHubPayloads.SHA).put("after", sha);
        p.set("pull_request", JsonHttp.JSON.readTree(Stubs.pull(repo(), GitHubPayloads.PR, sha, "octocat", "MEMBER", repo(),
                "Cart: recompute totals", "Totals.")));
        p.putObject("repository").put("full_name", repo()).put("name", repo().substring(5)).put("default_branch", "main")
                .putObject("owner").put("login", "acme");
        p.putObject("sender").put("login", "octocat").put("type", "User");
        return GitHubPayloads.deliver(fx.url(), "pull_request", GitHubPayloads.newDelivery(), p);
    }
}
