package dev.qabridge.core;

import java.util.Optional;

/** Where deliveries are deduplicated and runs are recorded (DynamoDB in AWS and in the local stack). */
public interface RunStore {

    /** Claims a delivery id; true for exactly one of any number of concurrent callers. */
    boolean claimDelivery(String platform, String deliveryId);

    void saveRun(RunRecord run);

    Optional<RunRecord> findRun(String runId);

    /** Marks the run answered; true only for the first caller, so a retried reply never posts twice. */
    boolean markReplied(String runId);
}
