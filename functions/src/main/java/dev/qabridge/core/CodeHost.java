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
