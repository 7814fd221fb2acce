package dev.qabridge.core;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's merge queue and GitLab's merge trains, as far as the bridge needs them: which PR a queue's
 * ref stands for, and what the bridge reports there ({@code QA_MERGE_QUEUE}, {@code mergeQueue.mode}).
 * A queue waits for every required check on its own commit; the bridge runs no agent there, it only
 * says whether the PR itself passed.
 */
public final class MergeQueue {
    /**
     * What the bridge reports on a merge group's (or merge train pipeline's) commit: {@code MIRROR} the
     * PR's own latest result on its head, {@code PASS} always success, {@code OFF} nothing at all.
     */
    public enum Mode { MIRROR, PASS, OFF }

    /** {@code gh-readonly-queue/<base>/pr-<number>-<sha>}, with or without {@code refs/heads/}; the base may hold slashes. */
    private static final Pattern GITHUB_QUEUE = Pattern.compile("^(?:refs/heads/)?gh-readonly-queue/(.+)/pr-(\\d{1,10})(?:-[0-9a-f]{7,64})?$");
    /** Any branch under {@code gh-readonly-queue/}: the merge queue's, never a PR's. */
    private static final Pattern GITHUB_QUEUE_BRANCH = Pattern.compile("^(?:refs/heads/)?gh-readonly-queue/.*");
    /** {@code refs/merge-requests/<iid>/train}: where GitLab runs a merge train's pipeline. */
    private static final Pattern GITLAB_TRAIN = Pattern.compile("^refs/merge-requests/(\\d{1,10})/train$");

    private MergeQueue() {}

    /** {@code mirror}, {@code pass} or {@code off}; {@code setting} names where the value came from. */
    public static Mode mode(String setting, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "mirror" -> Mode.MIRROR;
            case "pass" -> Mode.PASS;
            case "off" -> Mode.OFF;
            default -> throw new IllegalStateException(setting + " must be mirror, pass or off, got '" + value + "'");
        };
    }

    /** The PR a merge group's {@code head_ref} stands for; empty when the ref names none. */
    public static OptionalLong pullRequestOf(String headRef) {
        return number(GITHUB_QUEUE, headRef, 2);
    }

    /** True for a branch of GitHub's merge queue (a deployment or status there belongs to the queue, not to a PR). */
    public static boolean githubQueueBranch(String ref) {
        return GITHUB_QUEUE_BRANCH.matcher(ref).matches();
    }

    /** The MR whose merge train runs on {@code ref}; empty for any other ref. */
    public static OptionalLong trainOf(String ref) {
        return number(GITLAB_TRAIN, ref, 1);
    }

    /** The PR/MR number in {@code group} of {@code ref} when it matches {@code pattern}, within the range payloads allow. */
    private static OptionalLong number(Pattern pattern, String ref, int group) {
        Matcher m = pattern.matcher(ref);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long number = Long.parseLong(m.group(group));
        return number >= 1 && number <= Payload.MAX_NUMBER ? OptionalLong.of(number) : OptionalLong.empty();
    }
}
