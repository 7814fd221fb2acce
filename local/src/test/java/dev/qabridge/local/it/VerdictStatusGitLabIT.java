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

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.matching.RequestPatternBuilder.allRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Issue 10 on GitLab: the commit statuses a run posts ({@code POST /projects/:id/statuses/:sha}),
 * exactly and in order: {@code running} once the status note is up, then one of {@code success},
 * {@code failed} (GitLab has no "error") or {@code canceled}; and the note that goes with each verdict.
 */
class VerdictStatusGitLabIT {
    private static final String SHA = GitLabPayloads.SHA;
    private static final String PREVIEW = "https://mr-7.review.example.dev";
    private static final List<String> FIELDS = List.of("state", "name", "description", "target_url");

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @BeforeEach
    void stubs() {
        GitLabStubs.gitlab(fx.fakes.gitlab);
        GitLabStubs.noDeployments(fx.fakes.gitlab);
    }

    @Test
    void aPassPostsRunningThenSuccessAndTheNoteSaysPassedWithARocket() throws Exception {
        String chat = "chat_vsgl_pass1";
        Run run = command(chat, "check that the cart total updates", Stubs.running(chat), Stubs.passed(chat, "The total updated to $35.00."));

        run.assertEnded("COMPLETED", "PASS");
        assertThat(statuses()).containsExactly(
                running("QA.tech's agent is testing: check that the cart total updates", chat),
                new Sent(SHA, "success", "qa-bridge", "QA passed: check that the cart total updates", chatUrl(chat), FIELDS));
        String reply = onlyEdit();
        assertThat(BotText.headings(reply)).containsExactly("### ✅ QA passed");
        assertThat(reply).contains("Tested `562e173` on `mr-7.review.example.dev`", "The total updated to $35.00.")
                .doesNotContain("Verdict: PASS");
        assertThat(awards()).containsExactly("eyes", "rocket");
        // running only once the status note is up, the final state after the reply
        assertThat(gitlabRequests()).containsSubsequence("POST " + GitLabStubs.NOTES, "POST " + statusesPath(),
                "PUT " + GitLabStubs.STATUS_NOTE, "POST " + statusesPath());
    }

    @Test
    void aFailPostsFailedAndTheNoteSaysQaFoundAProblem() throws Exception {
        String chat = "chat_vsgl_fail1";
        Run run = command(chat, "remove an item and check the total",
                Stubs.failedVerdict(chat, "After removing the mug the total still says $35.00."));

        run.assertEnded("COMPLETED", "FAIL");
        assertThat(statuses()).containsExactly(
                running("QA.tech's agent is testing: remove an item and check the total", chat),
                new Sent(SHA, "failed", "qa-bridge", "QA found a problem: remove an item and check the total", chatUrl(chat), FIELDS));
        String reply = onlyEdit();
        assertThat(BotText.headings(reply)).containsExactly("### ❌ QA found a problem");
        assertThat(reply).contains("the total still says $35.00").doesNotContain("Verdict: FAIL");
        assertThat(awards()).containsExactly("eyes", "confused");
    }

    @Test
    void anAnswerWithoutAVerdictPostsFailedAndTheNoteSaysThereWasNone() throws Exception {
        String chat = "chat_vsgl_none1";
        Run run = command(chat, "look at the cart", Stubs.finished(chat, "COMPLETED", "The cart page loads."));

        run.assertEnded("COMPLETED", "NONE");
        assertThat(statuses()).containsExactly(
                running("QA.tech's agent is testing: look at the cart", chat),
                new Sent(SHA, "failed", "qa-bridge", "QA finished without a verdict: look at the cart", chatUrl(chat), FIELDS));
        assertThat(BotText.headings(onlyEdit())).containsExactly("### ⚠️ QA finished without a verdict");
        assertThat(awards()).containsExactly("eyes", "confused");
    }

