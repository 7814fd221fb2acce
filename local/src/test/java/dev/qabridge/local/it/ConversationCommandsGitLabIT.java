package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.qabridge.http.JsonHttp;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/** {@link ConversationCommandsContract} on GitLab: notes, note edits and commit statuses of merge request !7. */
class ConversationCommandsGitLabIT extends ConversationCommandsContract {
    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @Override
    StackFixture fx() {
        return fx;
    }

    private long project() {
        return 5000 + n;
    }

    private String path() {
        return "acme/shop" + n;
    }

    private String api() {
        return "/api/v4/projects/" + project();
    }

    @Override
    WireMockServer platform() {
        return fx.fakes.gitlab;
    }

    @Override
    void stubPlatform() {
        GitLabStubs.writableProject(fx.fakes.gitlab, project());
        headMovesTo(GitLabPayloads.SHA);
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api() + "/deployments")).willReturn(okJson("""
                [{"id": 41, "iid": 1, "ref": "%s", "sha": "%s", "status": "success",
                  "created_at": "2026-11-26T09:50:00.000Z", "updated_at": "2026-11-26T09:52:00.000Z",
                  "environment": {"id": 9, "name": "review/feature-cart-totals", "external_url": "https://mr-7.review.example.com"}}]
                """.formatted(GitLabPayloads.BRANCH, GitLabPayloads.SHA))));
    }

    @Override
    HttpResponse<String> comment(String text) throws Exception {
        ObjectNode note = GitLabPayloads.command(text);
        onThisProject(note);
        ObjectNode mr = (ObjectNode) note.path("merge_request");
        mr.put("source_project_id", project()).put("target_project_id", project())
                .put("url", "https://gitlab.example.com/" + path() + "/-/merge_requests/" + GitLabPayloads.MR_IID);
        ((ObjectNode) note.path("object_attributes")).put("project_id", project());
        return GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), note);
    }

    private void onThisProject(ObjectNode payload) {
        payload.put("project_id", project());
        ((ObjectNode) payload.path("project")).put("id", project()).put("path_with_namespace", path())
                .put("web_url", "https://gitlab.example.com/" + path());
    }

    @Override
    String runId(HttpResponse<String> answer) {
        return GitLabPayloads.runId(answer);
    }

    @Override
    List<String> posted() {
        return bodies(fx.fakes.gitlab.findAll(postRequestedFor(urlPathMatching(api() + "/merge_requests/\\d+/notes"))));
    }

    @Override
    List<String> edits() {
        return bodies(editRequests());
    }

    @Override
    List<LoggedRequest> editRequests() {
        return sorted(fx.fakes.gitlab.findAll(putRequestedFor(urlPathMatching(api() + "/merge_requests/\\d+/notes/\\d+"))));
    }

    @Override
    List<CommitStatuses.Sent> statuses() {
        return CommitStatuses.gitlab(fx.fakes.gitlab);
    }

    @Override
    String cancelledState() {
        return "canceled";
    }

    @Override
    String runningState() {
        return "running";
    }

    @Override
    String shaShown() {
        return GitLabPayloads.SHA.substring(0, 7);
    }

    @Override
    void settingsFile(String yaml) {
        GitLabStubs.settingsFile(fx.fakes.gitlab, project(), yaml);
    }

    @Override
    void headMovesTo(String sha) {
        GitLabStubs.mergeRequestIs(fx.fakes.gitlab, project(), GitLabStubs.mergeRequest(project(), sha, GitLabPayloads.DEVELOPER_ID,
                GitLabPayloads.DEVELOPER, project(), "Cart: recompute totals", "Totals."));
    }

    /** A Merge Request Hook {@code update} with {@code oldrev}: GitLab's "new commits on the MR". */
    @Override
    HttpResponse<String> pushed(String sha) throws Exception {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("object_kind", "merge_request").put("event_type", "merge_request");
        p.putObject("user").put("id", GitLabPayloads.DEVELOPER_ID).put("username", GitLabPayloads.DEVELOPER).put("name", "Alice");
        p.putObject("project").put("default_branch", "main");
        onThisProject(p);
        ObjectNode mr = p.putObject("object_attributes");
        mr.put("iid", GitLabPayloads.MR_IID).put("action", "update").put("oldrev", GitLabPayloads.SHA).put("state", "opened")
                .put("source_branch", GitLabPayloads.BRANCH).put("target_branch", "main")
                .put("source_project_id", project()).put("target_project_id", project());
        mr.putObject("last_commit").put("id", sha).put("message", "Fix totals\n");
        return GitLabPayloads.send(fx.url(), "Merge Request Hook", GitLabPayloads.newDelivery(), GitLabPayloads.bytes(p), Map.of());
    }
}
