package dev.qabridge.core;

/**
 * A GitHub pull request or GitLab merge request, as much as the bridge needs of it.
 * {@code repo} is {@code owner/name} (GitHub) or the path with namespace (GitLab);
 * {@code description} is the PR's body / MR's description ("" when none); {@code author} is who
 * opened it (on GitHub with the PR's {@code author_association}); {@code fork} is true when its
 * changes come from another repository or project.
 */
public record PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl, String description,
                          Person author, boolean fork) {

    public PullRequest {
        description = description == null ? "" : description;
        author = author == null ? new Person("", 0, "") : author;
    }

    public PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl) {
        this(repo, number, title, headSha, branch, webUrl, "", null, false);
    }
}
