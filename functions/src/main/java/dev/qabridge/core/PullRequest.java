package dev.qabridge.core;

import java.util.List;

/**
 * A GitHub pull request or GitLab merge request, as much as the bridge needs of it.
 * {@code repo} is {@code owner/name} (GitHub) or the path with namespace (GitLab);
 * {@code description} is the PR's body / MR's description ("" when none); {@code author} is who
 * opened it (on GitHub with the PR's {@code author_association}); {@code fork} is true when its
 * changes come from another repository or project; {@code traits} what the skip rules of automatic runs read.
 */
public record PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl, String description,
                          Person author, boolean fork, Traits traits) {

    /**
     * A draft, its labels (at most {@link #MAX_LABELS} kept), whether a bot account opened it (GitHub's {@code user.type} Bot;
     * on GitLab a project, group or service account bot), and the branch it targets.
     */
    public record Traits(boolean draft, List<String> labels, boolean authorBot, String targetBranch) {
        public static final Traits NONE = new Traits(false, List.of(), false, "");
    }

    /** More labels than any platform allows on one PR are not read. */
    public static final int MAX_LABELS = 1_000;

    public PullRequest {
        description = description == null ? "" : description;
        author = author == null ? new Person("", 0, "") : author;
        traits = traits == null ? Traits.NONE : traits;
    }

    public PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl, String description,
                       Person author, boolean fork) {
        this(repo, number, title, headSha, branch, webUrl, description, author, fork, Traits.NONE);
    }

    public PullRequest(String repo, long number, String title, String headSha, String branch, String webUrl) {
        this(repo, number, title, headSha, branch, webUrl, "", null, false, Traits.NONE);
    }
}
