package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.qabridge.local.it.AutoRunGitHubIT.chatsStartInTurn;
import static dev.qabridge.local.it.AutoRunGitHubIT.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Skip rules of automatic runs on GitLab: a draft MR's review-app deployment sets success "Skipped: …" and runs once the
 * MR is marked ready (a Merge Request Hook whose {@code changes.draft} goes from true to false); labels, bot authors
 * (GitLab's {@code bot} user flag) and ignored paths (the MR's diffs) skip with their reason.
 */
class SkipRulesGitLabIT {
    private static final String SHA = GitLabPayloads.SHA;
    private static final String PREVIEW = "https://cart-totals.review.example.com";
    private static final String ENVIRONMENT = "review/feature-cart-totals";
    private static final long AUTHOR = 583;

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    private static WireMockServer gitlab() {
        return fx.fakes.gitlab;
    }

    private static String api(long project) {
        return "/api/v4/projects/" + project;
    }

    /** MR !7 of {@code project}, with the fields the skip rules read. */
    private static void mergeRequest(long project, boolean draft, String... labels) {
        AutoRunGitLabIT.stubProject(gitlab(), project);
        String labelJson = java.util.Arrays.stream(labels).map(l -> "\"" + l + "\"").collect(Collectors.joining(",", "[", "]"));
        gitlab().stubFor(get(urlPathEqualTo(api(project) + "/merge_requests/7")).willReturn(okJson("""
                {"id": 99, "iid": 7, "project_id": %d, "title": "Cart: recompute totals", "state": "opened", "draft": %s,
                 "work_in_progress": %s, "labels": %s, "description": "Totals.", "source_branch": "%s", "target_branch": "main",
                 "sha": "%s", "web_url": "https://gitlab.example.com/acme/shop/-/merge_requests/7",
                 "source_project_id": %d, "target_project_id": %d, "author": {"id": %d, "username": "alice"}}
                """.formatted(project, draft, draft, labelJson, GitLabPayloads.BRANCH, SHA, project, project, AUTHOR))));
    }

    private static void settings(long project, String yaml) {
        gitlab().stubFor(get(urlPathEqualTo(api(project) + "/repository/files/.gitlab%2Fqa-bridge.yml")).withQueryParam("ref", equalTo("main"))
                .willReturn(okJson(Stubs.fileContents(".gitlab/qa-bridge.yml", yaml))));
    }

    private static HttpResponse<String> deploy(long project, long deployment) throws Exception {
        return DeploymentPayloads.deliverGitLab(fx.url(), GitLabPayloads.newDelivery(),
                DeploymentPayloads.gitlab(project, "acme/shop", deployment, SHA, ENVIRONMENT, "success", PREVIEW));
    }

    private static CommitStatuses.Sent skipped(long project, long deployment) throws Exception {
        HttpResponse<String> answer = deploy(project, deployment);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(fx.awaitEnd("gitlab-d" + deployment + "-7").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<CommitStatuses.Sent> statuses = CommitStatuses.gitlab(gitlab(), project);
        assertThat(statuses).singleElement();
        assertThat(statuses.get(0).state()).isEqualTo("success");
        assertThat(statuses.get(0).sha()).isEqualTo(SHA);
        assertThat(statuses.get(0).context()).isEqualTo("qa-bridge");
        gitlab().verify(0, postRequestedFor(urlPathEqualTo(api(project) + "/merge_requests/7/notes")));
        return statuses.get(0);
    }

    /** A Merge Request Hook {@code update} that marks the draft ready (no new commits). */
    private static HttpResponse<String> markedReady(long project) throws Exception {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("object_kind", "merge_request").put("event_type", "merge_request");
        p.putObject("user").put("id", AUTHOR).put("username", "alice").put("name", "Alice");
        p.putObject("project").put("id", project).put("path_with_namespace", "acme/shop").put("default_branch", "main");
        ObjectNode mr = p.putObject("object_attributes");
        mr.put("iid", 7).put("action", "update").put("state", "opened").put("draft", false).put("source_branch", GitLabPayloads.BRANCH)
                .put("target_branch", "main").put("source_project_id", project).put("target_project_id", project);
        mr.putObject("last_commit").put("id", SHA).put("message", "Fix totals\n");
        ObjectNode changes = p.putObject("changes");
        changes.putObject("draft").put("previous", true).put("current", false);
        changes.putObject("title").put("previous", "Draft: Cart").put("current", "Cart");
        return GitLabPayloads.send(fx.url(), "Merge Request Hook", GitLabPayloads.newDelivery(), GitLabPayloads.bytes(p), Map.of());
    }

    @Test
    void aDraftIsSkippedAsPassingAndRunsOnceWhenMarkedReady() throws Exception {
        long project = 71;
        mergeRequest(project, true);
        chatsStartInTurn(fx.fakes.qatech, "chat_gl_ready1");
        Stubs.chatPolls(fx.fakes.qatech, "chat_gl_ready1", Stubs.passed("chat_gl_ready1", "Ready and working."));

        assertThat(skipped(project, 9001).description()).isEqualTo("Skipped: a draft (autoRun.skipDrafts); it runs once marked ready");
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));

