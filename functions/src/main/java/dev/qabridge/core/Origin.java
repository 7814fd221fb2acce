package dev.qabridge.core;

/**
 * Where a run lives: the platform, the repository ({@code owner/name} on GitHub, the path with
 * namespace on GitLab), GitLab's numeric project id (which its API addresses projects by; empty on
 * GitHub), the PR/MR number, the thread to answer in (a GitLab discussion; empty otherwise), and the
 * GitHub App installation whose token speaks for it (0 in token mode).
 */
public record Origin(Platform platform, String repo, String projectId, long number, String discussionId, long installationId) {

    public Origin {
        projectId = projectId == null ? "" : projectId;
        discussionId = discussionId == null ? "" : discussionId;
    }

    public boolean gitlab() {
        return platform == Platform.GITLAB;
    }

    /** How people write the number: {@code #7} on GitHub, {@code !7} on GitLab. */
    public String reference() {
        return (gitlab() ? "!" : "#") + number;
    }

    /** "pull request" or "merge request". */
    public String noun() {
        return gitlab() ? "merge request" : "pull request";
    }

    /** The repository as the platform's API addresses it: GitLab's project id, GitHub's owner/name. */
    public String repoKey() {
        return gitlab() ? projectId : repo;
    }

    /** The same PR/MR, answered in its main thread. */
    public Origin withoutThread() {
        return new Origin(platform, repo, projectId, number, "", installationId);
    }
}
