package dev.qabridge.core;

import java.util.List;
import java.util.Optional;

/**
 * What the bridge needs of GitHub or GitLab, in the core's words. Both platforms implement it, so
 * what a command does is decided once; the platform packages only translate events and speak their
 * REST APIs. Calls throw {@link ApiException} (transient ones as {@link TransientApiError}).
 */
public interface CodeHost {

    /** GitHub or GitLab. */
    Platform platform();

    /** The PR/MR as it stands now. */
    PullRequest pullRequest(Origin where);

    /** Most bytes of a PR's diff ever read (a larger diff is cut by {@link DiffCut} anyway). */
    int MAX_DIFF_READ = 8 * 1024 * 1024;

    /**
     * The PR/MR's unified diff ({@code diff --git} sections), read up to {@link #MAX_DIFF_READ} bytes; a platform that will
     * not give the whole diff (GitHub's 406 for a very large one) gives what it can, file by file.
     */
    String diff(Origin where);

    /** Most changed files read of a PR/MR (GitHub lists no more than 3,000). */
    int MAX_CHANGED_FILES = 3_000;

    /**
     * A PR's changed files: their paths (a renamed file's under both its names), how many files they are, and whether that is
     * all of them ({@code complete} is false when the PR has more than were listed).
     */
    record ChangedFiles(List<String> paths, int files, boolean complete) {}

    /** The PR/MR's changed files, at most {@link #MAX_CHANGED_FILES}. */
    ChangedFiles changedFiles(Origin where);

    /** A successful deployment: its id (as its webhook names it), environment and URL. */
    record Deployed(String id, String environment, String url) {}

    /** The newest successful deployment of {@code sha} to an environment {@code environments} accepts; empty when there is none. */
    Optional<Deployed> deploymentOf(Origin where, String sha, java.util.function.Predicate<String> environments);

    /** True when a bot account opened the PR/MR (GitHub says so in the PR; GitLab is asked about its author). */
    default boolean openedByBot(Origin where, PullRequest pr) {
        return pr.traits().authorBot();
    }

    /** The URL of the newest successful deployment of the PR/MR's head; empty when there is none. */
    Optional<String> deployedUrl(Origin where, PullRequest pr);

    /** The open PRs/MRs whose head (GitHub) or commits (GitLab) include {@code sha}. */
    List<PullRequest> openPullRequestsFor(Origin repository, String sha);

    /** The repository settings file's text on {@code defaultBranch} (looked up when blank); empty when there is none. */
    Optional<String> settingsFile(Origin repository, String defaultBranch);

    /** Where the settings file lives in a repository ({@code .github/qa-bridge.yml}, {@code .gitlab/qa-bridge.yml}). */
    default String settingsPath() {
        return platform().settingsPath();
    }

    /** Why {@code who} may not run commands here under {@code settings}; empty when they may. */
    Optional<String> whyNotTrusted(Origin where, Person who, java.util.function.Supplier<Settings> settings);

    /** The comments of the PR/MR (in its discussion thread when {@code where} names one). */
    ReviewThread thread(Origin where);

    /**
     * Reports {@code report} on commit {@code sha}: a commit status, or on GitHub in App mode a check
     * run (created when {@code checkRunId} is empty, updated otherwise). Returns the check run's id
     * ("" for a commit status), for the run's later reports. Repeating a report is harmless.
     */
    String report(Origin where, String sha, StatusReport report, String checkRunId);
}
