package dev.qabridge.core;

/**
 * A GitHub pull request or GitLab merge request, as much as the bridge needs of it.
 * {@code repo} is {@code owner/name} (GitHub) or the path with namespace (GitLab).
 */
public record PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl) {}
