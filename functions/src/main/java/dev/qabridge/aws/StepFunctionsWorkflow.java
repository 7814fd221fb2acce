package dev.qabridge.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.Workflow;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

/** Starts (and stops) the Standard state machine's wait-loop. The input carries ids and numbers only. */
public final class StepFunctionsWorkflow implements Workflow {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SfnClient sfn;
    private final String stateMachineArn;

    public StepFunctionsWorkflow(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    @Override
    public String start(String executionName, String deliveryId, String chatId, long deadlineEpochSeconds, int firstWaitSeconds) {
        ObjectNode input = JSON.createObjectNode();
        input.put("runId", executionName);
        input.put("deliveryId", deliveryId);   // only so that every log line of the run names its delivery
        input.put("chatId", chatId);
        input.put("deadline", deadlineEpochSeconds);
        input.put("waitSeconds", firstWaitSeconds);
        input.put("polls", 0);
        try {
            return sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(executionName).input(input.toString())).executionArn();
        } catch (ExecutionAlreadyExistsException e) {
            return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
        }
    }

    @Override
    public void stop(String executionName, String cause) {
        String arn = stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
        try {
            sfn.stopExecution(r -> r.executionArn(arn).error("Superseded").cause(cause));
        } catch (ExecutionDoesNotExistException e) {
            // never started (the start failed): nothing to stop
        }
    }
}
