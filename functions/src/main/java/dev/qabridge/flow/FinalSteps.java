package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Log;
import dev.qabridge.core.Metrics;
import dev.qabridge.core.Outcome;
import dev.qabridge.core.Platform;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.Redaction;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.core.Untrusted;
import dev.qabridge.core.Verdict;
import dev.qabridge.http.JsonHttp;
import dev.qabridge.qatech.QaTechClient;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The final word: the reply (the answer, the agent's failure, a timeout, or why the run could not start
 * or finish), the final commit status or check run, and a reply that could not be written at all.
 */
final class FinalSteps extends StepKit {
    FinalSteps(Deps deps) {
        super(deps);
    }

    /**
     * The final word, whatever happened: the answer, the agent's failure, a timeout, or the reason the
     * run could not start or finish. It edits the status comment in place; when there is none, or when
     * editing keeps failing ({@code newComment}: the state machine's fallback), it posts a new one. The
     * state machine has claimed the run's final word in the ledger just before, so a cancelled or
     * superseded run never gets here.
     */
    JsonNode reply(JsonNode state, int retry, boolean newComment) {
        RunInput in = RunInput.fromJson(state);
        CodeHost host = hosts.apply(in.origin().platform());
        ReviewThread thread = host.thread(in.origin());
        JsonNode conversation = state.path("conversation");
        String chatId = conversation.path("id").asText("");
        Settings settings = settings(in);
        Texts.Facts facts = new Texts.Facts(in.runId(), in.origin(), in.ask(), Optional.of(conversation.path("url").asText("")),
                Optional.of(state.path("target").path("url").asText("")), state.path("target").path("sha").asText(""),
                Duration.ofMillis(clock.millis() - in.ask().receivedAtMillis()), settings.commands().word());
        Ending ending = ending(in, state);
        Verdict.Parsed verdict = ending.agentText().map(Verdict::parse).orElse(new Verdict.Parsed(Verdict.Kind.NONE, ""));
        // A verdict counts only from an agent that finished: "Verdict: PASS" at the end of a failure passes nothing
        Verdict.Kind counted = ending.outcome() == Outcome.COMPLETED ? verdict.kind() : Verdict.Kind.NONE;
        Optional<String> shown = ending.agentText().map(t -> verdict.text());
        Optional<String> problem = ending.problem().or(() -> movedOn(in, state, host));
        String body = Texts.reply(ending.outcome(), counted, facts, shown, problem, thread.maxCommentLength());
        String statusComment = state.path("status").path("commentId").asText("");
        boolean edited = false;
        if (!statusComment.isEmpty() && !newComment) {
            thread.edit(statusComment, body);   // keeps failing: the state machine falls back to a new comment
            edited = true;
        } else if (!statusComment.isEmpty() && thread.read(statusComment).filter(b -> b.contains(Texts.runMarker(in.runId(), "reply"))).isPresent()) {
            // an edit whose answer was lost (a 502, a timeout) that GitHub applied all the same: the answer is there already
            Log.info("reply.edit_applied", in.ask().deliveryId(), chatId.isEmpty() ? null : chatId, "run", in.runId());
            edited = true;
        } else {
            postOnce(thread, body, in, "reply", retry);
        }
        boolean passed = counted == Verdict.Kind.PASS;
        if (!in.ask().commentId().isEmpty()) {
            thread.react(in.ask().commentId(), passed ? ReviewThread.Reaction.ROCKET : ReviewThread.Reaction.CONFUSED);
        }
        Log.info("reply.posted", in.ask().deliveryId(), chatId.isEmpty() ? null : chatId, "run", in.runId(),
                "outcome", ending.outcome(), "verdict", counted, "edited", edited, "chars", body.length());
        measureReply(in, state, ending.outcome(), counted);
        ObjectNode done = entry(state);
        done.put("outcome", ending.outcome().name()).put("verdict", counted.name()).put("endedAt", clock.millis());
        return JsonHttp.JSON.createObjectNode().put("replied", true).put("outcome", ending.outcome().name())
                .put("verdict", counted.name()).put("edited", edited)
                .put("polls", state.path("poll").path("polls").asInt(0)).put("entry", done.toString());
    }

    /**
     * A note when the PR's head has moved since the run began: the answer is about an older commit (a
     * follow-up keeps testing its conversation's first preview: QA.tech applies the preview to a
     * conversation's first message only).
     */
    private Optional<String> movedOn(RunInput in, JsonNode state, CodeHost host) {
        String tested = state.path("target").path("sha").asText("");
        if (tested.isEmpty() || in.command().equals(RunInput.AUTO) || state.path("failed").size() > 0) {
            return Optional.empty();
        }
        try {
            String head = host.pullRequest(in.origin()).headSha();
            if (head.isEmpty() || head.equals(tested)) {
                return Optional.empty();
            }
            String command = settings(in).commands().word();
            return Optional.of(in.command().equals(RunInput.FOLLOWUP)
                    ? "This conversation still tests the preview of `" + Strings.shortSha(tested) + "`: QA.tech keeps a conversation's first "
                            + "preview. The " + in.origin().noun() + " is now at `" + Strings.shortSha(head) + "`: run `" + command
                            + " <what to test>` for a fresh run on it."
                    : "The " + in.origin().noun() + " has moved on to `" + Strings.shortSha(head) + "` since this run began: the answer "
                            + "is about `" + Strings.shortSha(tested) + "`.");
        } catch (RuntimeException e) {
            return Optional.empty();   // only a note: never a reason not to reply
        }
    }

