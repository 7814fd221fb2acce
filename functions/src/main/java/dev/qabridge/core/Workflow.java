package dev.qabridge.core;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Starts (and stops) runs: executions of the Standard state machine, one per accepted command, named by the run id. */
public interface Workflow {

    /**
     * Starts the execution {@code name} with {@code input}; false when an execution of that name already
     * exists (running or ended): the command was already accepted once.
     */
    boolean start(String name, ObjectNode input);

    /** Stops the execution {@code name}; one that has already ended or never started is left as it is. */
    void stop(String name, String error, String cause);
}