        mergeRequest(project, false);
        gitlab().stubFor(get(urlPathEqualTo(api(project) + "/deployments")).withQueryParam("status", equalTo("success")).willReturn(okJson("""
                [{"id": 9002, "iid": 2, "ref": "%s", "sha": "%s", "status": "success",
                  "environment": {"id": 12, "name": "production", "external_url": "https://shop.example.com"}},
                 {"id": 9001, "iid": 1, "ref": "%s", "sha": "%s", "status": "success",
                  "environment": {"id": 11, "name": "%s", "external_url": "%s"}}]"""
                .formatted(GitLabPayloads.BRANCH, SHA, GitLabPayloads.BRANCH, SHA, ENVIRONMENT, PREVIEW))));
        HttpResponse<String> ready = markedReady(project);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(202);
        assertThat(json(ready.body()).path("run").asText()).isEqualTo("gitlab-d9001-7-ready");
        assertThat(fx.awaitEnd("gitlab-d9001-7-ready").status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<LoggedRequest> starts = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat")));
        assertThat(starts).hasSize(1);
        assertThat(json(starts.get(0).getBodyAsString()).at("/applicationOverrides/0/environment/url").asText()).isEqualTo(PREVIEW);
        assertThat(CommitStatuses.gitlab(gitlab(), project)).extracting(CommitStatuses.Sent::state)
                .containsExactly("success", "running", "success");

        HttpResponse<String> again = markedReady(project);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again.body()).path("ignored").asText()).contains("already tested since it was marked ready");
        fx.fakes.qatech.verify(1, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }

    @Test
    void labelsBotsAndIgnoredPathsSkipWithTheirReason() throws Exception {
        long labels = 72;
        mergeRequest(labels, false, "frontend", "no-qa");
        settings(labels, "autoRun:\n  skipLabels: [no-qa]\n");
        assertThat(skipped(labels, 9101).description()).isEqualTo("Skipped: labelled no-qa (autoRun.skipLabels)");

        long bots = 73;
        mergeRequest(bots, false);
        settings(bots, "autoRun:\n  skipBots: true\n");
        gitlab().stubFor(get(urlPathEqualTo("/api/v4/users/" + AUTHOR)).willReturn(okJson("""
                {"id": %d, "username": "alice", "name": "Renovate", "state": "active", "bot": true}""".formatted(AUTHOR))));
        assertThat(skipped(bots, 9102).description()).isEqualTo("Skipped: opened by a bot account (autoRun.skipBots)");
        gitlab().verify(getRequestedFor(urlPathEqualTo("/api/v4/users/" + AUTHOR)));

        long docs = 74;
        mergeRequest(docs, false);
        settings(docs, "autoRun:\n  ignorePaths: [\"docs/**\", \"**/*.md\"]\n");
        gitlab().stubFor(get(urlPathEqualTo(api(docs) + "/merge_requests/7/diffs")).willReturn(okJson("""
                [{"old_path": "docs/old.md", "new_path": "docs/new.md", "diff": "@@ -1 +1 @@\\n-a\\n+b\\n", "new_file": false,
                  "renamed_file": true, "deleted_file": false},
                 {"old_path": "README.md", "new_path": "README.md", "diff": "@@ -1 +1 @@\\n-a\\n+b\\n", "new_file": false,
                  "renamed_file": false, "deleted_file": false}]""")));
        assertThat(skipped(docs, 9103).description())
                .isEqualTo("Skipped: all 2 changed files match autoRun.ignorePaths (docs/**, **/*.md)");
        fx.fakes.qatech.verify(0, postRequestedFor(urlPathEqualTo("/v1/chat")));
    }
}
