package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.core.Outcome;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.RunStore;
import dev.qabridge.core.Texts;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.Progress;
import dev.qabridge.qatech.QaTechClient;

import java.util.Optional;
import java.util.function.Function;

/**
 * The end of every run: one reply on the PR/MR, whatever happened (answer, failure, timeout, error).
 * It edits the status comment in place (a new comment when that fails), marks the run replied so a
 * retried Reply never posts twice, and reacts on the command.
 */
public final class Replier {
    private final QaTechClient qatech;
    private final RunStore store;
    private final Function<RunRecord, ReviewThread> threads;

    public Replier(QaTechClient qatech, RunStore store, Function<RunRecord, ReviewThread> threads) {
        this.qatech = qatech;
        this.store = store;
        this.threads = threads;
    }

    public ObjectNode reply(ObjectNode state) {
        String runId = state.path("runId").asText();
        RunRecord run = store.findRun(runId).orElseThrow(() -> new IllegalStateException("no run record for " + runId));
        ObjectNode out = JsonHttp.JSON.createObjectNode().put("runId", runId).put("polls", state.path("polls").asInt(0));
        if (run.replied()) {
            Log.info("reply.skipped", run.deliveryId(), run.chatId(), "reason", "already replied");
            return out.put("replied", false).put("reason", "already replied");
        }
        if (!store.claimFinalWord(runId, "reply")) {
            Log.info("reply.skipped", run.deliveryId(), run.chatId(), "reason", "superseded");
            return out.put("replied", false).put("reason", "superseded by a newer automatic run");
        }
        Outcome outcome;
        Optional<String> problem = Optional.empty();
        Optional<String> text = Optional.empty();
        JsonNode error = state.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            outcome = Outcome.ERROR;
            problem = Optional.of("The bridge stopped following the conversation: " + errorMessage(error)
                    + ". The agent may still answer in QA.tech: follow the conversation link.");
        } else if (state.path("timedOut").asBoolean(false)) {
            outcome = Outcome.TIMED_OUT;
        } else {
            outcome = switch (state.path("status").asText()) {
                case "COMPLETED" -> Outcome.COMPLETED;
                case "CANCELLED" -> Outcome.CANCELLED;
                default -> Outcome.FAILED;
            };
            try {
                text = Progress.of(qatech.get(run.chatId(), Poller.LIMIT).messages()).answer().map(QaTechClient.Message::text);
            } catch (ApiException e) {
                problem = Optional.of("The agent finished, but its answer could not be fetched (" + e.getMessage()
                        + "). Read it in QA.tech: follow the conversation link.");
            }
        }
        ReviewThread thread = threads.apply(run);
        String body = Texts.reply(outcome, run, text, problem, thread.maxCommentLength());
        boolean edited = thread.edit(run.statusCommentId(), body);
        if (!edited) {
            thread.post(body);
        }
        store.markReplied(runId);
        if (!run.commandCommentId().isBlank()) {   // an automatic run has no command to react on
            thread.react(run.commandCommentId(), outcome.success() ? ReviewThread.Reaction.ROCKET : ReviewThread.Reaction.CONFUSED);
        }
        Log.info("reply.posted", run.deliveryId(), run.chatId(), "outcome", outcome, "edited", edited, "chars", body.length());
        return out.put("replied", true).put("outcome", outcome.name()).put("edited", edited);
    }

    /** Step Functions hands a caught error over as {@code {Error, Cause}}, Cause being the Lambda error JSON. */
    private static String errorMessage(JsonNode error) {
        String cause = error.path("Cause").asText("");
        try {
            JsonNode parsed = JsonHttp.JSON.readTree(cause);
            if (parsed != null && parsed.hasNonNull("errorMessage")) {
                return parsed.path("errorMessage").asText();
            }
        } catch (java.io.IOException ignored) {
            // not JSON: use it as it is
        }
        return cause.isBlank() ? error.path("Error").asText("unknown error") : cause;
    }
}
