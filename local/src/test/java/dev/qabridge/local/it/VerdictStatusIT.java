package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.local.it.CommitStatuses.Sent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Issue 10 on GitHub: the commit statuses a run posts, exactly and in order (pending once the status
 * comment is up, one final state after the reply), and the reply that goes with each verdict. The
 * defaults are in force: context {@code qa-bridge}, no verdict is an error.
 */
class VerdictStatusIT {
    private static final String PREVIEW = Scenarios.PREVIEW;
    private static final String SHA = GitHubPayloads.SHA;
    private static final List<String> FIELDS = List.of("state", "context", "description", "target_url");

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @BeforeEach
    void stubs() {
        Stubs.github(fx.fakes.github, PREVIEW);
    }

    @Test
    void aPassPostsPendingThenSuccessOnTheHeadCommitAndRepliesPassedWithARocket() throws Exception {
        String chat = "chat_vs_pass1";
        Run run = command(chat, "/qa check that the cart total updates", Stubs.running(chat),
                Stubs.passed(chat, "The total went from $20.00 to $35.00 when I added a second item."));

        run.assertEnded("COMPLETED", "PASS");
        assertThat(statuses()).containsExactly(
                pending(SHA, "QA.tech's agent is testing: check that the cart total updates", chat),
                new Sent(SHA, "success", "qa-bridge", "QA passed: check that the cart total updates", chatUrl(chat), FIELDS));
        String reply = onlyEdit();
        assertThat(BotText.headings(reply)).containsExactly("### ✅ QA passed");
        assertThat(reply).contains("Tested `6dcb09b` on `shop-git-feature-cart-totals-acme.vercel.app` · took ",
                "The total went from $20.00 to $35.00", "[Conversation in QA.tech](" + chatUrl(chat) + ")")
                .doesNotContain("Verdict: PASS");
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "rocket");
        // pending only once the status comment is up; the final state only after the reply
        assertThat(githubRequests()).containsSubsequence("POST " + Scenarios.COMMENTS, "POST /repos/acme/shop/statuses/" + SHA,
                "PATCH " + Scenarios.STATUS_COMMENT, "POST /repos/acme/shop/statuses/" + SHA);
        GitHubRestSpec.get().assertConforms(fx.fakes.github);
    }

    @Test
    void aFailPostsFailureAndRepliesThatQaFoundAProblem() throws Exception {
        String chat = "chat_vs_fail1";
        // the agent first thought it passed, then found the bug: the last verdict line counts
        Run run = command(chat, "/qa remove an item and check the total", Stubs.finished(chat, "COMPLETED", """
                Removing the mug looked fine at first.
                Verdict: PASS

                After a reload the total still says $35.00 with one item left.

                **Verdict:** FAIL"""));

        run.assertEnded("COMPLETED", "FAIL");
        assertThat(statuses()).containsExactly(
                pending(SHA, "QA.tech's agent is testing: remove an item and check the total", chat),
                new Sent(SHA, "failure", "qa-bridge", "QA found a problem: remove an item and check the total", chatUrl(chat), FIELDS));
        String reply = onlyEdit();
        assertThat(BotText.headings(reply)).containsExactly("### ❌ QA found a problem");
        assertThat(reply).contains("After a reload the total still says $35.00").doesNotContain("**Verdict:** FAIL");
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "confused");
        GitHubRestSpec.get().assertConforms(CommitStatuses.requests(fx.fakes.github, CommitStatuses.GITHUB));
    }

    @Test
    void anAnswerWithoutAVerdictPostsErrorAndTheReplySaysThereWasNone() throws Exception {
        String chat = "chat_vs_none1";
        Run run = command(chat, "/qa look at the cart", Stubs.finished(chat, "COMPLETED", "The cart page loads. I am not sure about totals."));

        run.assertEnded("COMPLETED", "NONE");
        assertThat(statuses()).containsExactly(
                pending(SHA, "QA.tech's agent is testing: look at the cart", chat),
                new Sent(SHA, "error", "qa-bridge", "QA finished without a verdict: look at the cart", chatUrl(chat), FIELDS));
        String reply = onlyEdit();
        assertThat(BotText.headings(reply)).containsExactly("### ⚠️ QA finished without a verdict");
        assertThat(reply).contains("did not end with `Verdict: PASS` or `Verdict: FAIL`", "I am not sure about totals.");
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "confused");
        GitHubRestSpec.get().assertConforms(CommitStatuses.requests(fx.fakes.github, CommitStatuses.GITHUB));
    }

    @Test
    void anAgentThatFailsPostsErrorEvenWhenItsTextClaimsAPass() throws Exception {
        String chat = "chat_vs_agentfail1";
        Run run = command(chat, "/qa log in and buy a hat",
                Stubs.finished(chat, "FAILED", "The login form answered 500, so I stopped.\n\nVerdict: PASS"));

        assertThat(run.end().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.output().path("reply").path("outcome").asText()).isEqualTo("FAILED");
        assertThat(run.output().path("reply").path("verdict").asText()).as("a failed agent's verdict counts for nothing").isEqualTo("NONE");
        assertThat(statuses()).containsExactly(
                pending(SHA, "QA.tech's agent is testing: log in and buy a hat", chat),
                new Sent(SHA, "error", "qa-bridge", "QA.tech's agent failed: log in and buy a hat", chatUrl(chat), FIELDS));
        String reply = onlyEdit();
        assertThat(BotText.headings(reply)).containsExactly("### ❌ QA.tech's agent failed");
        assertThat(reply).contains("The login form answered 500").doesNotContain("QA passed");
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "confused");
    }

    @Test
    void aCancelledConversationPostsError() throws Exception {
        String chat = "chat_vs_cancel1";
        Run run = command(chat, "/qa check checkout", Stubs.finished(chat, "CANCELLED", "Stopped by a user."));

        assertThat(run.output().path("reply").path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending", "error");
        assertThat(statuses().get(1).description()).isEqualTo("The QA.tech conversation was cancelled: check checkout");
        assertThat(BotText.headings(onlyEdit())).containsExactly("### ⏹️ The QA.tech conversation was cancelled");
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "confused");
    }

    @Test
    void aLongRequestIsCutToGitHubsLimitOf140CharactersInEveryDescription() throws Exception {
        String chat = "chat_vs_long1";
        String instructions = "check that " + "the cart, the wishlist and the checkout all agree on the total ".repeat(5).strip();
        Run run = command(chat, "/qa " + instructions, Stubs.passed(chat, "They agree."));

        run.assertEnded("COMPLETED", "PASS");
        List<Sent> sent = statuses();
        assertThat(CommitStatuses.states(sent)).containsExactly("pending", "success");
        assertThat(sent).allSatisfy(s -> assertThat(s.description().codePointCount(0, s.description().length())).isLessThanOrEqualTo(140)
                .isGreaterThan(100));
        assertThat(sent.get(0).description()).startsWith("QA.tech's agent is testing: check that the cart").endsWith("…");
        assertThat(sent.get(1).description()).startsWith("QA passed: check that the cart").endsWith("…");
        GitHubRestSpec.get().assertConforms(CommitStatuses.requests(fx.fakes.github, CommitStatuses.GITHUB));
    }

    @Test
    void anAutomaticRunReportsOnTheDeployedCommitNotOnANewerHead() throws Exception {
        String repo = "acme/deployed-shop";
        String deployed = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
        String newerHead = "ffeeddccbbaa99887766554433221100ffeeddcc";
        String pull = Stubs.pull(repo, 7, newerHead, "octocat", "MEMBER", repo, "Cart: recompute totals", "Totals are recomputed.");
        // the deployed commit is the PR's head when the deployment is delivered; a push moves the head while the agent works
        String pullWhenDeployed = Stubs.pull(repo, 7, deployed, "octocat", "MEMBER", repo, "Cart: recompute totals", "Totals are recomputed.");
        Stubs.writableRepo(fx.fakes.github, repo);
        Stubs.commitPulls(fx.fakes.github, repo, deployed, pullWhenDeployed);
        Stubs.pullRequest(fx.fakes.github, repo, 7, pull);
        String chat = "chat_vs_auto1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat), Stubs.passed(chat, "The preview's cart works."));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 7001, deployed, "Preview", "success", PREVIEW));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        DescribeExecutionResponse end = fx.awaitEnd("github-d7001-7");
        assertThat(Scenarios.json(end.output()).path("reply").path("verdict").asText()).isEqualTo("PASS");
        String auto = "Test what this pull request changes on its preview deployment";
        List<Sent> sent = statuses();
        assertThat(sent).extracting(Sent::sha, Sent::state, Sent::context, Sent::targetUrl).containsExactly(
                tuple(deployed, "pending", "qa-bridge", chatUrl(chat)),
                tuple(deployed, "success", "qa-bridge", chatUrl(chat)));
        assertThat(sent.get(0).description()).startsWith("QA.tech's agent is testing: " + auto);
        assertThat(sent.get(1).description()).startsWith("QA passed: " + auto);
        assertThat(sent).allSatisfy(s -> assertThat(s.description().length()).isLessThanOrEqualTo(140));
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(
                "/repos/" + repo + "/issues/comments/" + Stubs.STATUS_COMMENT_ID)));
        assertThat(edits).hasSize(1);
        String reply = Scenarios.json(edits.get(0).getBodyAsString()).path("body").asText();
        assertThat(BotText.headings(reply)).containsExactly("### ✅ QA passed");
        assertThat(reply).contains("Tested `a1b2c3d`").doesNotContain("ffeeddc");
        fx.fakes.github.verify(0, postRequestedFor(urlPathMatching(".*/reactions")));   // no command comment to react to
        GitHubRestSpec.get().assertConforms(CommitStatuses.requests(fx.fakes.github, CommitStatuses.GITHUB));
    }

    @Test
    void aSettingsFileSayingOnNoVerdictSuccessLetsAnUnclearAnswerPass() throws Exception {
        String repo = "acme/lenient-shop";
        String pull = Stubs.pull(repo, 7, SHA, "octocat", "MEMBER", repo, "Cart: recompute totals", "Totals are recomputed.");
        Stubs.writableRepo(fx.fakes.github, repo);
        Stubs.settingsFile(fx.fakes.github, repo, "status:\n  onNoVerdict: success\n");
        Stubs.commitPulls(fx.fakes.github, repo, SHA, pull);
        Stubs.pullRequest(fx.fakes.github, repo, 7, pull);
        String chat = "chat_vs_lenient1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.finished(chat, "COMPLETED", "Looked around; nothing obviously broken."));

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 7002, SHA, "Preview", "success", PREVIEW));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        DescribeExecutionResponse end = fx.awaitEnd("github-d7002-7");
        assertThat(Scenarios.json(end.output()).path("reply").path("verdict").asText()).isEqualTo("NONE");
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending", "success");
        assertThat(statuses().get(1).description()).startsWith("QA finished without a verdict: ");
        // the comment stays honest: a success status, but the reply still says there was no verdict
        String reply = Scenarios.json(fx.fakes.github.findAll(patchRequestedFor(urlPathMatching("/repos/" + repo + "/issues/comments/\\d+")))
                .get(0).getBodyAsString()).path("body").asText();
        assertThat(BotText.headings(reply)).containsExactly("### ⚠️ QA finished without a verdict");
    }

    @Test
    void aTokenThatMayNotSetStatusesStillGetsTheReplyAndIsNotAskedTwice() throws Exception {
        // a fine-grained token without "Commit statuses: write", as GitHub answers it
        fx.fakes.github.stubFor(post(urlPathMatching("/repos/acme/shop/statuses/[0-9a-f]{40}")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\": \"Resource not accessible by personal access token\", \"status\": \"403\"}")));
        String chat = "chat_vs_nostatus1";
        Run run = command(chat, "/qa check the cart", Stubs.passed(chat, "Fine."));

        run.assertEnded("COMPLETED", "PASS");
        assertThat(CommitStatuses.states(statuses())).containsExactly("pending");   // refused once; no final status without a pending one
        assertThat(run.output().path("pending").path("refused").asText()).contains("403", "Commit statuses: write");
        assertThat(BotText.headings(onlyEdit())).containsExactly("### ✅ QA passed");
        assertThat(Scenarios.reactions(fx.fakes)).containsExactly("eyes", "rocket");
    }

    /** A `/qa` comment on PR 7 whose conversation answers {@code polls} in turn; returns once its execution has ended. */
    private static Run command(String chat, String comment, Stubs.Answer... polls) throws Exception {
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, polls);
        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command(comment));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return new Run(fx.awaitEnd(GitHubPayloads.runId(answer)));
    }

    private record Run(DescribeExecutionResponse end) {
        JsonNode output() {
            return Scenarios.json(end.output());
        }

        void assertEnded(String outcome, String verdict) {
            assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(output().path("reply").path("outcome").asText()).isEqualTo(outcome);
            assertThat(output().path("reply").path("verdict").asText()).isEqualTo(verdict);
        }
    }

    private static Sent pending(String sha, String description, String chat) {
        return new Sent(sha, "pending", "qa-bridge", description, chatUrl(chat), FIELDS);
    }

    static String chatUrl(String chat) {
        return "https://app.qa.tech/p/proj_demo/chat/" + chat;
    }

    private static List<Sent> statuses() {
        return CommitStatuses.github(fx.fakes.github);
    }

    /** The one edit of the status comment: the reply. */
    private static String onlyEdit() {
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(urlPathEqualTo(Scenarios.STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        return Scenarios.json(edits.get(0).getBodyAsString()).path("body").asText();
    }

    /** Every request the GitHub fake received, oldest first, as "METHOD path". */
    private static List<String> githubRequests() {
        return fx.fakes.github.findAll(allRequests()).stream().sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> r.getMethod().getName() + " " + r.getUrl().replaceFirst("\\?.*", "")).toList();
    }
}