    @Test
    void anAgentThatFailsPostsFailedEvenWhenItsTextClaimsAPass() throws Exception {
        String chat = "chat_vsgl_agentfail1";
        Run run = command(chat, "log in and buy a hat", Stubs.finished(chat, "FAILED", "The login form answered 500.\n\nVerdict: PASS"));

        assertThat(run.output().path("reply").path("outcome").asText()).isEqualTo("FAILED");
        assertThat(statuses()).containsExactly(
                running("QA.tech's agent is testing: log in and buy a hat", chat),
                new Sent(SHA, "failed", "qa-bridge", "QA.tech's agent failed: log in and buy a hat", chatUrl(chat), FIELDS));
        assertThat(BotText.headings(onlyEdit())).containsExactly("### ❌ QA.tech's agent failed");
        assertThat(awards()).containsExactly("eyes", "confused");
    }

    @Test
    void aCancelledConversationPostsCanceled() throws Exception {
        String chat = "chat_vsgl_cancel1";
        Run run = command(chat, "check checkout", Stubs.finished(chat, "CANCELLED", "Stopped by a user."));

        assertThat(run.output().path("reply").path("outcome").asText()).isEqualTo("CANCELLED");
        assertThat(CommitStatuses.states(statuses())).containsExactly("running", "canceled");
        assertThat(BotText.headings(onlyEdit())).containsExactly("### ⏹️ The QA.tech conversation was cancelled");
    }

    @Test
    void aLongRequestIsCutTo140CharactersInEveryDescription() throws Exception {
        String chat = "chat_vsgl_long1";
        String instructions = "check that " + "the cart, the wishlist and the checkout all agree on the total ".repeat(5).strip();
        command(chat, instructions, Stubs.passed(chat, "They agree.")).assertEnded("COMPLETED", "PASS");

        List<Sent> sent = statuses();
        assertThat(CommitStatuses.states(sent)).containsExactly("running", "success");
        assertThat(sent).allSatisfy(s -> assertThat(s.description().length()).isLessThanOrEqualTo(140).isGreaterThan(100));
        assertThat(sent).allSatisfy(s -> assertThat(s.description()).endsWith("…"));
    }

    @Test
    void anAutomaticRunReportsOnTheDeployedCommitNotOnANewerHead() throws Exception {
        long project = 43;
        String deployed = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
        String newerHead = "ffeeddccbbaa99887766554433221100ffeeddcc";
        String mr = GitLabStubs.mergeRequest(project, newerHead, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER, project,
                "Cart: recompute totals", "Totals are recomputed.");
        // the deployed commit is the MR's head when the deployment is delivered; a push moves the head while the agent works
        String mrWhenDeployed = GitLabStubs.mergeRequest(project, deployed, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER, project,
                "Cart: recompute totals", "Totals are recomputed.");
        GitLabStubs.writableProject(fx.fakes.gitlab, project);
        GitLabStubs.commitMergeRequests(fx.fakes.gitlab, project, deployed, mrWhenDeployed);
        GitLabStubs.mergeRequestIs(fx.fakes.gitlab, project, mr);
        String chat = "chat_vsgl_auto1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat), Stubs.failedVerdict(chat, "The cart total is wrong."));

        HttpResponse<String> answer = DeploymentPayloads.deliverGitLab(fx.url(), GitLabPayloads.newDelivery(),
                DeploymentPayloads.gitlab(project, GitLabPayloads.PATH, 7001, deployed, "review/feature-cart-totals", "success", PREVIEW));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        DescribeExecutionResponse end = fx.awaitEnd("gitlab-d7001-7");
        assertThat(Scenarios.json(end.output()).path("reply").path("verdict").asText()).isEqualTo("FAIL");
        List<Sent> sent = statuses();
        assertThat(sent).extracting(Sent::sha, Sent::state, Sent::context, Sent::targetUrl).containsExactly(
                tuple(deployed, "running", "qa-bridge", chatUrl(chat)),
                tuple(deployed, "failed", "qa-bridge", chatUrl(chat)));
        assertThat(sent.get(1).description()).startsWith("QA found a problem: Test what this pull request changes");
        assertThat(sent).allSatisfy(s -> assertThat(s.description().length()).isLessThanOrEqualTo(140));
        List<LoggedRequest> edits = fx.fakes.gitlab.findAll(putRequestedFor(urlPathMatching("/api/v4/projects/43/merge_requests/7/notes/\\d+")));
        assertThat(edits).hasSize(1);
        String reply = Scenarios.json(edits.get(0).getBodyAsString()).path("body").asText();
        assertThat(BotText.headings(reply)).containsExactly("### ❌ QA found a problem");
        assertThat(reply).contains("Tested `a1b2c3d`").doesNotContain("ffeeddc");
        fx.fakes.gitlab.verify(0, postRequestedFor(urlPathMatching(".*/award_emoji")));
    }

