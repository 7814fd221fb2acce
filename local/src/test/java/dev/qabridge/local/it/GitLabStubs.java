package dev.qabridge.local.it;

import com.github.tomakehurst.wiremock.WireMockServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * The answers the GitLab fake gives (REST v4 under {@code /api/v4}), in the shapes GitLab's API
 * documentation shows: project 42, merge request !7, a Developer, a Reporter and a non-member.
 */
final class GitLabStubs {
    static final long STATUS_NOTE_ID = 9001;
    static final String API = "/api/v4/projects/" + GitLabPayloads.PROJECT_ID;
    static final String MR = API + "/merge_requests/" + GitLabPayloads.MR_IID;
    static final String NOTES = MR + "/notes";
    static final String THREAD_NOTES = MR + "/discussions/" + GitLabPayloads.DISCUSSION_ID + "/notes";
    static final String STATUS_NOTE = NOTES + "/" + STATUS_NOTE_ID;
    /** Award emoji on the command's note, as {@code GitLabFlowIT}'s request lists show it (the note id folded to {note}). */
    static final String AWARDS = NOTES + "/{note}/award_emoji";
    static final String DEPLOYMENTS = API + "/deployments";

    private GitLabStubs() {}

    /** The MR, its members, notes and awards; deployments are stubbed separately. */
    static void gitlab(WireMockServer gl) {
        gl.stubFor(get(urlPathEqualTo(MR)).willReturn(okJson("""
                {"id": 99, "iid": %d, "project_id": %d, "title": "Cart: recompute totals", "state": "opened",
                 "source_branch": "%s", "target_branch": "main", "sha": "%s",
                 "source_project_id": %d, "target_project_id": %d, "author": {"id": %d, "username": "alice"},
                 "description": "Totals are recomputed on every change.",
                 "web_url": "https://gitlab.example.com/%s/-/merge_requests/%d"}
                """.formatted(GitLabPayloads.MR_IID, GitLabPayloads.PROJECT_ID, GitLabPayloads.BRANCH, GitLabPayloads.SHA,
                GitLabPayloads.PROJECT_ID, GitLabPayloads.PROJECT_ID, GitLabPayloads.DEVELOPER_ID, GitLabPayloads.PATH, GitLabPayloads.MR_IID))));
        gl.stubFor(get(urlPathEqualTo(API + "/members/all/" + GitLabPayloads.DEVELOPER_ID)).willReturn(okJson(member(
                GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER, 30))));
        gl.stubFor(get(urlPathEqualTo(API + "/members/all/" + GitLabPayloads.REPORTER_ID)).willReturn(okJson(member(
                GitLabPayloads.REPORTER_ID, GitLabPayloads.REPORTER, 20))));
        gl.stubFor(get(urlPathEqualTo(API + "/members/all/" + GitLabPayloads.OUTSIDER_ID)).willReturn(notFound()
                .withHeader("Content-Type", "application/json").withBody("{\"message\": \"404 Not found\"}")));
        gl.stubFor(post(urlPathEqualTo(NOTES)).willReturn(created(note(null))));
        gl.stubFor(post(urlPathEqualTo(THREAD_NOTES)).willReturn(created(note("DiscussionNote"))));
        gl.stubFor(put(urlPathMatching(NOTES + "/\\d+")).willReturn(okJson(note(null))));
        gl.stubFor(post(urlPathMatching(API + "/statuses/[0-9a-f]{40}")).willReturn(created("""
                {"id": 93, "sha": "%s", "ref": "feature/cart-totals", "status": "running", "name": "qa-bridge"}""".formatted(GitLabPayloads.SHA))));
        gl.stubFor(post(urlPathMatching(NOTES + "/\\d+/award_emoji")).willReturn(created("""
                {"id": 4649, "name": "eyes", "user": {"id": 26, "username": "project_42_bot_3f0c1a"},
                 "awardable_id": 1244, "awardable_type": "Note"}""")));
    }

    /** No deployment at all: GitLab answers an empty list. */
    static void noDeployments(WireMockServer gl) {
        gl.stubFor(get(urlPathEqualTo(DEPLOYMENTS)).willReturn(okJson("[]")));
    }

    /**
     * Successful deployments, newest first: production from main, then the MR's head commit to a
     * review app whose environment comes without {@code external_url}, so it is read from the
     * environment (id 9).
     */
    static void reviewAppDeployed(WireMockServer gl, String previewUrl) {
        gl.stubFor(get(urlPathEqualTo(DEPLOYMENTS)).willReturn(okJson("""
                [{"id": 42, "iid": 2, "ref": "main", "sha": "a91957a858320c0e17f3a0eca7cfacbff50ea29a", "status": "success",
                  "created_at": "2026-11-26T09:58:00.000Z", "updated_at": "2026-11-26T09:59:00.000Z",
                  "environment": {"id": 1, "name": "production", "external_url": "https://shop.example.com"}},
                 {"id": 41, "iid": 1, "ref": "%s", "sha": "%s", "status": "success",
                  "created_at": "2026-11-26T09:50:00.000Z", "updated_at": "2026-11-26T09:52:00.000Z",
                  "environment": {"id": 9, "name": "review/feature-cart-totals"}}]
                """.formatted(GitLabPayloads.BRANCH, GitLabPayloads.SHA))));
        gl.stubFor(get(urlPathEqualTo(API + "/environments/9")).willReturn(okJson("""
                {"id": 9, "name": "review/feature-cart-totals", "slug": "review-feat-abc123", "external_url": "%s",
                 "state": "available", "tier": "development"}""".formatted(previewUrl))));
    }

