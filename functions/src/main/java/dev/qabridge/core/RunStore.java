package dev.qabridge.core;

import java.util.Optional;

/** What runs share across executions (DynamoDB in AWS and in the local stack). */
public interface RunStore {

    /** Claims a key (e.g. "this settings problem was reported on this PR"); true for exactly one of any number of concurrent callers. */
    boolean claim(String key);

    /** Points {@code key} at {@code value} and returns what it pointed at before (atomically). */
    Optional<String> swapPointer(String key, String value);

    void saveRun(RunRecord run);

    Optional<RunRecord> findRun(String runId);

    /**
     * Takes the right to write the run's final words, for {@code owner} ("reply", or "superseded" when a
     * newer automatic run replaces it). True for the first owner and again for that same owner (a retried
     * reply); false for anyone else. Taken before anything is written, so the two never both write.
     */
    boolean claimFinalWord(String runId, String owner);
}