    @Test
    void aSettingsFileSayingOnNoVerdictSuccessLetsAnUnclearAnswerPass() throws Exception {
        long project = 44;
        String mr = GitLabStubs.mergeRequest(project, SHA, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER, project,
                "Cart: recompute totals", "Totals are recomputed.");
        GitLabStubs.writableProject(fx.fakes.gitlab, project);
        GitLabStubs.settingsFile(fx.fakes.gitlab, project, "status:\n  onNoVerdict: success\n");
        GitLabStubs.commitMergeRequests(fx.fakes.gitlab, project, SHA, mr);
        GitLabStubs.mergeRequestIs(fx.fakes.gitlab, project, mr);
        String chat = "chat_vsgl_lenient1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.finished(chat, "COMPLETED", "Nothing obviously broken."));

        HttpResponse<String> answer = DeploymentPayloads.deliverGitLab(fx.url(), GitLabPayloads.newDelivery(),
                DeploymentPayloads.gitlab(project, GitLabPayloads.PATH, 7002, SHA, "review/feature-cart-totals", "success", PREVIEW));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(Scenarios.json(fx.awaitEnd("gitlab-d7002-7").output()).path("reply").path("verdict").asText()).isEqualTo("NONE");
        assertThat(CommitStatuses.states(statuses())).containsExactly("running", "success");
        String reply = Scenarios.json(fx.fakes.gitlab.findAll(putRequestedFor(urlPathMatching("/api/v4/projects/44/merge_requests/7/notes/\\d+")))
                .get(0).getBodyAsString()).path("body").asText();
        assertThat(BotText.headings(reply)).containsExactly("### ⚠️ QA finished without a verdict");
    }

    /** A `/qa … --url` note on !7 by the Developer, whose conversation answers {@code polls} in turn; returns once its run ended. */
    private static Run command(String chat, String instructions, Stubs.Answer... polls) throws Exception {
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, polls);
        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("/qa " + instructions + " --url " + PREVIEW));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return new Run(fx.awaitEnd(GitLabPayloads.runId(answer)));
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

    private static Sent running(String description, String chat) {
        return new Sent(SHA, "running", "qa-bridge", description, chatUrl(chat), FIELDS);
    }

    private static String chatUrl(String chat) {
        return VerdictStatusIT.chatUrl(chat);
    }

    private static String statusesPath() {
        return GitLabStubs.API + "/statuses/" + SHA;
    }

    private static List<Sent> statuses() {
        return CommitStatuses.gitlab(fx.fakes.gitlab);
    }

    /** The one edit of the status note: the reply. */
    private static String onlyEdit() {
        List<LoggedRequest> edits = fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(GitLabStubs.STATUS_NOTE)));
        assertThat(edits).hasSize(1);
        return Scenarios.json(edits.get(0).getBodyAsString()).path("body").asText();
    }

    /** Award emoji names on the command's note, oldest first. */
    private static List<String> awards() {
        return fx.fakes.gitlab.findAll(postRequestedFor(urlPathMatching(GitLabStubs.NOTES + "/\\d+/award_emoji"))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> Scenarios.json(r.getBodyAsString()).path("name").asText()).toList();
    }

    /** Every request the GitLab fake received, oldest first, as "METHOD path". */
    private static List<String> gitlabRequests() {
        return fx.fakes.gitlab.findAll(allRequests()).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> r.getMethod().getName() + " " + r.getUrl().replaceFirst("\\?.*", "")).toList();
    }
}
