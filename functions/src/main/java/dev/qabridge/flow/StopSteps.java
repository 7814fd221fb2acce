package dev.qabridge.flow;

import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Ledger;
import dev.qabridge.core.Log;
import dev.qabridge.core.Origin;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.RunState;
import dev.qabridge.core.RunStateJson;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.StepResult;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.Workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The steps that stop runs: the runs a cancel or a push stops, the automatic run a newer deployment
 * supersedes, telling each how it ended (or leaving it to say so itself while it is starting), a run that
 * says it was stopped, and the short answer to a {@code /qa} while another run is going.
 */
final class StopSteps extends StepKit {
    StopSteps(Deps deps) {
        super(deps);
    }

    /**
     * The runs a {@code /qa cancel} (every run of the PR still going) or a push (command runs on older
     * commits, with {@code QA_CANCEL_ON_PUSH}) stops: the state machine marks each cancelled (if it is
     * still going), gives back its turn, and {@link #tellStopped} stops it and says so.
     */
    StepResult.StopPlan planCancel(RunState in) {
        Ledger ledger = in.read().ledger();
        boolean push = in.is(RunInput.PUSH);
        List<StepResult.StopOrder> runs = new ArrayList<>();
        for (Ledger.Entry e : ledger.newestFirst()) {
            boolean running = e.going() && !e.runId().equals(in.runId())
                    && List.of(RunInput.RUN, RunInput.AUTO, RunInput.FOLLOWUP, RunInput.RERUN).contains(e.kind());
            boolean stale = !push || (!e.kind().equals(RunInput.AUTO) && !e.sha().isEmpty() && !e.sha().equals(in.ask().sha()));
            if (running && stale) {
                runs.add(stopItem(e, Ledger.CANCELLED));
            }
        }
        Log.info("run.cancel_planned", in.ask().deliveryId(), null, "run", in.runId(), "runs", runs.size());
        return new StepResult.StopPlan(List.copyOf(runs));
    }

    /** One run to stop, as the stopping Map's states read it: its summary, its state when planned, and how it ends. */
    private static StepResult.StopOrder stopItem(Ledger.Entry e, String as) {
        return new StepResult.StopOrder(e.runId(), e.doc().toString(), e.state(), as);
    }

    /**
     * One run that {@code /qa cancel}, a push or a newer deployment's run stopped (the state machine
     * has just marked it, getting back its state and summary as they were). What happens depends on
     * where the run was: still {@code waiting} (nothing on the PR yet): its execution is stopped;
     * {@code starting} (it may be posting its comment or pending status right now): it is left to
     * find out at its next ledger write and say it itself ({@link #endStopped}), since only it knows
     * what it wrote; {@code running}: its execution is stopped, and its status comment and commit
     * status (or check run) say how it ended. Input: {@code {run, parent, marked}}.
     */
    StepResult.Nothing tellStopped(RunStateJson.StopItem item, String stateMachine) {
        RunState in = item.by();
        StepResult.StopOrder run = item.run();
        String runId = run.runId();
        String as = run.as();
        String was = item.stateBefore().orElse(run.planned());
        if (was.equals(as)) {
            was = run.planned();   // our own mark, retried: the state it had when planned
        }
        Ledger.Entry entry = new Ledger.Entry(runId, as, RunStateJson.summary(item.docBefore().orElse(run.doc())));
        if (was.equals(Ledger.WAITING) && (!entry.chatId().isEmpty() || !entry.statusCommentId().isEmpty())) {
            was = Ledger.RUNNING;   // a run registered before runs had phases: its summary says what it wrote
        }
        if (was.equals(Ledger.STARTING)) {
            Log.info("run.stop_left_to_run", in.ask().deliveryId(), null, "run", runId, "by", in.runId(), "as", as);
            return new StepResult.Nothing();
        }
        boolean superseded = as.equals(Ledger.SUPERSEDED);
        String why = superseded ? "superseded by " + in.runId()
                : in.is(RunInput.PUSH)
                ? "the " + in.origin().noun() + " moved on to `" + Strings.shortSha(in.ask().sha()) + "` (QA_CANCEL_ON_PUSH)"
                : "cancelled by @" + in.ask().requester();
        workflow.stop(Workflow.executionArn(stateMachine, runId), superseded ? "Superseded" : "Cancelled", Strings.clip(why, 200));
        if (!was.equals(Ledger.WAITING)) {
            sayStopped(in.origin(), settings(in), entry, why, in.work().url(), in.testedSha(), !entry.chatId().isEmpty(),
                    in.skip().map(RunState.Skip::reason));
        }
        Log.info(superseded ? "autorun.superseded" : "run.cancelled", in.ask().deliveryId(), entry.chatId().isEmpty() ? null : entry.chatId(),
                "run", runId, "by", in.runId(), "was", was);
        return new StepResult.Nothing();
    }

