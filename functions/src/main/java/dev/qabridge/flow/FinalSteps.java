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
import dev.qabridge.core.WorkKind;
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
        // a run cut short says why, the same for every kind of work; work that ended by itself is read by its kind
        Work.Said said = cutShort(in).map(e -> new Work.Said(e.outcome(), Verdict.Kind.NONE,
                        Texts.reply(e.outcome(), Verdict.Kind.NONE, facts, Optional.empty(), e.problem().or(() -> movedOn(in, host)),
                                thread.maxCommentLength()), "", "", false))
                .orElseGet(() -> Work.of(in.input().work()).finish(new Work.Finish(in, settings, facts, thread.maxCommentLength(), qatech.get(),
                        clock.instant().getEpochSecond(), () -> movedOn(in, host))));
        Verdict.Kind counted = said.verdict();
        String body = said.body();
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
                "outcome", said.outcome(), "verdict", counted, "edited", edited, "chars", body.length());
        measureReply(in, said.outcome(), counted);
        ObjectNode done = in.summary();
        done.put("outcome", said.outcome().name()).put("verdict", counted.name()).put("endedAt", clock.millis());
        return new StepResult.ReplyWritten(said.outcome(), counted, edited, in.poll().polls(), done.toString(), said.heading(), said.line(),
                said.rerunnable());
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

    private record Ending(Outcome outcome, Optional<String> problem) {}

    /** How a run that was cut short ended, read from its state: which step failed, a turn too late, a timeout; empty when its work ended by itself. */
    private Optional<Ending> cutShort(RunState in) {
        RunState.Ending end = in.ending();
        String work = in.input().work().noun();
        if (end.turnExpired()) {
            return Optional.of(new Ending(Outcome.NOT_STARTED, Optional.of("This run waited for the " + in.origin().noun()
                    + "'s running run to end until its own deadline passed. Run it again when that one has replied.")));
        }
        Optional<RunState.Failure> resolve = end.failure("resolve");
        if (resolve.isPresent()) {
            return Optional.of(new Ending(Outcome.ERROR, Optional.of("The bridge could not look up this " + in.origin().noun()
                    + " or its preview: " + resolve.get().message() + ". No QA.tech " + work + " was started.")));
        }
        RunState.Target target = in.target();
        if (target.url().isEmpty()) {
            PullRequest pr = new PullRequest(in.origin().repo(), in.origin().number(), target.title(), target.sha(), target.branch(),
                    target.webUrl());
            return Optional.of(new Ending(Outcome.NO_PREVIEW, Optional.of(Texts.noPreview(settings(in), pr, in.origin().platform()))));
        }
        Optional<RunState.Failure> start = end.failure("start");
        if (start.isPresent()) {
            String type = start.get().error();
            if (type.endsWith("ConversationMayHaveStarted")) {
                return Optional.of(new Ending(Outcome.NOT_STARTED, Optional.of(start.get().message()
                        + ". QA.tech may have started the " + work + " anyway; the bridge does not send it twice. "
                        + "Look for it in QA.tech (app.qa.tech → Chat), or run the command again.")));
            }
            if (type.endsWith("TransientApiError")) {
                return Optional.of(new Ending(Outcome.NOT_STARTED, Optional.of("QA.tech could not be reached ("
                        + start.get().message() + "). Try again in a few minutes.")));
            }
            return Optional.of(new Ending(Outcome.NOT_STARTED, Optional.of(start.get().message())));
        }
        Optional<RunState.Failure> poll = end.failure("poll");
        if (poll.isPresent()) {
            return Optional.of(new Ending(Outcome.ERROR, Optional.of("The bridge stopped following the " + work + ": "
                    + poll.get().message() + ". The agent may still answer in QA.tech: follow the " + work + " link.")));
        }
        RunState.Poll looked = in.poll();
        if (looked.timedOut()) {
            return Optional.of(new Ending(Outcome.TIMED_OUT, looked.outage() > 0
                    ? Optional.of("QA.tech did not answer the bridge's last " + looked.outage() + " looks (it may be down) "
                            + "until this run's deadline passed. The agent may still finish: follow the " + work + " link.")
                    : Optional.empty()));
        }
        return Optional.empty();
    }

    /** How long the reply waits for QA.tech to hand over a finished answer: the run's deadline, and at least ten minutes after the agent finished. */
    static long answerDeadline(RunState.Poll poll) {
        long doneAt = poll.doneAtMillis().orElse(0L) / 1000;
        return Math.max(poll.deadline(), doneAt + 600);
    }

    /** The final commit status (or check run), from the reply's outcome and the agent's verdict. */
    StepResult.Ended reportResult(RunState in) {
        // a test plan QA.tech would not start (402: usage limit, 404: no such plan) still gets its error status on the commit
        boolean refusedPlan = in.input().work() == WorkKind.PLAN && in.written().pendingSha().isEmpty() && in.ending().failure("start").isPresent()
                && !in.target().sha().isEmpty();
        if ((in.written().pendingSha().isEmpty() && !refusedPlan) || in.ending().stopped()) {
            // nothing said "running", or a stopped run has said how it ended itself (EndStopped): nothing to finish
            return new StepResult.Ended("none");
        }
        String sha = in.written().pendingSha().orElse(in.target().sha());
        Settings settings = settings(in);
        boolean lost = in.ending().reply().isEmpty();
        Optional<RunState.Replied> reply = in.ending().reply();
        Outcome outcome = reply.map(RunState.Replied::outcome).orElse(Outcome.ERROR);
        Verdict.Kind verdict = reply.map(RunState.Replied::verdict).orElse(Verdict.Kind.NONE);
        StatusReport.State gate = gate(outcome, verdict, settings);
        // a kind with its own words (a test plan: "❌ Test plan failed", "3 of 42 tests failed") says them; a conversation its request
        String heading = lost ? "⚠️ The answer could not be written on the " + in.origin().noun()
                : reply.map(RunState.Replied::heading).filter(h -> !h.isEmpty()).orElse(Texts.heading(outcome, verdict));
        String what = reply.map(RunState.Replied::line).filter(l -> !l.isEmpty()).orElse(in.ask().instructions().replaceAll("\\s+", " "));
        String text = "";
        CodeHost host = hosts.apply(in.origin().platform());
        String checkRunId = in.written().checkRunId();
        boolean endedByItself = reply.filter(r -> r.outcome() == Outcome.COMPLETED || !r.line().isEmpty()).isPresent();
        if (!checkRunId.isEmpty() && endedByItself) {
            // a check run shows the answer itself (commit statuses only link to it); never a reason not to finish it
            text = Work.of(in.work().kind()).checkText(qatech.get(), in, settings);
        }
        StatusReport report = new StatusReport(gate, settings.status().context(), heading.replaceFirst("^\\S+ ", "") + ": " + what,
                in.work().url(), in.runId(), heading, "Asked by " + in.ask().requester() + ": " + in.ask().instructions(), Redaction.apply(text),
                !checkRunId.isEmpty() && reply.filter(RunState.Replied::rerunnable).isPresent());
        host.report(in.origin(), sha, report, checkRunId);
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
