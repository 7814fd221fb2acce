package dev.qabridge.core;

/**
 * A GitHub pull request or GitLab merge request, as much as the bridge needs of it.
 * {@code repo} is {@code owner/name} (GitHub) or the path with namespace (GitLab);
 * {@code description} is the PR's body / MR's description ("" when none).
 */
public record PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl, String description) {

    public PullRequest {
        description = description == null ? "" : description;
    }

    public PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl) {
        this(repo, number, title, headSha, branch, webUrl, "");
    }
}
