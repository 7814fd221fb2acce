package dev.qabridge.core;

/** Starts (and, for a superseded automatic run, stops) the wait-loop of one run (a Step Functions execution). */
public interface Workflow {

    /** Starts the loop; returns the execution's id (ARN). Starting the same name twice is harmless. */
    String start(String executionName, String deliveryId, String chatId, long deadlineEpochSeconds, int firstWaitSeconds);

    /** Stops the loop of {@code executionName}; one that has already ended or never started is left as it is. */
    void stop(String executionName, String cause);
}