    /**
     * This run found, at a ledger write, that it was cancelled or superseded while it was starting (or
     * that the one who stopped it could not stop its execution): it says so itself, in its own status
     * comment and commit status or check run, since only it knows what it wrote. {@code $.own} is its
     * own state and the PR's newest automatic commit as the ledger holds them.
     */
    StepResult.Ended endStopped(RunState in) {
        String as = in.read().ownState().filter(Ledger.SUPERSEDED::equals).orElse(Ledger.CANCELLED);
        Ledger.Entry entry = new Ledger.Entry(in.runId(), as, in.summary());
        String why = as.equals(Ledger.SUPERSEDED) ? "a newer deployment of this " + in.origin().noun() + " started a new run"
                : "it was cancelled (`" + settings(in).commands().word() + " cancel`, or new commits with QA_CANCEL_ON_PUSH) while it was starting";
        sayStopped(in.origin(), settings(in), entry, why, "", in.read().newestAutoSha(), in.written().pendingSha().isPresent(), Optional.empty());
        Log.info("run.stopped_itself", in.ask().deliveryId(), in.work().idIfAny().orElse(null), "run", in.runId(), "as", as);
        return new StepResult.Ended(as);
    }

    /**
     * A stopped run's status comment and status say how it ended. A superseded run never writes a
     * status on the commit the newer run tests ({@code newerSha}): there, only an App's check run of
     * its own is completed (a commit status would replace the newer run's).
     */
    private void sayStopped(Origin origin, Settings settings, Ledger.Entry run, String why, String newChatUrl, String newerSha,
                            boolean reportedRunning, Optional<String> skippedBecause) {
        CodeHost host = hosts.apply(origin.platform());
        boolean superseded = run.state().equals(Ledger.SUPERSEDED);
        if (!run.statusCommentId().isEmpty()) {
            host.thread(origin.withoutThread()).edit(run.statusCommentId(), superseded
                    ? Texts.superseded(run, newChatUrl, origin, skippedBecause) : Texts.cancelled(run, why, origin));
        }
        if (run.sha().isEmpty() || !reportedRunning) {
            return;
        }
        boolean sameCommit = superseded && run.sha().equals(newerSha);
        if (sameCommit && run.checkRunId().isEmpty()) {
            return;   // the newer run's pending status on this commit stands
        }
        StatusReport report = superseded
                ? new StatusReport(sameCommit ? StatusReport.State.CANCELLED : StatusReport.State.ERROR,
                        settings.status().context(), "Superseded by a newer deployment's run", newChatUrl.isEmpty() ? run.chatUrl() : newChatUrl,
                        run.runId(), "⏹️ Superseded", Strings.clip("Superseded: " + why, 500), "")
                : new StatusReport(StatusReport.State.CANCELLED, settings.status().context(), Strings.clip("Cancelled: " + why, 140),
                        run.chatUrl(), run.runId(), "⏹️ Cancelled", why, "");
        host.report(origin, run.sha(), report, run.checkRunId());
    }

    /**
     * The PR's previous automatic run (the ledger's {@code autoRun} before this one claimed it), if it is
     * still going: stopped through the same Map as a cancel, marked superseded. The claim's condition
     * makes sure it is older: a newer deployment's run is never superseded by an older one.
     */
    StepResult.StopPlan planSupersede(RunState in) {
        Optional<Ledger.Entry> old = in.read().ledger().entry(in.read().previousAutoRun()).filter(Ledger.Entry::going);
        return new StepResult.StopPlan(old.map(e -> List.of(stopItem(e, Ledger.SUPERSEDED))).orElse(List.of()));
    }

    /** A {@code /qa} while another run of the PR is going (and the rule is reject): a short reply linking it and showing cancel. */
    StepResult.Busy rejectBusy(RunState in, int retry) {
        Ledger ledger = in.read().ledger();
        Optional<Ledger.Entry> running = ledger.holder().flatMap(ledger::entry);
        posted(in, Texts.busy(in.runId(), running, settings(in).commands().word(), in.origin()), retry);
        return new StepResult.Busy(RunStateJson.summary(in.read().firstSummary()).put("outcome", "BUSY").toString());
    }
}
