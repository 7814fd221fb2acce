package dev.qabridge.local.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/** {@link TestPlanContract} on GitHub with a token: comments, comment edits and commit statuses. */
class TestPlanIT extends TestPlanContract {
    private static final String PREVIEW = "https://pr-7.preview.example.com";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    /** Every request the bridge made to GitHub is an operation of GitHub's REST description. */
    @AfterEach
    void requestsConformToGitHubsRestDescription() {
        GitHubRestSpec.get().assertConforms(fx.fakes.github);
    }

    @Override
    StackFixture fx() {
        return fx;
    }

    @Override
    String repository() {
        return "acme/plans" + n;
    }

    @Override
    void stubPlatform() {
        Stubs.github(fx.fakes.github, repository(), PREVIEW);
        Stubs.commitPulls(fx.fakes.github, repository(), GitHubPayloads.SHA, Stubs.pull(repository(), GitHubPayloads.PR, GitHubPayloads.SHA,
                "octocat", "MEMBER", repository(), "Cart: recompute totals", "Totals."));
    }

    @Override
    HttpResponse<String> comment(String text) throws Exception {
        return GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.onRepository(GitHubPayloads.command(text), repository()));
    }

    @Override
    HttpResponse<String> deployed(long deployment) throws Exception {
        return GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repository(), deployment, GitHubPayloads.SHA, "Preview", "success", PREVIEW));
    }

    @Override
    String runId(HttpResponse<String> answer) {
        return GitHubPayloads.runId(answer);
    }

    @Override
    List<String> posted() {
        return ConversationCommandsContract.bodies(fx.fakes.github.findAll(postRequestedFor(urlPathMatching("/repos/" + repository()
                + "/issues/\\d+/comments"))));
    }

    @Override
    List<String> edits() {
        return ConversationCommandsContract.bodies(ConversationCommandsContract.sorted(fx.fakes.github.findAll(
                patchRequestedFor(urlPathMatching("/repos/" + repository() + "/issues/comments/\\d+")))));
    }

    @Override
    List<CommitStatuses.Sent> statuses() {
        return CommitStatuses.github(fx.fakes.github).stream().toList();
    }

    @Override
    void settingsFile(String yaml) {
        Stubs.settingsFile(fx.fakes.github, repository(), yaml);
    }

    @Override
    String preview() {
        return PREVIEW;
    }

    @Override
    String sha() {
        return GitHubPayloads.SHA;
    }

    @Override
    String branch() {
        return "feature/cart-totals";
    }

    @Override
    String requester() {
        return "octocat";
    }

    @Override
    boolean onGitHub() {
        return true;
    }

    @Override
    String runningState() {
        return "pending";
    }

    @Override
    String cancelledState() {
        return "error";
    }

    @Override
    String failureState() {
        return "failure";
    }

    @Override
    String errorState() {
        return "error";
    }
}
