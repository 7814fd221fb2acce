package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 3: QA.tech refuses a conversation and repeats the URL it was given, Vercel bypass
 * secret included, in its error message. The secret must reach no comment, no webhook answer, no log
 * line and nothing the state machine keeps (input and history), on a command, an automatic run and
 * a GitLab note alike, while the message itself still tells people what went wrong.
 */
class BypassSecretEchoIT {
    /** As Vercel makes them: 32 letters and digits. */
    private static final String SECRET = "q7XbYp4ssS3cretF0rV3rcelPrev1ews";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("VERCEL_AUTOMATION_BYPASS_SECRET", SECRET,
            "PREVIEW_VERCEL_HOSTS", "*-acme.vercel.app"));

    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @Test
    void aCommandWhoseConversationQaTechRefusesLeavesTheSecretNowhere() throws Exception {
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
        refuseEchoingTheUrl(Scenarios.PREVIEW);

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa check the cart"));
        String runId = GitHubPayloads.runId(answer);
        DescribeExecutionResponse end = fx.awaitEnd(runId);

        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("NOT_STARTED");
        String comment = onlyComment(fx.fakes.github, Scenarios.COMMENTS);
        assertThat(comment).contains("QA.tech rejected the request as invalid (400)", "environment.url", "could not be resolved");
        assertSecretNowhere(answer, runId);
    }

    @Test
    void anAutomaticRunWhoseConversationQaTechRefusesLeavesTheSecretNowhere() throws Exception {
        String repo = "acme/vercel-shop";
        String pull = Stubs.pull(repo, 7, GitHubPayloads.SHA, "octocat", "MEMBER", repo, "Cart: recompute totals", "Totals.");
        Stubs.writableRepo(fx.fakes.github, repo);
        Stubs.commitPulls(fx.fakes.github, repo, GitHubPayloads.SHA, pull);
        Stubs.pullRequest(fx.fakes.github, repo, 7, pull);
        refuseEchoingTheUrl(Scenarios.PREVIEW);

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "deployment_status", GitHubPayloads.newDelivery(),
                DeploymentPayloads.github(repo, 9301, GitHubPayloads.SHA, "Preview", "success", Scenarios.PREVIEW));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        DescribeExecutionResponse end = fx.awaitEnd("github-d9301-7");

        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("NOT_STARTED");
        assertThat(onlyComment(fx.fakes.github, "/repos/" + repo + "/issues/7/comments")).contains("could not be resolved");
        assertSecretNowhere(answer, "github-d9301-7");
    }

    @Test
    void aGitLabNoteWhoseConversationQaTechRefusesLeavesTheSecretNowhere() throws Exception {
        String preview = "https://shop-git-mr-7-acme.vercel.app";
        GitLabStubs.gitlab(fx.fakes.gitlab);
        refuseEchoingTheUrl(preview);

        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("/qa check the cart --url " + preview));
        String runId = GitLabPayloads.runId(answer);
        DescribeExecutionResponse end = fx.awaitEnd(runId);

        assertThat(Scenarios.json(end.output()).path("reply").path("outcome").asText()).isEqualTo("NOT_STARTED");
        assertThat(onlyComment(fx.fakes.gitlab, GitLabStubs.NOTES)).contains("QA.tech rejected the request as invalid (400)",
                "could not be resolved");
        assertSecretNowhere(answer, runId);
    }

    @Test
    void aVercelHostACommenterTypesGetsNoSecretUnlessItIsOneOfTheTeamsHosts() throws Exception {
        GitLabStubs.gitlab(fx.fakes.gitlab);
        Stubs.chatStarted(fx.fakes.qatech, "chat_bse_typed1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_bse_typed1", Stubs.passed("chat_bse_typed1", "Fine."));

        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("/qa check the cart --url https://collector.vercel.app/x"));
        fx.awaitEnd(GitLabPayloads.runId(answer));

        List<LoggedRequest> starts = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        assertThat(Scenarios.json(starts.get(0).getBodyAsString()).path("applicationOverrides").get(0).path("environment").path("url")
                .asText()).isEqualTo("https://collector.vercel.app/x");
        assertNoPartOfTheSecretIn("the request to QA.tech", starts.get(0).getBodyAsString());
    }

    @Test
    void aBypassUrlPastedIntoTheInstructionsIsMaskedInTheCommitStatusesAsInTheComments() throws Exception {
        // people paste the protected preview's share link; the bridge writes the instructions back in comments and statuses
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
        GitLabStubs.gitlab(fx.fakes.gitlab);
        Stubs.chatStarted(fx.fakes.qatech, "chat_bse_pasted1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_bse_pasted1", Stubs.passed("chat_bse_pasted1", "Fine."));
        String instructions = "/qa open " + Scenarios.PREVIEW + "/cart?x-vercel-protection-bypass=" + SECRET + " and check the total";

        HttpResponse<String> github = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command(instructions));
        HttpResponse<String> gitlab = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command(instructions + " --url https://mr-7.review.example.dev"));
        fx.awaitEnd(GitHubPayloads.runId(github));
        fx.awaitEnd(GitLabPayloads.runId(gitlab));

        List<CommitStatuses.Sent> statuses = new java.util.ArrayList<>(CommitStatuses.github(fx.fakes.github));
        statuses.addAll(CommitStatuses.gitlab(fx.fakes.gitlab));
        // the status descriptions are cut to 140 characters, which must not leave the secret's first half behind either
        assertThat(statuses).hasSize(4).allSatisfy(s -> {
            assertThat(s.description()).startsWith(s.state().equals("success") ? "QA passed: open " : "QA.tech's agent is testing: open ")
                    .contains("x-vercel-protection-bypass=***");
            assertNoPartOfTheSecretIn("a commit status", s.description());
        });
        for (WireMockServer platform : List.of(fx.fakes.github, fx.fakes.gitlab)) {
            for (ServeEvent e : platform.getAllServeEvents()) {
                assertNoPartOfTheSecretIn("what the bridge sent a code host", e.getRequest().getBodyAsString());
            }
        }
    }

    /** Neither the secret nor any 8 characters of it in a row. */
    private static void assertNoPartOfTheSecretIn(String what, String text) {
        for (int i = 0; i + 8 <= SECRET.length(); i++) {
            assertThat(text).as(what).doesNotContain(SECRET.substring(i, i + 8));
        }
    }

    @Test
    void anAnswerThatRepeatsTheAgentsUrlAndALongRequestThatEndsInTheSecretLeaveNoPartOfItInTheComments() throws Exception {
        Stubs.github(fx.fakes.github, Scenarios.PREVIEW);
        String chat = "chat_bse_answer1";
        String agentUrl = Scenarios.PREVIEW + "?x-vercel-protection-bypass=" + SECRET + "&x-vercel-set-bypass-cookie=true";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, "I opened " + agentUrl + " and the cart total was right.\n\n"
                + "(Vercel let me in with the bypass " + SECRET + ".)"));
        // a long request whose secret sits where the comments' 500-character quote of it is cut
        String filler = "check that the cart total updates when items are added, removed and changed in quantity; ";
        String instructions = filler.repeat(6).substring(0, 470) + " bypass " + SECRET + " then report";

        HttpResponse<String> answer = GitHubPayloads.deliver(fx.url(), "issue_comment", GitHubPayloads.newDelivery(),
                GitHubPayloads.command("/qa " + instructions));
        DescribeExecutionResponse end = fx.awaitEnd(GitHubPayloads.runId(answer));

        assertThat(Scenarios.json(end.output()).path("reply").path("verdict").asText()).isEqualTo("PASS");
        String status = onlyComment(fx.fakes.github, Scenarios.COMMENTS);
        List<LoggedRequest> edits = fx.fakes.github.findAll(patchRequestedFor(
                urlPathEqualTo(Scenarios.STATUS_COMMENT)));
        assertThat(edits).hasSize(1);
        String reply = Scenarios.json(edits.get(0).getBodyAsString()).path("body").asText();
        assertThat(reply).contains("the cart total was right", "x-vercel-protection-bypass=***");
        assertNoPartOfTheSecretIn("the status comment", status);
        assertNoPartOfTheSecretIn("the reply", reply);
        for (CommitStatuses.Sent sent : CommitStatuses.github(fx.fakes.github)) {
            assertNoPartOfTheSecretIn("a commit status", sent.description());
        }
    }

    /**
     * {@code POST /v1/chat} answers 400 with a message that repeats the URL it was sent (query and all)
     * and, for good measure, the secret once more on its own.
     */
    private static void refuseEchoingTheUrl(String preview) {
        String agentUrl = preview + "?x-vercel-protection-bypass=" + SECRET + "&x-vercel-set-bypass-cookie=true";
        Stubs.chatRefused(fx.fakes.qatech, 400, "environment.url " + agentUrl + " could not be resolved (bypass token " + SECRET
                + " was not accepted)");
    }

    private void assertSecretNowhere(HttpResponse<String> webhookAnswer, String runId) {
        // the secret was in play: the agent's URL carried it, and QA.tech repeated it
        List<LoggedRequest> starts = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        assertThat(Scenarios.json(starts.get(0).getBodyAsString()).path("applicationOverrides").get(0).path("environment").path("url")
                .asText()).contains("x-vercel-protection-bypass=" + SECRET);

        assertNoPartOfTheSecretIn("webhook answer", webhookAnswer.body());
        for (WireMockServer platform : List.of(fx.fakes.github, fx.fakes.gitlab)) {
            for (ServeEvent e : platform.getAllServeEvents()) {
                assertNoPartOfTheSecretIn("what the bridge sent a code host", e.getRequest().getUrl() + "\n" + e.getRequest().getBodyAsString());
            }
        }
        String logLines = logs.text();
        assertThat(logLines).as("log lines").contains("\"step\":\"qatech.send_failed\"", "\"run\":\"" + runId + "\"");
        assertNoPartOfTheSecretIn("log lines", logLines);
        String arn = fx.executionArn(runId);
        assertThat(fx.sfn.describeExecution(r -> r.executionArn(arn)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        // the refusal itself went through the state machine (StartConversation's error, the reply's input)
        String execution = ExecutionText.of(fx.sfn, arn);
        assertThat(execution).as("execution input, output and history").contains("could not be resolved");
        assertNoPartOfTheSecretIn("execution input, output and history", execution);
    }

    /** The one comment (or note) the bridge created at {@code path}. */
    private static String onlyComment(WireMockServer fake, String path) {
        List<LoggedRequest> posted = fake.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertThat(posted).hasSize(1);
        return Scenarios.json(posted.get(0).getBodyAsString()).path("body").asText();
    }
}
