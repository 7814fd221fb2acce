package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.http.JsonHttp;

import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Merge queue deliveries shaped like the real ones: GitHub's {@code merge_group} (the fields
 * {@code @octokit/openapi-webhooks} requires, as GitHub sends them) and GitLab's Pipeline Hook for a merge
 * train's pipeline (GitLab's webhook events reference, "Pipeline events").
 */
final class MergeQueuePayloads {
    /** The commit a queue's group is built on: the base branch's head when the PR was queued. */
    static final String BASE_SHA = "a91957a858320c0e17f3a0eca7cfacbff50ea29a";

    private MergeQueuePayloads() {}

    /** The ref GitHub gives the group of PR {@code number}: {@code refs/heads/gh-readonly-queue/main/pr-<number>-<base sha>}. */
    static String queueRef(long number) {
        return "refs/heads/gh-readonly-queue/main/pr-" + number + "-" + BASE_SHA;
    }

    /** A {@code merge_group} delivery ({@code checks_requested}, {@code destroyed}) of the group whose commit is {@code headSha}. */
    static ObjectNode mergeGroup(String action, String repo, String headRef, String headSha) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("action", action);
        if (action.equals("destroyed")) {
            p.put("reason", "merged");
        }
        ObjectNode group = p.putObject("merge_group");
        group.put("head_sha", headSha).put("head_ref", headRef).put("base_sha", BASE_SHA).put("base_ref", "refs/heads/main");
        ObjectNode commit = group.putObject("head_commit");
        commit.put("id", headSha).put("tree_id", "6dcb09b5b57875f334f61aebed695e2e4193db5e")
                .put("message", "Merge pull request #7 from acme/feature/cart-totals").put("timestamp", "2026-11-26T10:00:00Z");
        commit.putObject("author").put("name", "Octo Cat").put("email", "octocat@example.com");
        commit.putObject("committer").put("name", "GitHub").put("email", "noreply@github.com");
        ObjectNode r = p.putObject("repository");
        r.put("full_name", repo).put("name", repo.substring(repo.indexOf('/') + 1)).put("default_branch", "main");
        r.putObject("owner").put("login", repo.substring(0, repo.indexOf('/')));
        p.putObject("sender").put("login", "octocat").put("id", 1).put("type", "User");
        return p;
    }

    /**
     * A Pipeline Hook of pipeline {@code pipelineId} on {@code ref} (a merge train's is {@code refs/merge-requests/<iid>/train},
     * source {@code merge_request_event}) for MR {@code iid} of project {@code projectId}, at {@code sha}.
     */
    static ObjectNode pipeline(long projectId, long iid, long pipelineId, String ref, String source, String status, String sha) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("object_kind", "pipeline");
        ObjectNode a = p.putObject("object_attributes");
        a.put("id", pipelineId).put("iid", pipelineId % 1000).putNull("name").put("ref", ref).put("tag", false).put("sha", sha)
                .put("before_sha", "0000000000000000000000000000000000000000").put("source", source).put("status", status)
                .put("detailed_status", status).put("created_at", "2026-11-26 10:00:00 UTC").putNull("finished_at")
                .putNull("duration").put("queued_duration", 1).put("url", "https://gitlab.example.com/" + GitLabPayloads.PATH
                        + "/-/pipelines/" + pipelineId);
        a.putArray("stages").add("test");
        a.putArray("variables");
        ObjectNode mr = p.putObject("merge_request");
        mr.put("id", 90 + iid).put("iid", iid).put("title", "Cart: recompute totals").put("source_branch", GitLabPayloads.BRANCH)
                .put("source_project_id", projectId).put("target_branch", "main").put("target_project_id", projectId).put("state", "opened")
                .put("merge_status", "can_be_merged").put("detailed_merge_status", "mergeable")
                .put("url", "https://gitlab.example.com/" + GitLabPayloads.PATH + "/-/merge_requests/" + iid);
        p.putObject("user").put("id", GitLabPayloads.DEVELOPER_ID).put("name", "Alice").put("username", GitLabPayloads.DEVELOPER)
                .put("avatar_url", "https://gitlab.example.com/uploads/-/system/user/avatar/583/avatar.png").put("email", "[REDACTED]");
        ObjectNode project = p.putObject("project");
        project.put("id", projectId).put("name", "shop").put("description", "").put("web_url", "https://gitlab.example.com/" + GitLabPayloads.PATH)
                .putNull("avatar_url").put("git_ssh_url", "git@gitlab.example.com:" + GitLabPayloads.PATH + ".git")
                .put("git_http_url", "https://gitlab.example.com/" + GitLabPayloads.PATH + ".git").put("namespace", "acme")
                .put("visibility_level", 0).put("path_with_namespace", GitLabPayloads.PATH).put("default_branch", "main");
        p.putObject("commit").put("id", sha).put("message", "Merge branch 'feature/cart-totals' into 'main'\n")
                .put("timestamp", "2026-11-26T10:00:00+00:00").put("url", "https://gitlab.example.com/" + GitLabPayloads.PATH + "/-/commit/" + sha);
        p.putArray("builds");
        return p;
    }

    /** Sends a Pipeline Hook as GitLab does (secret token, Idempotency-Key). */
    static HttpResponse<String> deliverPipeline(String baseUrl, String idempotencyKey, ObjectNode payload) throws Exception {
        return GitLabPayloads.send(baseUrl, "Pipeline Hook", idempotencyKey, GitLabPayloads.bytes(payload), Map.of());
    }
}
