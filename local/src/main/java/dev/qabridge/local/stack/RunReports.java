package dev.qabridge.local.stack;

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
 * A person-readable account of one run, read from its Step Functions execution history: each state
 * that did something (the preview found, the conversation started, the status comment, each poll,
 * the reply). Served by the local stack only ({@code GET /local/runs/{runId}}), for
 * {@code ./qa-bridge replay} and {@code ./qa-bridge demo}; the deployed bridge has no such endpoint.
 */
final class RunReports {
    private final SfnClient sfn;
    private final String stateMachineArn;

    RunReports(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    /** What a caught error says: the Lambda error's message ({@code Cause} is its JSON), else its type. */
    private static String cause(JsonNode error) {
        try {
            JsonNode c = JsonHttp.JSON.readTree(error.path("Cause").asText(""));
            if (c != null && c.hasNonNull("errorMessage")) {
                return c.path("errorMessage").asText();
            }
        } catch (java.io.IOException notJson) {
            // fall through
        }
        return error.path("Error").asText("unknown error");
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
                JsonNode failed = out.path("failed");
                switch (state) {
                    case "ResolvePreview" -> steps.add(failed.has("resolve") ? "preview: could not be looked up (" + cause(failed.path("resolve"))
                            + "), going to the reply"
                            : out.path("target").path("url").asText("").isEmpty() ? "preview: none found"
                            : "preview: " + out.path("target").path("url").asText() + " (" + out.path("target").path("source").asText().toLowerCase() + ")");
                    case "StartConversation" -> steps.add(failed.has("start") ? "conversation: not started (" + cause(failed.path("start")) + ")"
                            : "conversation: " + out.path("conversation").path("id").asText() + " started");
                    case "PostStatus" -> steps.add(failed.has("status") ? "status comment: could not be posted"
                            : "status comment " + out.path("status").path("commentId").asText() + " posted");
                    case "PollConversation" -> {
                        JsonNode poll = out.path("poll");
                        steps.add(failed.has("poll")
                                ? "poll: failed (" + failed.path("poll").path("Error").asText() + "), going to the reply"
                                : "looked " + poll.path("polls").asInt() + "×: " + poll.path("status").asText()
                                + (poll.path("timedOut").asBoolean() ? " (timed out)" : "")
                                + (poll.path("done").asBoolean() ? "" : ", still looking"));
                    }
                    case "Answer" -> steps.add("answered with comment " + out.path("answer").path("commentId").asText());
                    case "ReportRunning" -> steps.add(failed.has("pending") ? "commit status: could not be set"
                            : "commit status: running on " + out.path("pending").path("sha").asText().substring(0, 7));
                    case "ReportResult" -> steps.add("commit status: " + out.path("result").path("state").asText().toLowerCase());
                    case "Reply", "ReplyInNewComment" -> {
                        JsonNode reply = out.path("reply");
                        if (failed.has("reply") && state.equals("Reply") && reply.isMissingNode()) {
                            steps.add("reply: the status comment could not be edited (" + cause(failed.path("reply")) + "), trying a new comment");
                        } else if (failed.has("replyInNewComment")) {
                            steps.add("reply: could not be written at all (" + cause(failed.path("replyInNewComment")) + ")");
                        }
                        if (!reply.isMissingNode()) {
                            steps.add("reply: " + reply.path("outcome").asText()
                                    + (reply.path("outcome").asText().equals("COMPLETED") ? " (verdict " + reply.path("verdict").asText() + ")" : "")
                                    + (reply.path("edited").asBoolean()
                                    ? ", status comment edited in place"
                                    : reply.path("replied").asBoolean() ? ", posted as a new comment" : ", " + reply.path("reason").asText()));
                            report.set("reply", reply);
                        }
                    }
                    default -> { }
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
