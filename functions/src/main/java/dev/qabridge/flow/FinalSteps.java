package dev.qabridge.flow;

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
import dev.qabridge.core.RunState;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.StepResult;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.TransientApiError;
import dev.qabridge.core.Untrusted;
import dev.qabridge.core.Verdict;
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
    StepResult.ReplyWritten reply(RunState in, int retry, boolean newComment) {
        CodeHost host = hosts.apply(in.origin().platform());
        ReviewThread thread = host.thread(in.origin());
        String chatId = in.work().id();
        Settings settings = settings(in);
        Texts.Facts facts = in.facts(Duration.ofMillis(clock.millis() - in.ask().receivedAtMillis()), settings.commands().word());
        Ending ending = ending(in);
        Verdict.Parsed verdict = ending.agentText().map(Verdict::parse).orElse(new Verdict.Parsed(Verdict.Kind.NONE, ""));
        // A verdict counts only from an agent that finished: "Verdict: PASS" at the end of a failure passes nothing
        Verdict.Kind counted = ending.outcome() == Outcome.COMPLETED ? verdict.kind() : Verdict.Kind.NONE;
        Optional<String> shown = ending.agentText().map(t -> verdict.text());
        Optional<String> problem = ending.problem().or(() -> movedOn(in, host));
        String body = Texts.reply(ending.outcome(), counted, facts, shown, problem, thread.maxCommentLength());
        String statusComment = in.written().statusCommentId();
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
        measureReply(in, ending.outcome(), counted);
        ObjectNode done = in.summary();
        done.put("outcome", ending.outcome().name()).put("verdict", counted.name()).put("endedAt", clock.millis());
        return new StepResult.ReplyWritten(ending.outcome(), counted, edited, in.poll().polls(), done.toString());
    }

    /**
     * A note when the PR's head has moved since the run began: the answer is about an older commit (a
     * follow-up keeps testing its conversation's first preview: QA.tech applies the preview to a
     * conversation's first message only).
     */
    private Optional<String> movedOn(RunState in, CodeHost host) {
        String tested = in.target().sha();
        if (tested.isEmpty() || in.is(RunInput.AUTO) || in.ending().anyFailure()) {
            return Optional.empty();
        }
        try {
            String head = host.pullRequest(in.origin()).headSha();
            if (head.isEmpty() || head.equals(tested)) {
                return Optional.empty();
            }
            String command = settings(in).commands().word();
            return Optional.of(in.is(RunInput.FOLLOWUP)
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
    private void measureReply(RunState in, Outcome outcome, Verdict.Kind verdict) {
        String platform = in.origin().platform().wireName();
        long now = clock.millis();
        Metrics.count(Metrics.REPLIES, platform, Map.of(Metrics.OUTCOME, outcome.name(), Metrics.VERDICT, verdict.name()));
        Metrics.seconds(Metrics.COMMAND_TO_REPLY_SECONDS, platform, (now - in.ask().receivedAtMillis()) / 1000.0, Map.of());
        in.poll().doneAtMillis().ifPresent(doneAt ->
                Metrics.seconds(Metrics.AGENT_TO_REPLY_SECONDS, platform, Math.max(0, now - doneAt) / 1000.0, Map.of()));
        Metrics.count(Metrics.POLLS_PER_RUN, platform, in.poll().polls(), Map.of());
    }

    /** Nothing could be written on the PR, not even a new comment: said loudly in the log, and counted for the alarm. */
    StepResult.LostReply lostReply(RunState in) {
        Log.warn("reply.lost", in.ask().deliveryId(), in.work().idIfAny().orElse(null), "run", in.runId(),
                "error", in.ending().failure("replyInNewComment").map(RunState.Failure::message).orElse("unknown error"));
        Metrics.count(Metrics.RUNS_WITHOUT_REPLY, in.origin().platform().wireName(), Map.of());
        return new StepResult.LostReply();
    }

    private record Ending(Outcome outcome, Optional<String> agentText, Optional<String> problem) {}

    /** How the run ended, read from its state: which step failed (if one did), else how the conversation ended. */
    private Ending ending(RunState in) {
        RunState.Ending end = in.ending();
        if (end.turnExpired()) {
            return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of("This run waited for the " + in.origin().noun()
                    + "'s running run to end until its own deadline passed. Run it again when that one has replied."));
        }
        Optional<RunState.Failure> resolve = end.failure("resolve");
        if (resolve.isPresent()) {
            return new Ending(Outcome.ERROR, Optional.empty(), Optional.of("The bridge could not look up this " + in.origin().noun()
                    + " or its preview: " + resolve.get().message() + ". No QA.tech conversation was started."));
        }
        RunState.Target target = in.target();
        if (target.url().isEmpty()) {
            PullRequest pr = new PullRequest(in.origin().repo(), in.origin().number(), target.title(), target.sha(), target.branch(),
                    target.webUrl());
            return new Ending(Outcome.NO_PREVIEW, Optional.empty(), Optional.of(Texts.noPreview(settings(in), pr, in.origin().platform())));
        }
        Optional<RunState.Failure> start = end.failure("start");
        if (start.isPresent()) {
            String type = start.get().error();
            if (type.endsWith("ConversationMayHaveStarted")) {
                return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of(start.get().message()
                        + ". QA.tech may have started the conversation anyway; the bridge does not send it twice. "
                        + "Look for it in QA.tech (app.qa.tech → Chat), or run the command again."));
            }
            if (type.endsWith("TransientApiError")) {
                return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of("QA.tech could not be reached ("
                        + start.get().message() + "). Try again in a few minutes."));
            }
            return new Ending(Outcome.NOT_STARTED, Optional.empty(), Optional.of(start.get().message()));
        }
        Optional<RunState.Failure> poll = end.failure("poll");
        if (poll.isPresent()) {
            return new Ending(Outcome.ERROR, Optional.empty(), Optional.of("The bridge stopped following the conversation: "
                    + poll.get().message() + ". The agent may still answer in QA.tech: follow the conversation link."));
        }
        RunState.Poll looked = in.poll();
        if (looked.timedOut()) {
            return new Ending(Outcome.TIMED_OUT, Optional.empty(), looked.outage() > 0
                    ? Optional.of("QA.tech did not answer the bridge's last " + looked.outage() + " looks (it may be down) "
                            + "until this run's deadline passed. The agent may still finish: follow the conversation link.")
                    : Optional.empty());
        }
        Outcome outcome = switch (looked.status()) {
            case "COMPLETED" -> Outcome.COMPLETED;
            case "CANCELLED" -> Outcome.CANCELLED;
            default -> Outcome.FAILED;
        };
        if (looked.answer().isPresent()) {
            return new Ending(outcome, looked.answer(), Optional.empty());
        }
        try {
            return new Ending(outcome, answer(in.work()), Optional.empty());
        } catch (ApiException | TransientApiError e) {
            boolean passes = e instanceof TransientApiError || ((ApiException) e).isTransient();
            if (passes && clock.instant().getEpochSecond() < answerDeadline(in.poll())) {
                throw new AnswerUnavailable("QA.tech could not hand over the agent's answer (" + e.getMessage() + "); asking again shortly");
            }
            return new Ending(outcome, Optional.empty(), Optional.of("The agent finished, but its answer could not be fetched ("
                    + e.getMessage() + "). Read it in QA.tech: follow the conversation link."));
        }
    }

    /** How long the reply waits for QA.tech to hand over a finished answer: the run's deadline, and at least ten minutes after the agent finished. */
    static long answerDeadline(RunState.Poll poll) {
        long doneAt = poll.doneAtMillis().orElse(0L) / 1000;
        return Math.max(poll.deadline(), doneAt + 600);
    }

    /** The agent's answer for a check run's text: the one the poller read, else QA.tech's, else none (never a failure). */
    private Optional<String> answerIfAny(RunState in) {
        if (in.poll().answer().isPresent()) {
            return in.poll().answer();
        }
        try {
            return answer(in.work());
        } catch (RuntimeException e) {
            Log.warn("run.answer_unavailable", in.ask().deliveryId(), in.work().idIfAny().orElse(null), "error", e.getMessage());
            return Optional.empty();
        }
    }

    /** The agent's answer in the conversation: the newest finished assistant message after the bridge's own message. */
    private Optional<String> answer(RunState.Work work) {
        Poller poller = new Poller(qatech.get(), Duration.ofSeconds(1), Duration.ofSeconds(1), clock, d -> { });
        return poller.progress(work.id(), Poller.anchor(work)).answer().map(QaTechClient.Message::text);
    }

    /** The final commit status (or check run), from the reply's outcome and the agent's verdict. */
    StepResult.Ended reportResult(RunState in) {
        if (in.written().pendingSha().isEmpty() || in.ending().stopped()) {
            // nothing said "running", or a stopped run has said how it ended itself (EndStopped): nothing to finish
            return new StepResult.Ended("none");
        }
        Settings settings = settings(in);
        boolean lost = in.ending().reply().isEmpty();
        Outcome outcome = in.ending().reply().map(RunState.Replied::outcome).orElse(Outcome.ERROR);
        Verdict.Kind verdict = in.ending().reply().map(RunState.Replied::verdict).orElse(Verdict.Kind.NONE);
        StatusReport.State gate = gate(outcome, verdict, settings);
        String heading = lost ? "⚠️ The answer could not be written on the " + in.origin().noun() : Texts.heading(outcome, verdict);
        String text = "";
        CodeHost host = hosts.apply(in.origin().platform());
        String checkRunId = in.written().checkRunId();
        if (!checkRunId.isEmpty() && outcome == Outcome.COMPLETED && !lost) {
            // a check run shows the answer itself (commit statuses only link to it); never a reason not to finish it
            text = answerIfAny(in).map(a -> Untrusted.markdown(Verdict.parse(a).text(), Platform.GITHUB)).orElse("");
        }
        StatusReport report = new StatusReport(gate, settings.status().context(), heading.replaceFirst("^\\S+ ", "") + ": "
                + in.ask().instructions().replaceAll("\\s+", " "), in.work().url(), in.runId(),
                heading, "Asked by " + in.ask().requester() + ": " + in.ask().instructions(), Redaction.apply(text));
        host.report(in.origin(), in.written().pendingSha().get(), report, checkRunId);
        Log.info("run.status_final", in.ask().deliveryId(), in.work().idIfAny().orElse(null), "run", in.runId(), "state", gate);
        return new StepResult.Ended(gate.name());
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
