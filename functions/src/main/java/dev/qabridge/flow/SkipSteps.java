package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Ledger;
import dev.qabridge.core.Log;
import dev.qabridge.core.PullRequest;
import dev.qabridge.core.RunState;
import dev.qabridge.core.Settings;
import dev.qabridge.core.SkipRules;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.StepResult;

/**
 * Whether an automatic run runs at all: its skip rules, decided by the run (they read the PR and, for {@code paths} and
 * {@code ignorePaths}, its changed files), and a skipped run's only word, its status: success "Skipped: …" (App mode: a
 * check run concluded {@code skipped}), so a required check never waits on a run that will not come.
 */
final class SkipSteps extends StepKit {

    SkipSteps(Deps deps) {
        super(deps);
    }

    /** The first skip rule that leaves the PR out, or that it runs (a platform error the state machine retries, then runs it). */
    StepResult.SkipDecision decideSkip(RunState run) {
        Settings.Skip rules = settings(run).autoRun().skip();
        CodeHost host = hosts.apply(run.origin().platform());
        try {
            PullRequest pr = host.pullRequest(run.origin());
            SkipRules.Decision d = SkipRules.decide(rules, pr, () -> host.openedByBot(run.origin(), pr), () -> host.changedFiles(run.origin()));
            d.skip().ifPresentOrElse(
                    s -> Log.info("run.skipped", run.ask().deliveryId(), null, "run", run.runId(), "rule", s.rule()),
                    () -> Log.info("run.not_skipped", run.ask().deliveryId(), null, "run", run.runId(), "note", d.note()));
            return new StepResult.SkipDecision(d.skip(), d.note());
        } catch (ApiException e) {
            throw e.forStateMachine();
        }
    }

    /**
     * The skipped run's status on the deployed commit ({@code status.onSkip} success), or nothing ({@code none}); the
     * ledger already names the rule.
     */
    StepResult.Ended reportSkip(RunState run) {
        Settings settings = settings(run);
        RunState.Skip skip = run.skip().orElseThrow(() -> new IllegalStateException("report-skip on a run no rule skipped"));
        if (settings.status().onSkip() == Settings.OnSkip.NONE) {
            Log.info("run.skip_unreported", run.ask().deliveryId(), null, "run", run.runId(), "rule", skip.rule());
            return new StepResult.Ended("none");
        }
        String line = "Skipped: " + skip.reason();
        StatusReport report = new StatusReport(StatusReport.State.SKIPPED, settings.status().context(), line, "", run.runId(), line,
                "qa-bridge did not run QA.tech's agent on this deployment: " + skip.reason() + ".", "");
        try {
            hosts.apply(run.origin().platform()).report(run.origin(), run.ask().sha(), report, "");
        } catch (ApiException e) {
            throw e.forStateMachine();
        }
        Log.info("run.skip_reported", run.ask().deliveryId(), null, "run", run.runId(), "rule", skip.rule());
        return new StepResult.Ended(Ledger.SKIPPED);
    }
}
