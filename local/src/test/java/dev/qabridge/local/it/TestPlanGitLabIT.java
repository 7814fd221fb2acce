package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** {@link TestPlanContract} on GitLab: notes, note edits and commit statuses of merge request !7. */
class TestPlanGitLabIT extends TestPlanContract {
    private static final String PREVIEW = "https://mr-7.review.example.com";

    @RegisterExtension
    static final StackFixture fx = StackFixture.perClass(Map.of());

    @Override
    StackFixture fx() {
        return fx;
    }

    private long project() {
        return 7000 + n;
    }

    @Override
    String repository() {
        return "acme/plans" + n;
    }

    private String api() {
        return "/api/v4/projects/" + project();
    }

    @Override
    void stubPlatform() {
        GitLabStubs.writableProject(fx.fakes.gitlab, project());
        String mr = GitLabStubs.mergeRequest(project(), GitLabPayloads.SHA, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER, project(),
                "Cart: recompute totals", "Totals.");
        GitLabStubs.mergeRequestIs(fx.fakes.gitlab, project(), mr);
        GitLabStubs.commitMergeRequests(fx.fakes.gitlab, project(), GitLabPayloads.SHA, mr);
        fx.fakes.gitlab.stubFor(get(urlPathEqualTo(api() + "/deployments")).willReturn(okJson("""
                [{"id": 41, "iid": 1, "ref": "%s", "sha": "%s", "status": "success",
                  "created_at": "2026-11-26T09:50:00.000Z", "updated_at": "2026-11-26T09:52:00.000Z",
                  "environment": {"id": 9, "name": "review/feature-cart-totals", "external_url": "%s"}}]
                """.formatted(GitLabPayloads.BRANCH, GitLabPayloads.SHA, PREVIEW))));
    }

    @Override
    HttpResponse<String> comment(String text) throws Exception {
        ObjectNode note = GitLabPayloads.command(text);
        onThisProject(note);
        ObjectNode mr = (ObjectNode) note.path("merge_request");
        mr.put("source_project_id", project()).put("target_project_id", project())
                .put("url", "https://gitlab.example.com/" + repository() + "/-/merge_requests/" + GitLabPayloads.MR_IID);
        ((ObjectNode) note.path("object_attributes")).put("project_id", project());
        return GitLabPayloads.deliver(fx.url(), GitLabPayloads.newDelivery(), note);
    }

    private void onThisProject(ObjectNode payload) {
        payload.put("project_id", project());
        ((ObjectNode) payload.path("project")).put("id", project()).put("path_with_namespace", repository())
                .put("web_url", "https://gitlab.example.com/" + repository());
    }

    @Override
    HttpResponse<String> deployed(long deployment) throws Exception {
        return DeploymentPayloads.deliverGitLab(fx.url(), GitLabPayloads.newDelivery(),
                DeploymentPayloads.gitlab(project(), repository(), deployment, GitLabPayloads.SHA, "review/feature-cart-totals", "success", PREVIEW));
    }

    @Override
    String runId(HttpResponse<String> answer) {
        return GitLabPayloads.runId(answer);
    }

    @Override
    List<String> posted() {
        return ConversationCommandsContract.bodies(fx.fakes.gitlab.findAll(postRequestedFor(urlPathMatching(api() + "/merge_requests/\\d+/notes"))));
    }

    @Override
    List<String> edits() {
        return ConversationCommandsContract.bodies(fx.fakes.gitlab.findAll(putRequestedFor(urlPathMatching(api() + "/merge_requests/\\d+/notes/\\d+"))));
    }

    @Override
    List<CommitStatuses.Sent> statuses() {
        return CommitStatuses.gitlab(fx.fakes.gitlab);
    }

    @Override
    void settingsFile(String yaml) {
        GitLabStubs.settingsFile(fx.fakes.gitlab, project(), yaml);
    }

    @Override
    String preview() {
        return PREVIEW;
    }

    @Override
    String sha() {
        return GitLabPayloads.SHA;
    }

    @Override
    String branch() {
        return GitLabPayloads.BRANCH;
    }

    @Override
    String requester() {
        return GitLabPayloads.DEVELOPER;
    }

    @Override
    boolean onGitHub() {
        return false;
    }

    @Override
    String runningState() {
        return "running";
    }

    @Override
    String cancelledState() {
        return "canceled";
    }

    @Override
    String failureState() {
        return "failed";
    }

    @Override
    String errorState() {
        return "failed";
    }
}
