package dev.qabridge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.http.JsonHttp;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

import java.util.List;

/**
 * A person-readable account of one run, read from its Step Functions execution history: each poll,
 * and the reply. Served by the local stack only ({@code GET /local/runs/{runId}}), for
 * {@code ./qa-bridge replay} and {@code ./qa-bridge demo}; the deployed bridge has no such endpoint.
 */
final class RunReports {
    private final SfnClient sfn;
    private final String stateMachineArn;

    RunReports(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    String report(String runId) {
        String arn = stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + runId;
        try {
            var execution = sfn.describeExecution(r -> r.executionArn(arn));
            List<HistoryEvent> events = sfn.getExecutionHistory(r -> r.executionArn(arn).maxResults(1000)).events();
            ObjectNode report = JsonHttp.JSON.createObjectNode();
            report.put("runId", runId).put("status", execution.statusAsString());
            ArrayNode steps = report.putArray("steps");
            int transitions = 0;
            for (HistoryEvent e : events) {
                if (e.type().toString().endsWith("StateEntered")) {
                    transitions++;
                }
                if (e.type() != HistoryEventType.TASK_STATE_EXITED || e.stateExitedEventDetails() == null) {
                    continue;
                }
                String state = e.stateExitedEventDetails().name();
                JsonNode out = JsonHttp.JSON.readTree(e.stateExitedEventDetails().output());
                if (state.equals("PollConversation")) {
                    steps.add(out.has("error")
                            ? "poll: failed (" + out.path("error").path("Error").asText() + "), going to the reply"
                            : "poll " + out.path("polls").asInt() + ": " + out.path("status").asText()
                            + (out.path("timedOut").asBoolean() ? " (timed out)" : "")
                            + (out.path("done").asBoolean() ? "" : ", next look in " + out.path("waitSeconds").asInt() + " s"));
                } else if (state.equals("ReplyOnPullRequest")) {
                    steps.add("reply: " + out.path("outcome").asText() + (out.path("edited").asBoolean()
                            ? ", status comment edited in place" : out.path("replied").asBoolean() ? ", posted as a new comment" : ", " + out.path("reason").asText()));
                    report.set("reply", out);
                }
            }
            report.put("stateTransitions", transitions);
            return report.toString();
        } catch (ExecutionDoesNotExistException e) {
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
