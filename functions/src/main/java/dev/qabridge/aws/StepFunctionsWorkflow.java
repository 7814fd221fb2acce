package dev.qabridge.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.Workflow;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

import java.util.Optional;

/**
 * Starts, stops and reads executions of the Standard state machine. A Standard execution's name is
 * unique per state machine for 90 days, and the bridge names each run after its command (comment id,
 * deployment and PR), so Step Functions itself refuses a second start of the same command.
 */
public final class StepFunctionsWorkflow implements Workflow {
    private final SfnClient sfn;
    private final String stateMachineArn;

    /** {@code stateMachineArn}: where {@link #start} starts runs ("" for a function that only stops and reads them). */
    public StepFunctionsWorkflow(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    @Override
    public boolean start(String name, ObjectNode input) {
        try {
            sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(input.toString()));
            return true;
        } catch (ExecutionAlreadyExistsException e) {
            return false;
        }
    }

    @Override
    public void stop(String executionArn, String error, String cause) {
        try {
            sfn.stopExecution(r -> r.executionArn(executionArn).error(error).cause(cause));
        } catch (ExecutionDoesNotExistException e) {
            // never started: nothing to stop
        }
    }

    @Override
    public Optional<String> input(String executionArn) {
        try {
            return Optional.ofNullable(sfn.describeExecution(r -> r.executionArn(executionArn)).input());
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        }
    }
}
