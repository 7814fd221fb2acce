package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.qabridge.local.it.GitLabStubs.AWARDS;
import static dev.qabridge.local.it.GitLabStubs.DEPLOYMENTS;
import static dev.qabridge.local.it.GitLabStubs.MR;
import static dev.qabridge.local.it.GitLabStubs.NOTES;
import static dev.qabridge.local.it.GitLabStubs.STATUS_NOTE;
import static dev.qabridge.local.it.GitLabStubs.THREAD_NOTES;
import static org.assertj.core.api.Assertions.assertThat;

/** `/qa` in a GitLab merge request note, end to end through the real state machine on the local stack. */
class GitLabFlowIT {
    private static final String TEMPLATE = "https://mr-{number}--{branch}.preview.example.com";
    private static final String FROM_TEMPLATE = "https://mr-7--feature-cart-totals.preview.example.com";
    private static final String MEMBER = GitLabStubs.API + "/members/all/" + GitLabPayloads.DEVELOPER_ID;
    private static final String STATUSES = GitLabStubs.API + "/statuses/" + GitLabPayloads.SHA;
    private static final String DEPLOYMENTS_QUERY = DEPLOYMENTS + "?status=success&order_by=updated_at&sort=desc&per_page=50";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of("PREVIEW_URL_TEMPLATE", TEMPLATE));

    @BeforeEach
    void stubs() {
        GitLabStubs.gitlab(fx.fakes.gitlab);
        GitLabStubs.noDeployments(fx.fakes.gitlab);
    }

    @Test
    void runsTheAgentOnTheGivenUrlAndEditsTheStatusNoteWithItsAnswer() throws Exception {
        String chat = "chat_gl_happy1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.onlyUserMessage(chat), Stubs.running(chat),
                Stubs.passed(chat, "The cart total updated from $20 to $35 after adding a second item. ✅"));
        String delivery = GitLabPayloads.newDelivery();
        ObjectNode command = GitLabPayloads.command("/qa check that the cart total updates --url https://mr-7.review.example.dev");

        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), delivery, command);

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(json(answer.body()).path("run").asText()).isEqualTo("gitlab-n" + GitLabPayloads.noteId(command));
        DescribeExecutionResponse end = fx.awaitEnd(GitLabPayloads.runId(answer));
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(json(end.output()).path("conversation").path("id").asText()).isEqualTo(chat);

        // QA.tech: one conversation aimed at --url, with the MR as context.
        List<LoggedRequest> starts = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        assertThat(starts.get(0).getHeader("Authorization")).isEqualTo("Bearer it-qatech-key");
        JsonNode chatRequest = json(starts.get(0).getBodyAsString());
        assertThat(chatRequest.path("message").asText()).startsWith("check that the cart total updates")
                .contains("merge request !7", "acme/shop", GitLabPayloads.SHA, GitLabPayloads.BRANCH, "Cart: recompute totals")
                .doesNotContain("--url");
        JsonNode environment = chatRequest.path("applicationOverrides").get(0).path("environment");
        assertThat(environment.path("url").asText()).isEqualTo("https://mr-7.review.example.dev");
        assertThat(environment.path("name").asText()).isEqualTo("acme/shop!7 preview");

        // GitLab, exactly and in order: trust, eyes, the MR and its author's trust (for its description), a look for an earlier
        // status note (a post whose answer was lost may have made it), one status note,
        // the commit status "running", the MR again (has it moved on?), the note's edit, a rocket, the final commit status.
        // No deployment lookup.
        assertThat(gitlabRequests()).containsExactly(
                "GET " + MEMBER,
                "POST " + AWARDS,
                "GET " + MR,
                "GET " + MEMBER,
                "GET " + LOOK,
                "POST " + NOTES,
                "POST " + STATUSES,
                "GET " + MR,
                "PUT " + STATUS_NOTE,
                "POST " + AWARDS,
                "POST " + STATUSES);
        assertThat(fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(STATUSES))).stream()
                .map(r -> json(r.getBodyAsString()).path("state").asText()).toList()).containsExactly("running", "success");
        assertThat(awards()).containsExactly("eyes", "rocket");
        String status = body(fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(NOTES))).get(0));
        assertThat(status).startsWith("<!-- qa-bridge -->").contains("QA.tech is testing this preview",
                "https://mr-7.review.example.dev", "https://app.qa.tech/p/proj_demo/chat/" + chat, "@alice");
        String reply = body(fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(STATUS_NOTE))).get(0));
        assertThat(reply).contains("QA passed", "The cart total updated from $20 to $35", "https://mr-7.review.example.dev",
                "https://app.qa.tech/p/proj_demo/chat/" + chat, "@alice", "check that the cart total updates");
        for (ServeEvent e : fx.fakes.gitlab.getAllServeEvents()) {
            assertThat(e.getRequest().getHeader("PRIVATE-TOKEN")).isEqualTo(GitLabPayloads.TOKEN);
            assertThat(e.getRequest().containsHeader("Authorization")).isFalse();
        }
        assertThat(fx.fakes.github.getAllServeEvents()).isEmpty();
    }

    @Test
    void takesThePreviewFromTheNewestSuccessfulDeploymentOfTheHeadCommit() throws Exception {
        GitLabStubs.reviewAppDeployed(fx.fakes.gitlab, "https://feature-cart-totals.review.example.dev");
        String chat = "chat_gl_deploy1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, "Works on the review app."));
        String delivery = GitLabPayloads.newDelivery();

        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), delivery, GitLabPayloads.command("/qa check the cart"));
        fx.awaitEnd(GitLabPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString())
                .path("applicationOverrides").get(0).path("environment").path("url").asText())
                .isEqualTo("https://feature-cart-totals.review.example.dev");
        // the environment of the head commit's deployment had no external_url: read from the environment itself
        assertThat(gitlabRequests()).containsSubsequence("GET " + MR, "GET " + DEPLOYMENTS_QUERY,
                "GET " + GitLabStubs.API + "/environments/9", "POST " + NOTES);
        assertThat(body(fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(NOTES))).get(0)))
                .contains("from the newest successful deployment");
    }

    @Test
    void fallsBackToThePreviewTemplateAndAnswersInTheCommandsThread() throws Exception {
        String chat = "chat_gl_template1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat), Stubs.passed(chat, "Template preview is fine."));
        String delivery = GitLabPayloads.newDelivery();

        HttpResponse<String> answer = GitLabPayloads.deliver(fx.url(), delivery,
                GitLabPayloads.inThread(GitLabPayloads.command("/qa check the cart"), "DiffNote"));
        DescribeExecutionResponse end = fx.awaitEnd(GitLabPayloads.runId(answer));

        assertThat(answer.statusCode()).isEqualTo(202);
        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat"))).get(0).getBodyAsString())
                .path("applicationOverrides").get(0).path("environment").path("url").asText()).isEqualTo(FROM_TEMPLATE);
        // deployments looked up and empty ("none", not an error), then the status note goes into the thread
        assertThat(gitlabRequests()).containsExactly(
                "GET " + MEMBER,
                "POST " + AWARDS,
                "GET " + MR,
                "GET " + DEPLOYMENTS_QUERY,
                "GET " + MEMBER,
                "GET " + LOOK,
                "POST " + THREAD_NOTES,
                "POST " + STATUSES,
                "GET " + MR,
                "PUT " + STATUS_NOTE,
                "POST " + AWARDS,
                "POST " + STATUSES);
        assertThat(body(fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(THREAD_NOTES))).get(0)))
                .contains(FROM_TEMPLATE, "from PREVIEW_URL_TEMPLATE");
        assertThat(body(fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(STATUS_NOTE))).get(0)))
                .contains("QA passed", "Template preview is fine.", FROM_TEMPLATE);
    }

    @Test
    void postsOneFailureNoteWhenTheConversationFails() throws Exception {
        String chat = "chat_gl_failed1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.running(chat), Stubs.finished(chat, "FAILED", "I could not log in: the login form returned 500."));
        String delivery = GitLabPayloads.newDelivery();

        var answer = GitLabPayloads.deliver(fx.url(), delivery, GitLabPayloads.command("/qa log in and buy a hat --url https://mr-7.example.dev"));
        DescribeExecutionResponse end = fx.awaitEnd(GitLabPayloads.runId(answer));

        assertThat(end.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(json(end.output()).path("reply").path("outcome").asText()).isEqualTo("FAILED");
        fx.fakes.gitlab.verify(1, postRequestedFor(urlPathEqualTo(NOTES)));
        List<LoggedRequest> edits = fx.fakes.gitlab.findAll(putRequestedFor(urlPathEqualTo(STATUS_NOTE)));
        assertThat(edits).hasSize(1);
        assertThat(body(edits.get(0))).contains("QA.tech's agent failed", "I could not log in", "https://mr-7.example.dev", "@alice");
        assertThat(awards()).containsExactly("eyes", "confused");
    }

    @Test
    void fourConcurrentCopiesOfOneEventStartExactlyOneConversation() throws Exception {
        String chat = "chat_gl_once1";
        Stubs.chatStarted(fx.fakes.qatech, chat);
        Stubs.chatPolls(fx.fakes.qatech, chat, Stubs.passed(chat, "Done once."));
        String delivery = GitLabPayloads.newDelivery();
        ObjectNode command = GitLabPayloads.command("/qa check checkout --url https://mr-7.example.dev");
        byte[] body = GitLabPayloads.bytes(command);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<HttpResponse<String>>> copies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // GitLab keeps Idempotency-Key across retries; each copy has its own X-Gitlab-Event-UUID.
            copies.add(() -> GitLabPayloads.send(fx.url(), "Note Hook", delivery, body, Map.of()));
        }
        List<Integer> statuses = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (Future<HttpResponse<String>> f : pool.invokeAll(copies)) {
            statuses.add(f.get().statusCode());
            bodies.add(f.get().body());
        }
        pool.shutdown();
        fx.awaitEnd("gitlab-n" + GitLabPayloads.noteId(command));

        assertThat(statuses).containsExactlyInAnyOrder(202, 200, 200, 200);
        assertThat(bodies.stream().filter(b -> b.contains("already handled")).count()).isEqualTo(3);
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
        fx.fakes.gitlab.verify(1, postRequestedFor(urlPathEqualTo(NOTES)));
        fx.fakes.gitlab.verify(1, putRequestedFor(urlPathEqualTo(STATUS_NOTE)));
        assertThat(awards()).containsExactly("eyes", "rocket");
    }

    @Test
    void ignoresReportersAndNonMembersWithoutRunningOrWritingANote() throws Exception {
        ObjectNode byReporter = GitLabPayloads.note("create", "/qa check the cart", "MergeRequest", false, GitLabPayloads.REPORTER_ID,
                GitLabPayloads.REPORTER);
        ObjectNode byOutsider = GitLabPayloads.note("create", "/qa check the cart", "MergeRequest", false, GitLabPayloads.OUTSIDER_ID, "mallory");
        var reporter = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), byReporter);
        fx.awaitEnd("gitlab-n" + GitLabPayloads.noteId(byReporter));   // its run only awards 😕
        var outsider = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), byOutsider);
        fx.awaitEnd("gitlab-n" + GitLabPayloads.noteId(byOutsider));

        assertThat(reporter.statusCode()).isEqualTo(200);
        assertThat(json(reporter.body()).path("ignored").asText()).contains("rita", "access level 20", "QA_GITLAB_MIN_ACCESS_LEVEL 30");
        assertThat(outsider.statusCode()).isEqualTo(200);
        assertThat(json(outsider.body()).path("ignored").asText()).contains("access level 0");
        // the project's settings file (read before the trust check, cached per project) aside
        assertThat(gitlabRequests().stream().filter(r -> !r.contains("/repository/files/")).toList()).containsExactly(
                "GET " + GitLabStubs.API + "/members/all/" + GitLabPayloads.REPORTER_ID,
                "POST " + AWARDS,
                "GET " + GitLabStubs.API + "/members/all/" + GitLabPayloads.OUTSIDER_ID,
                "POST " + AWARDS);
        assertThat(awards()).containsExactly("confused", "confused");
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    @Test
    void ignoresSystemEditedIssueCommitSnippetBotOwnAndInternalNotesWithA2xx() throws Exception {
        var system = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.note("create", "/qa added 1 commit", "MergeRequest", true, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER));
        var edited = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.note("update", "/qa check the cart", "MergeRequest", false, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER));
        var issue = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.note("create", "/qa check the cart", "Issue", false, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER));
        var commit = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.note("create", "/qa check the cart", "Commit", false, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER));
        var snippet = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.note("create", "/qa check the cart", "Snippet", false, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER));
        var bot = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.note("create", "/qa check the cart", "MergeRequest", false, 26, "project_42_bot_3f0c1a"));
        var own = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(),
                GitLabPayloads.command("<!-- qa-bridge -->\n/qa check the cart"));
        var notCommand = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), GitLabPayloads.command("/qatech check the cart"));
        ObjectNode internalNote = GitLabPayloads.command("/qa check the cart");
        ((ObjectNode) internalNote.path("object_attributes")).put("internal", true);
        var internal = GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), internalNote);
        var confidential = GitLabPayloads.send(fx.url(), "Confidential Note Hook", GitLabPayloads.newDelivery(),
                GitLabPayloads.bytes(internalNote), Map.of());
        var otherEvent = GitLabPayloads.send(fx.url(), "Merge Request Hook", GitLabPayloads.newDelivery(),
                "{\"object_kind\": \"merge_request\"}".getBytes(StandardCharsets.UTF_8), Map.of());

        for (var r : List.of(system, edited, issue, commit, snippet, bot, own, notCommand, internal, confidential, otherEvent)) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r.body()).path("ignored").asText()).isNotBlank();
        }
        assertThat(json(system.body()).path("ignored").asText()).contains("system note");
        assertThat(json(edited.body()).path("ignored").asText()).contains("update", "only new notes");
        assertThat(json(issue.body()).path("ignored").asText()).contains("Issue", "not a merge request");
        assertThat(json(commit.body()).path("ignored").asText()).contains("Commit");
        assertThat(json(snippet.body()).path("ignored").asText()).contains("Snippet");
        assertThat(json(bot.body()).path("ignored").asText()).contains("bot");
        assertThat(json(own.body()).path("ignored").asText()).contains("qa-bridge");
        assertThat(json(internal.body()).path("ignored").asText()).contains("internal note");
        assertThat(json(confidential.body()).path("ignored").asText()).contains("Confidential Note Hook");
        assertThat(json(otherEvent.body()).path("ignored").asText()).contains("merge request", "only new commits");
        assertThat(fx.fakes.gitlab.getAllServeEvents()).isEmpty();
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesWrongAndMissingTokensWithAHint() throws Exception {
        byte[] body = GitLabPayloads.bytes(GitLabPayloads.command("/qa check the cart"));
        var wrong = GitLabPayloads.send(fx.url(), "Note Hook", GitLabPayloads.newDelivery(), body, Map.of("X-Gitlab-Token", "not-the-secret"));
        Map<String, String> noToken = new HashMap<>();
        noToken.put("X-Gitlab-Token", null);
        var missing = GitLabPayloads.send(fx.url(), "Note Hook", GitLabPayloads.newDelivery(), body, noToken);

        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong.body()).path("error").asText()).contains("X-Gitlab-Token does not match", "GITLAB_WEBHOOK_SECRET");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing.body()).path("error").asText()).contains("missing X-Gitlab-Token", "GITLAB_WEBHOOK_SECRET");
        assertThat(fx.fakes.gitlab.getAllServeEvents()).isEmpty();
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    @Test
    void acceptsASignedDeliveryAndRefusesATamperedOne() throws Exception {
        String delivery = GitLabPayloads.newDelivery();
        byte[] body = GitLabPayloads.bytes(GitLabPayloads.command("/qa help"));
        var signed = GitLabPayloads.send(fx.url(), "Note Hook", delivery, body, GitLabPayloads.signedHeaders(delivery, body));

        String other = GitLabPayloads.newDelivery();
        byte[] original = GitLabPayloads.bytes(GitLabPayloads.command("/qa check the cart"));
        byte[] tampered = GitLabPayloads.bytes(GitLabPayloads.command("/qa check the cart --url https://evil.example.com"));
        Map<String, String> headers = GitLabPayloads.signedHeaders(other, original);
        headers.put("X-Gitlab-Token", GitLabPayloads.SECRET);   // a good token must not carry a tampered body
        var forged = GitLabPayloads.send(fx.url(), "Note Hook", other, tampered, headers);

        assertThat(signed.statusCode()).isEqualTo(202);
        assertThat(json(signed.body()).path("command").asText()).isEqualTo("help");
        fx.awaitEnd(GitLabPayloads.runId(signed));
        assertThat(body(fx.fakes.gitlab.findAll(postRequestedFor(urlPathEqualTo(NOTES))).get(0)))
                .contains("merge request", "access level ≥ 30", "/qa <what to test>");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(json(forged.body()).path("error").asText()).contains("webhook-signature does not match", "GITLAB_WEBHOOK_SIGNING_TOKEN");
        // only the signed help command reached GitLab: trust, eyes, the help note
        assertThat(gitlabRequests()).containsExactly("GET " + MEMBER, "POST " + AWARDS, "GET " + LOOK, "POST " + NOTES);
        assertThat(fx.fakes.qatech.getAllServeEvents()).isEmpty();
    }

    /** What the GitLab fake received, oldest first, as "METHOD /path?query". */
    /** The bridge's look for a note it may have posted already, before it posts one. */
    private static final String LOOK = GitLabStubs.NOTES + "?sort=desc&order_by=created_at&per_page=50";

    private static List<String> gitlabRequests() {
        List<String> requests = new ArrayList<>(fx.fakes.gitlab.getAllServeEvents().stream()
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl().replaceAll("/notes/\\d+/award_emoji", "/notes/{note}/award_emoji"))
                .toList());
        java.util.Collections.reverse(requests);   // WireMock lists the newest first
        return requests;
    }

    /** The emoji awarded on the command note, oldest first. */
    private static List<String> awards() {
        List<String> names = new ArrayList<>(fx.fakes.gitlab.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().matches(NOTES + "/\\d+/award_emoji"))
                .map(e -> json(e.getRequest().getBodyAsString()).path("name").asText()).toList());
        java.util.Collections.reverse(names);
        return names;
    }

    private static String body(LoggedRequest request) {
        JsonNode body = json(request.getBodyAsString());
        assertThat(body.size()).as("a note request carries only its body").isEqualTo(1);
        return body.path("body").asText();
    }

    private static JsonNode json(String text) {
        try {
            return JsonHttp.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