    /** Replies by outcome and verdict; command → reply, agent done → reply and polls, for runs that had a conversation. */
    private void measureReply(RunInput in, JsonNode state, Outcome outcome, Verdict.Kind verdict) {
        String platform = in.origin().platform().wireName();
        long now = clock.millis();
        Metrics.count(Metrics.REPLIES, platform, Map.of(Metrics.OUTCOME, outcome.name(), Metrics.VERDICT, verdict.name()));
        Metrics.seconds(Metrics.COMMAND_TO_REPLY_SECONDS, platform, (now - in.ask().receivedAtMillis()) / 1000.0, Map.of());
        JsonNode poll = state.path("poll");
        if (poll.path("doneAt").canConvertToLong()) {
            Metrics.seconds(Metrics.AGENT_TO_REPLY_SECONDS, platform, Math.max(0, now - poll.path("doneAt").asLong()) / 1000.0, Map.of());
        }
        if (poll.path("polls").isNumber()) {
            Metrics.count(Metrics.POLLS_PER_RUN, platform, poll.path("polls").asLong(), Map.of());
        }
    }

    /** Nothing could be written on the PR, not even a new comment: said loudly in the log, and counted for the alarm. */
    JsonNode lostReply(JsonNode state) {
        RunInput in = RunInput.fromJson(state);
        Log.warn("reply.lost", in.ask().deliveryId(), state.path("conversation").path("id").asText(null), "run", in.runId(),
                "error", errorMessage(state.path("failed").path("replyInNewComment")));
        Metrics.count(Metrics.RUNS_WITHOUT_REPLY, in.origin().platform().wireName(), Map.of());
        return JsonHttp.JSON.createObjectNode().put("lost", true);
    }

    private record Ending(Outcome outcome, Optional<String> agentText, Optional<String> problem) {}

