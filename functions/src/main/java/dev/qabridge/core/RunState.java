package dev.qabridge.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run as the state machine carries it, in small named groups; {@link RunStateJson} is its one JSON
 * codec (the state machine's states keep the same paths: {@code $.target}, {@code $.conversation}, …).
 *
 * <ul>
 *   <li>{@link #input}: what the webhook decided: the run's id and command, where it came from ({@link Origin}: platform,
 *       repository, number, thread, installation), what was asked ({@link Ask}), the settings file, the deadline;</li>
 *   <li>{@link #target}: the preview it tests and the PR as the run found it ({@code $.target}, ResolvePreview);</li>
 *   <li>{@link #work}: the QA.tech work it follows ({@code $.conversation}, StartConversation / ContinueConversation);</li>
 *   <li>{@link #written}: what the bridge wrote: the status comment ({@code $.status}, PostStatus) and the pending commit
 *       status or check run ({@code $.pending}, ReportRunning);</li>
 *   <li>{@link #poll}: the wait ({@code $.poll}, PollConversation);</li>
 *   <li>{@link #ending}: how it ended: failed steps ({@code $.failed}), an expired turn, a stop it said itself, the reply;</li>
 *   <li>{@link #read}: what the state machine read from the run table for it ({@code $.pr}, {@code $.own}, …).</li>
 * </ul>
 */
public record RunState(RunInput input, Target target, Work work, Written written, Poll poll, Ending ending, Read read,
                       Optional<Skip> skip) {

    /** Why an automatic run does not run: the skip rule ({@code skipDrafts}, {@code paths}, …) and the reason it gives ({@code $.skip}). */
    public record Skip(String rule, String reason) {}

    public RunState(RunInput input, Target target, Work work, Written written, Poll poll, Ending ending, Read read) {
        this(input, target, work, written, poll, ending, read, Optional.empty());
    }


    /** The preview under test and the PR as the run resolved it; {@code source} is a {@link Preview.Source} name ("" before). */
    public record Target(String url, String source, String sha, String headSha, String branch, String webUrl, String title,
                         String description, String leftOut) implements StepResult {
        public static final Target NONE = new Target("", "", "", "", "", "", "", "", "");

        public Optional<String> whyContextLeftOut() {
            return Optional.of(leftOut).filter(w -> !w.isEmpty());
        }

        public Preview.Source previewSource(Preview.Source otherwise) {
            return source.isEmpty() ? otherwise : Preview.Source.valueOf(source);
        }
    }

    /**
     * The QA.tech work the run follows: its kind (a conversation, also when a follow-up continues one; a test plan run,
     * also a re-run of its failed tests), its id (a conversation's or a test plan run's short id) and dashboard link, and for a follow-up when and what the bridge sent (the message the run waits on).
     */
    public record Work(WorkKind kind, String id, String url, String sentAt, String message) implements StepResult {

        public boolean started() {
            return !id.isEmpty();
        }

        public Optional<String> idIfAny() {
            return Optional.of(id).filter(i -> !i.isEmpty());
        }
    }

    /** What the bridge wrote on the PR: its status comment, and the commit the pending status (or check run) is on. */
    public record Written(String statusCommentId, Optional<String> pendingSha, String checkRunId) {
        public static final Written NONE = new Written("", Optional.empty(), "");

        public Written withStatusComment(String id) {
            return new Written(id, pendingSha, checkRunId);
        }

        public Written withPending(String sha, String checkRun) {
            return new Written(statusCommentId, Optional.of(sha), checkRun);
        }
    }

    /**
     * The wait: the run's deadline, the pause before the next look, how many looks so far, how many in a row QA.tech did
     * not answer, the work's status at the last look, whether the deadline passed, when it was done and the answer read then.
     */
    public record Poll(long deadline, long waitSeconds, int polls, int outage, String status, boolean timedOut, boolean done,
                       Optional<Long> doneAtMillis, Optional<String> answer) implements StepResult {}

    /** A step's failure as the state machine caught it: the error's name and its message. */
    public record Failure(String error, String message) {}

    /**
     * How the run ended: the steps that failed (by the name of their Catch's ResultPath under {@code $.failed}), a turn
     * that came after its deadline, a stop the run said itself ({@code $.stopped}), the reply's outcome and verdict.
     */
    public record Ending(Map<String, Failure> failed, boolean turnExpired, boolean stopped, Optional<Replied> reply) {
        public static final Ending NONE = new Ending(Map.of(), false, false, Optional.empty());

        public Optional<Failure> failure(String step) {
            return Optional.ofNullable(failed.get(step));
        }

        public boolean anyFailure() {
            return !failed.isEmpty();
        }
    }

    /**
     * The reply's outcome and verdict, as the final status reads them, and for a kind of work with its own words (a test
     * plan) the status's heading and line ("" otherwise) and whether its failed tests can be re-run.
     */
    public record Replied(Outcome outcome, Verdict.Kind verdict, String heading, String line, boolean rerunnable) {}

    /** The conversation a follow-up continues, from the PR's ledger ({@code $.followup}). */
    public record FollowUp(String chatId, String chatUrl, String previewUrl, String sha) {}

    /**
     * What the state machine read from the run table for this run: the PR's ledger ({@code $.pr}), the run's first summary
     * ({@code $.ack.entry}), the conversation a follow-up continues, the runs a cancel stopped, the previous automatic run,
     * the run's own state and the PR's newest automatic commit ({@code $.own}), the ledger's list of recent runs
     * ({@code $.index}), whether it queued for its turn.
     */
    public record Read(Ledger ledger, String firstSummary, Optional<String> recentRuns, Optional<FollowUp> followUp, List<String> stoppedRuns,
                       String previousAutoRun, Optional<String> ownState, String newestAutoSha, boolean queued) {}

    public String runId() {
        return input.runId();
    }

    public String command() {
        return input.command();
    }

    public Origin origin() {
        return input.origin();
    }

    public Ask ask() {
        return input.ask();
    }

    /** The platform's name for logs and metrics ("" for a state that names none). */
    public String platformName() {
        return origin().platform() == null ? "" : origin().platform().wireName();
    }

    public boolean is(String command) {
        return input.command().equals(command);
    }

    /** The commit the run tests: the resolved one, else the deployed one. */
    public String testedSha() {
        return target.sha().isEmpty() ? input.ask().sha() : target.sha();
    }

    /** The run as the texts describe it once started. */
    public RunRecord record() {
        return new RunRecord(runId(), origin(), ask(), new RunRecord.Conversation(work.id(), work.url()), written.statusCommentId(),
                target.url(), target.sha());
    }

    /** The run as the reply describes it. */
    public Texts.Facts facts(Duration took, String commandWord) {
        return new Texts.Facts(runId(), origin(), ask(), Optional.of(work.url()), Optional.of(target.url()), target.sha(), took, commandWord);
    }

    /** The run's summary as the PR's ledger keeps it, from everything known so far. */
    public com.fasterxml.jackson.databind.node.ObjectNode summary() {
        var summary = Ledger.withWork(Ledger.summary(runId(), command(), input.work(), ask(), ask().receivedAtMillis()), testedSha(), target.url(),
                work.id(), work.url(), written.statusCommentId(), written.checkRunId());
        return skip.map(s -> Ledger.withSkip(summary, s.rule(), s.reason())).orElse(summary);
    }

    public RunState with(Target t) {
        return new RunState(input, t, work, written, poll, ending, read, skip);
    }

    public RunState with(Written w) {
        return new RunState(input, target, work, w, poll, ending, read, skip);
    }
}