    /**
     * A merge request of {@code project} as {@code GET /projects/:id/merge_requests/:iid} returns it: !7 headed by {@code sha},
     * opened by {@code author} ({@code authorId}) from {@code sourceProject} (another project than {@code project}: a fork).
     */
    static String mergeRequest(long project, String sha, long authorId, String author, long sourceProject, String title,
                               String description) {
        var mr = dev.qabridge.http.JsonHttp.JSON.createObjectNode();
        mr.put("id", 99).put("iid", GitLabPayloads.MR_IID).put("project_id", project).put("title", title).put("description", description)
                .put("state", "opened").put("source_branch", GitLabPayloads.BRANCH).put("target_branch", "main").put("sha", sha)
                .put("source_project_id", sourceProject).put("target_project_id", project)
                .put("web_url", "https://gitlab.example.com/" + GitLabPayloads.PATH + "/-/merge_requests/" + GitLabPayloads.MR_IID);
        mr.putObject("author").put("id", authorId).put("username", author);
        return mr.toString();
    }

    /** {@code GET /projects/:id/merge_requests/7} answers {@code mergeRequest} (made by {@link #mergeRequest}). */
    static void mergeRequestIs(WireMockServer gl, long project, String mergeRequest) {
        gl.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/merge_requests/" + GitLabPayloads.MR_IID))
                .willReturn(okJson(mergeRequest)));
    }

    /** {@code GET /projects/:id/repository/commits/:sha/merge_requests}: the merge requests a deployed commit is in. */
    static void commitMergeRequests(WireMockServer gl, long project, String sha, String... mergeRequests) {
        gl.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/repository/commits/" + sha + "/merge_requests"))
                .willReturn(okJson("[" + String.join(",", mergeRequests) + "]")));
    }

    /** {@code .gitlab/qa-bridge.yml} on the default branch ({@code main}) of {@code project}. */
    static void settingsFile(WireMockServer gl, long project, String yaml) {
        gl.stubFor(get(urlPathEqualTo("/api/v4/projects/" + project + "/repository/files/.gitlab%2Fqa-bridge.yml"))
                .withQueryParam("ref", com.github.tomakehurst.wiremock.client.WireMock.equalTo("main"))
                .willReturn(okJson(Stubs.fileContents(".gitlab/qa-bridge.yml", yaml))));
    }

    /**
     * Everything the bridge reads and writes in {@code project} besides the merge request itself: the
     * Developer and the Reporter as members, the status note (id {@link #STATUS_NOTE_ID}) and its
     * edits, award emoji, commit statuses; no settings file (404).
     */
    static void writableProject(WireMockServer gl, long project) {
        String api = "/api/v4/projects/" + project;
        gl.stubFor(get(urlPathEqualTo(api + "/members/all/" + GitLabPayloads.DEVELOPER_ID)).willReturn(okJson(member(
                GitLabPayloads.DEVELOPER_ID, GitLabPayloads.DEVELOPER, 30))));
        gl.stubFor(get(urlPathEqualTo(api + "/members/all/" + GitLabPayloads.REPORTER_ID)).willReturn(okJson(member(
                GitLabPayloads.REPORTER_ID, GitLabPayloads.REPORTER, 20))));
        gl.stubFor(post(urlPathMatching(api + "/merge_requests/\\d+/notes")).willReturn(created(note(null))));
        gl.stubFor(put(urlPathMatching(api + "/merge_requests/\\d+/notes/\\d+")).willReturn(okJson(note(null))));
        gl.stubFor(post(urlPathMatching(api + "/merge_requests/\\d+/notes/\\d+/award_emoji")).willReturn(created("""
                {"id": 4649, "name": "eyes", "user": {"id": 26, "username": "project_42_bot_3f0c1a"},
                 "awardable_id": 1244, "awardable_type": "Note"}""")));
        gl.stubFor(post(urlPathMatching(api + "/statuses/[0-9a-f]{40}")).willReturn(created("""
                {"id": 93, "status": "running", "name": "qa-bridge"}""")));
        gl.stubFor(get(urlPathMatching(api + "/repository/files/.*")).willReturn(notFound()
                .withHeader("Content-Type", "application/json").withBody("{\"message\": \"404 File Not Found\"}")));
    }

    private static String member(long id, String username, int accessLevel) {
        return """
                {"id": %d, "username": "%s", "name": "%s", "state": "active", "access_level": %d,
                 "created_at": "2026-01-01T00:00:00.000Z", "expires_at": null, "membership_state": "active"}"""
                .formatted(id, username, username, accessLevel);
    }

    private static String note(String type) {
        return """
                {"id": %d, "type": %s, "body": "…", "author": {"id": 26, "username": "project_42_bot_3f0c1a"},
                 "system": false, "noteable_id": 99, "noteable_type": "MergeRequest", "noteable_iid": %d}"""
                .formatted(STATUS_NOTE_ID, type == null ? "null" : "\"" + type + "\"", GitLabPayloads.MR_IID);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder created(String json) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(json);
    }
}
