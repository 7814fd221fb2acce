package dev.qabridge.core;

import java.util.Optional;

/** Where deliveries are deduplicated and runs are recorded (DynamoDB in AWS and in the local stack). */
public interface RunStore {

    /** Claims a key (a delivery, a deployment's run, a comment once posted); true for exactly one of any number of concurrent callers. */
    boolean claim(String key);

    /** Gives a claim back. */
    void release(String key);

    /**
     * Does {@code work} holding {@code key}: empty when the key is already held (a duplicate). When the
     * work fails the claim is given back, so that a redelivery tries again instead of being taken for a
     * duplicate of a command that never got its reply.
     */
    default <T> Optional<T> withClaim(String key, java.util.function.Supplier<T> work) {
        if (!claim(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(work.get());
        } catch (RuntimeException e) {
            release(key);
            throw e;
        }
    }

    static String deliveryKey(String platform, String deliveryId) {
        return "delivery#" + platform + "#" + deliveryId;
    }

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

    /** Marks the run answered; true only for the first caller, so a retried reply never posts twice. */
    boolean markReplied(String runId);
}
