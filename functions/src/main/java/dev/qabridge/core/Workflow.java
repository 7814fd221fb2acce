package dev.qabridge.core;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/** Runs as Step Functions executions: started by the webhook (one per accepted command, named by the run id), stopped and read by the run's steps. */
public interface Workflow {

    /**
     * Starts the execution {@code name} with {@code input}; false when an execution of that name already
     * exists (running or ended): the command was already accepted once.
     */
    boolean start(String name, ObjectNode input);

    /** Stops the execution; one that has already ended or never started is left as it is. */
    void stop(String executionArn, String error, String cause);

    /** The input an execution was started with; empty when there is no such execution. */
    Optional<String> input(String executionArn);

    /** The ARN of execution {@code name} of the state machine {@code stateMachineArn}. */
    static String executionArn(String stateMachineArn, String name) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name;
    }
}
