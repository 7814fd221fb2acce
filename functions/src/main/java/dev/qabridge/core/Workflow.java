package dev.qabridge.core;

/** Starts the wait-loop for one run (a Step Functions execution). */
public interface Workflow {

    /** Starts the loop; returns the execution's id (ARN). Starting the same name twice is harmless. */
    String start(String executionName, String chatId, long deadlineEpochSeconds, int firstWaitSeconds);
}
