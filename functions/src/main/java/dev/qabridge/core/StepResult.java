package dev.qabridge.core;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * What a step returns, typed: the state machine stores it under the state's ResultPath, written by
 * {@link RunStateJson#write}. The groups of {@link RunState} that a step produces whole ({@link RunState.Target},
 * {@link RunState.Work}, {@link RunState.Poll}) are results too.
 */
public sealed interface StepResult permits RunState.Target, RunState.Work, RunState.Poll, StepResult.Nothing, StepResult.Acknowledged,
        StepResult.Posted, StepResult.FollowUpPlan, StepResult.Recalled, StepResult.MergeQueueReported, StepResult.Registration,
        StepResult.TurnClock, StepResult.StatusPosted, StepResult.RunningReported, StepResult.StopPlan, StepResult.Ended,
        StepResult.Busy, StepResult.ReplyWritten, StepResult.LostReply, StepResult.SkipDecision {

    /** Nothing to keep ({@code null} in the state). */
    record Nothing() implements StepResult {}

    /** 👀 given: the run's first summary for the ledger, the concurrency rule in force, the key claiming a settings problem's report. */
    record Acknowledged(String summary, String concurrency, Optional<String> settingsClaim) implements StepResult {}

    /** An answer posted: its comment. */
    record Posted(String commentId) implements StepResult {}

    /** The conversation a follow-up continues ({@code of}: the run that started it), or none. */
    record FollowUpPlan(Optional<RunState.FollowUp> followUp, String of) implements StepResult {}

    /** A Re-run's recalled ask. */
    record Recalled(Ask ask) implements StepResult {}

    /** A merge queue's commit got the PR's QA result (or, {@code reported} false, nothing: the mode is off). */
    record MergeQueueReported(boolean reported, String state, String headSha, String description) implements StepResult {}

    /** The ledger's registration write ({@link Ledger#registration}): its DynamoDB update, and how many runs it prunes. */
    record Registration(ObjectNode update, int dropped) implements StepResult {}

    /** The clock for the turn's condition: now, until when the run would hold it, and whether it waited past its deadline. */
    record TurnClock(long now, long until, boolean expired) implements StepResult {}

    /** The status comment, and the run's summary with it. */
    record StatusPosted(String commentId, String summary) implements StepResult {}

    /** The pending status (or check run) on {@code sha}, or why the platform refused it; the run's summary with it. */
    record RunningReported(Optional<String> sha, String checkRunId, Optional<String> refused, String summary) implements StepResult {}

    /** One run a cancel, a push or a newer deployment stops: its summary and state when planned, and how it ends. */
    record StopOrder(String runId, String doc, String planned, String as) {}

    /** The runs to stop. */
    record StopPlan(List<StopOrder> runs) implements StepResult {}

    /** A state to name: how a stopped run ended, the final status set. */
    record Ended(String state) implements StepResult {}

    /** A run refused while another goes: its summary, outcome BUSY. */
    record Busy(String summary) implements StepResult {}

    /** The final word written, with the outcome and verdict the final status reads, and the run's last summary. */
    record ReplyWritten(Outcome outcome, Verdict.Kind verdict, boolean edited, int polls, String summary, String heading, String line,
                        boolean rerunnable) implements StepResult {}

    /** Whether an automatic run runs: skipped by a rule, or it runs ({@code note}: what could not be checked, "" when all could). */
    record SkipDecision(Optional<RunState.Skip> skip, String note) implements StepResult {}

    /** Nothing could be written on the PR (counted for the alarm). */
    record LostReply() implements StepResult {}
}
