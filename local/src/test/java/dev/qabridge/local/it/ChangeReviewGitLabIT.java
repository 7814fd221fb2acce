package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 21's change reviews on GitLab: the MR's diffs, read page by page, become one unified diff; {@code pr} mode names GitLab. */
class ChangeReviewGitLabIT {
    /** Each test's project: the webhook keeps a project's settings file for a minute. */
    private static final java.util.concurrent.atomic.AtomicLong PROJECTS = new java.util.concurrent.atomic.AtomicLong(6100);
    private long project;
    private String api;

    @org.junit.jupiter.api.BeforeEach
    void aProjectOfItsOwn() {
        project = PROJECTS.incrementAndGet();
        api = "/api/v4/projects/" + project;
    }

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    private void stubProject() {
        GitLabStubs.writableProject(fx.fakes.gitlab, project);
        GitLabStubs.mergeRequestIs(fx.fakes.gitlab, project, GitLabStubs.mergeRequest(project, GitLabPayloads.SHA, GitLabPayloads.DEVELOPER_ID,
                GitLabPayloads.DEVELOPER, project, "Cart: recompute totals", "Totals are recomputed."));
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api + "/deployments")).willReturn(okJson("""
                [{"id": 41, "iid": 1, "ref": "%s", "sha": "%s", "status": "success",
                  "created_at": "2026-11-26T09:50:00.000Z", "updated_at": "2026-11-26T09:52:00.000Z",
                  "environment": {"id": 9, "name": "review/feature-cart-totals", "external_url": "https://mr-7.review.example.com"}}]
                """.formatted(GitLabPayloads.BRANCH, GitLabPayloads.SHA))));
        fx.fakes.qatech.stubFor(post(urlPathEqualTo("/v1/chat/change-review")).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(Stubs.conversation("chat_glreview", ""))));
        Stubs.chatPolls(fx.fakes.qatech, "chat_glreview", Stubs.passed("chat_glreview", "Works."));
    }

    private HttpResponse<String> note(String text) throws Exception {
        ObjectNode note = GitLabPayloads.command(text);
        note.put("project_id", project);
        ((ObjectNode) note.path("project")).put("id", project).put("path_with_namespace", "acme/reviewed")
                .put("web_url", "https://gitlab.example.com/acme/reviewed");
        ((ObjectNode) note.path("merge_request")).put("source_project_id", project).put("target_project_id", project);
        ((ObjectNode) note.path("object_attributes")).put("project_id", project);
        return GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), note);
    }

    private static ObjectNode fileDiff(String path, String diff) {
        ObjectNode f = JsonHttp.JSON.createObjectNode();
        f.put("old_path", path).put("new_path", path).put("a_mode", "100644").put("b_mode", "100644").put("diff", diff)
                .put("new_file", false).put("renamed_file", false).put("deleted_file", false);
        return f;
    }

    @Test
    void theMergeRequestsDiffsPageByPageBecomeTheReviewsDiff() throws Exception {
        stubProject();
        ArrayNode first = JsonHttp.JSON.createArrayNode();
        for (int i = 0; i < 100; i++) {
            first.add(fileDiff("src/f" + i + ".ts", "@@ -1 +1 @@\n-a\n+b" + i + "\n"));
        }
        ArrayNode second = JsonHttp.JSON.createArrayNode();
        second.add(fileDiff("src/last.ts", "@@ -1 +1 @@\n-x\n+y\n"));
        ObjectNode image = fileDiff("img/logo.png", "");
        second.add(image);
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api + "/merge_requests/7/diffs")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson(first.toString())));
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api + "/merge_requests/7/diffs")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson(second.toString())));

        HttpResponse<String> answer = note("/qa review the totals");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        fx.awaitEnd(GitLabPayloads.runId(answer));

        List<LoggedRequest> reviews = fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/change-review")));
        assertThat(reviews).hasSize(1);
        JsonNode request = Scenarios.json(reviews.getFirst().getBodyAsString());
        String diff = request.at("/changes/diff").asText();
        assertThat(diff).startsWith("diff --git a/src/f0.ts b/src/f0.ts\n--- a/src/f0.ts\n+++ b/src/f0.ts\n@@ -1 +1 @@\n-a\n+b0\n")
                .contains("diff --git a/src/f99.ts b/src/f99.ts", "diff --git a/src/last.ts b/src/last.ts\n--- a/src/last.ts\n+++ b/src/last.ts\n")
                .doesNotContain("logo.png");
        assertThat(request.path("context").asText()).startsWith("the totals").contains("1 binary file was left out: img/logo.png");
        assertThat(request.at("/applicationOverrides/0/environment/url").asText()).isEqualTo("https://mr-7.review.example.com");
        fx.fakes.gitlab.verify(2, getRequestedFor(urlPathEqualTo(api + "/merge_requests/7/diffs")).withQueryParam("per_page", equalTo("100")));
    }

    @Test
    void prModeNamesGitLabAsTheProvider() throws Exception {
        stubProject();
        GitLabStubs.settingsFile(fx.fakes.gitlab, project, "review:\n  mode: pr\n");

        HttpResponse<String> answer = note("/qa review");
        fx.awaitEnd(GitLabPayloads.runId(answer));

        JsonNode request = Scenarios.json(fx.fakes.qatech.findAll(postRequestedFor(urlPathEqualTo("/v1/chat/change-review")))
                .getFirst().getBodyAsString());
        assertThat(request.path("mode").asText()).isEqualTo("pr");
        assertThat(request.path("vcsProviderId").asText()).isEqualTo("gitlab");
        assertThat(request.path("prUrl").asText()).isEqualTo("https://gitlab.example.com/" + GitLabPayloads.PATH + "/-/merge_requests/7");
    }
}