    /** How the run ended, read from its state: which step failed (if one did), else how the conversation ended. */
    private Ending ending(RunInput in, JsonNode state) {
        JsonNode failed = state.path("failed");
        if (state.path("turn").path("expired").asBoolean(false)) {
            return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of("This run waited for the " + in.origin().noun()
                    + "'s running run to end until its own deadline passed. Run it again when that one has replied."));
        }
        if (failed.has("resolve")) {
            return new Ending(Outcome.ERROR, Optional.empty(), Optional.of("The bridge could not look up this " + in.origin().noun()
                    + " or its preview: " + errorMessage(failed.path("resolve")) + ". No QA.tech conversation was started."));
        }
        JsonNode target = state.path("target");
        if (target.path("url").asText("").isEmpty()) {
            PullRequest pr = new PullRequest(in.origin().repo(), in.origin().number(), target.path("title").asText(""),
                    target.path("sha").asText(""), target.path("branch").asText(""), target.path("webUrl").asText(""));
            return new Ending(Outcome.NO_PREVIEW, Optional.empty(), Optional.of(Texts.noPreview(settings(in), pr, in.origin().platform())));
        }
        if (failed.has("start")) {
            JsonNode error = failed.path("start");
            String type = error.path("Error").asText("");
            if (type.endsWith("ConversationMayHaveStarted")) {
                return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of(errorMessage(error)
                        + ". QA.tech may have started the conversation anyway; the bridge does not send it twice. "
                        + "Look for it in QA.tech (app.qa.tech → Chat), or run the command again."));
            }
            if (type.endsWith("TransientApiError")) {
                return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of("QA.tech could not be reached ("
                        + errorMessage(error) + "). Try again in a few minutes."));
            }
            return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of(errorMessage(error)));
        }
        if (failed.has("poll")) {
            return new Ending(Outcome.ERROR, Optional.empty(), Optional.of("The bridge stopped following the conversation: "
                    + errorMessage(failed.path("poll")) + ". The agent may still answer in QA.tech: follow the conversation link."));
        }
        JsonNode poll = state.path("poll");
        if (poll.path("timedOut").asBoolean(false)) {
            return new Ending(Outcome.TIMED_OUT, Optional.empty(), poll.path("outage").asInt(0) > 0
                    ? Optional.of("QA.tech did not answer the bridge's last " + poll.path("outage").asInt() + " looks (it may be down) "
                            + "until this run's deadline passed. The agent may still finish: follow the conversation link.")
                    : Optional.empty());
        }
        Outcome outcome = switch (poll.path("status").asText()) {
            case "COMPLETED" -> Outcome.COMPLETED;
            case "CANCELLED" -> Outcome.CANCELLED;
            default -> Outcome.FAILED;
        };
        if (poll.path("answer").isTextual()) {
            return new Ending(outcome, Optional.of(poll.path("answer").asText()), Optional.empty());
        }
        try {
            return new Ending(outcome, answer(state.path("conversation")), Optional.empty());
        } catch (ApiException | TransientApiError e) {
            boolean passes = e instanceof TransientApiError || ((ApiException) e).isTransient();
            if (passes && clock.instant().getEpochSecond() < answerDeadline(state)) {
                throw new AnswerUnavailable("QA.tech could not hand over the agent's answer (" + e.getMessage() + "); asking again shortly");
            }
            return new Ending(outcome, Optional.empty(), Optional.of("The agent finished, but its answer could not be fetched ("
                    + e.getMessage() + "). Read it in QA.tech: follow the conversation link."));
        }
    }

    /** How long the reply waits for QA.tech to hand over a finished answer: the run's deadline, and at least ten minutes after the agent finished. */
    static long answerDeadline(JsonNode state) {
        JsonNode poll = state.path("poll");
        long doneAt = poll.path("doneAt").asLong(0) / 1000;
        return Math.max(poll.path("deadline").asLong(0), doneAt + 600);
    }

    /** The agent's answer for a check run's text: the one the poller read, else QA.tech's, else none (never a failure). */
    private Optional<String> answerIfAny(JsonNode state) {
        if (state.path("poll").path("answer").isTextual()) {
            return Optional.of(state.path("poll").path("answer").asText());
        }
        try {
            return answer(state.path("conversation"));
        } catch (RuntimeException e) {
            Log.warn("run.answer_unavailable", state.path("ask").path("deliveryId").asText(null), state.path("conversation").path("id").asText(null),
                    "error", e.getMessage());
            return Optional.empty();
        }
    }

    /** The agent's answer in the conversation: the newest finished assistant message after the bridge's own message. */
    private Optional<String> answer(JsonNode conversation) {
        Poller poller = new Poller(qatech.get(), Duration.ofSeconds(1), Duration.ofSeconds(1), clock, d -> { });
        return poller.progress(conversation.path("id").asText(), Poller.anchor(conversation)).answer().map(QaTechClient.Message::text);
    }

    /** The final commit status (or check run), from the reply's outcome and the agent's verdict. */
    JsonNode reportResult(JsonNode state) {
        RunInput in = RunInput.fromJson(state);
        if (!state.path("pending").path("sha").isTextual() || state.has("stopped")) {
            // nothing said "running", or a stopped run has said how it ended itself (EndStopped): nothing to finish
            return JsonHttp.JSON.createObjectNode().put("state", "none");
        }
        Settings settings = settings(in);
        JsonNode reply = state.path("reply");
        boolean lost = !reply.path("outcome").isTextual();
        Outcome outcome = Outcome.valueOf(reply.path("outcome").asText("ERROR"));
        Verdict.Kind verdict = Verdict.Kind.valueOf(reply.path("verdict").asText("NONE"));
        StatusReport.State gate = gate(outcome, verdict, settings);
        String heading = lost ? "⚠️ The answer could not be written on the " + in.origin().noun() : Texts.heading(outcome, verdict);
        String text = "";
        CodeHost host = hosts.apply(in.origin().platform());
        String checkRunId = state.path("pending").path("checkRunId").asText("");
        if (!checkRunId.isEmpty() && outcome == Outcome.COMPLETED && !lost) {
            // a check run shows the answer itself (commit statuses only link to it); never a reason not to finish it
            text = answerIfAny(state).map(a -> Untrusted.markdown(Verdict.parse(a).text(), Platform.GITHUB)).orElse("");
        }
        StatusReport report = new StatusReport(gate, settings.status().context(), heading.replaceFirst("^\\S+ ", "") + ": "
                + in.ask().instructions().replaceAll("\\s+", " "), state.path("conversation").path("url").asText(""), in.runId(),
                heading, "Asked by " + in.ask().requester() + ": " + in.ask().instructions(), Redaction.apply(text));
        host.report(in.origin(), state.path("pending").path("sha").asText(), report, checkRunId);
        Log.info("run.status_final", in.ask().deliveryId(), state.path("conversation").path("id").asText(null), "run", in.runId(),
                "state", gate);
        return JsonHttp.JSON.createObjectNode().put("state", gate.name());
    }

    /** What a merge gate hears: PASS passes, FAIL fails, no verdict is neutral (or a pass, if the repository says so), the rest errors. */
    static StatusReport.State gate(Outcome outcome, Verdict.Kind verdict, Settings settings) {
        return switch (outcome) {
            case COMPLETED -> switch (verdict) {
                case PASS -> StatusReport.State.SUCCESS;
                case FAIL -> StatusReport.State.FAILURE;
                case NONE -> settings.status().onNoVerdict() == Settings.NoVerdict.SUCCESS ? StatusReport.State.SUCCESS : StatusReport.State.NEUTRAL;
            };
            case TIMED_OUT -> StatusReport.State.TIMED_OUT;
            case CANCELLED -> StatusReport.State.CANCELLED;
            default -> StatusReport.State.ERROR;
        };
    }
}
