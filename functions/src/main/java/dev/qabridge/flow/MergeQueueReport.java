package dev.qabridge.flow;

import dev.qabridge.core.Ledger;
import dev.qabridge.core.MergeQueue;
import dev.qabridge.core.Origin;
import dev.qabridge.core.Outcome;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StatusReport;
import dev.qabridge.core.Strings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.Verdict;

import java.util.List;
import java.util.Optional;

/**
 * What a merge queue (GitHub) or merge train (GitLab) hears from the bridge about one PR, decided from
 * the PR's ledger and its current head: with {@code mirror} success only when the bridge's latest final
 * result on that head is a pass (the same result the head's own status shows), otherwise a failure that
 * says what is missing and how to get it; with {@code pass} always success. Pure: the step reads, this decides.
 */
final class MergeQueueReport {
    /** The PR's head as the step found it: its commit and page, or why it could not be read. */
    record Head(String sha, String webUrl, String problem) {
        static Head of(String sha, String webUrl) {
            return new Head(sha, webUrl, "");
        }

        static Head unknown(String problem) {
            return new Head("", "", problem);
        }
    }

    /** The status to report on the queue's commit: its state, one line, and the link behind it. */
    record Decision(StatusReport.State state, String description, String targetUrl) {
        boolean passed() {
            return state == StatusReport.State.SUCCESS;
        }
    }

    private MergeQueueReport() {}

    /** The words the {@code pass} mode reports, as the README promises them. */
    static String passText(Origin pr) {
        return pr.gitlab() ? "QA ran on the MR before it joined the merge train" : "QA ran on the PR before it was queued";
    }

    /**
     * {@code problem}: why the queue's ref names no PR ("" when it names one); {@code ledger}: the PR's
     * runs, empty when they could not be read.
     */
    static Decision decide(MergeQueue.Mode mode, Origin pr, String problem, Head head, Optional<Ledger> ledger, Settings settings) {
        if (mode == MergeQueue.Mode.PASS) {
            return new Decision(StatusReport.State.SUCCESS, passText(pr), "");
        }
        if (!problem.isEmpty()) {
            return failure(problem + ": qa-bridge has no QA result to mirror", "");
        }
        String ref = pr.reference();
        if (!head.problem().isEmpty()) {
            return failure("no passing QA run found for " + ref + ": qa-bridge could not read its head commit (" + head.problem() + ")", "");
        }
        String sha = Strings.shortSha(head.sha());
        String missing = "no passing QA run on " + sha + " of " + ref;
        String again = "; comment " + settings.commands().word() + " …, then " + requeue(pr);
        if (ledger.isEmpty()) {
            return failure("no passing QA run found for " + ref + ": qa-bridge could not read its runs; " + requeue(pr),
                    head.webUrl());
        }
        List<Ledger.Entry> runs = ledger.get().newestFirst().stream().filter(e -> !e.sha().isEmpty()).toList();
        if (runs.isEmpty()) {
            return failure(missing + again, head.webUrl());
        }
        List<Ledger.Entry> onHead = runs.stream().filter(e -> e.sha().equals(head.sha())).toList();
        Optional<Ledger.Entry> latest = onHead.stream().filter(MergeQueueReport::ended).findFirst();
        if (latest.isPresent()) {
            Ledger.Entry e = latest.get();
            if (e.state().equals(Ledger.SKIPPED) && settings.status().onSkip() == Settings.OnSkip.SUCCESS) {
                // the head's own status said success "Skipped: …": the queue hears the same
                return new Decision(StatusReport.State.SUCCESS, "QA skipped on " + sha + " of " + ref + ": " + e.skipped(), "");
            }
            if (passed(e, settings)) {
                return new Decision(StatusReport.State.SUCCESS, "QA passed on " + sha + " of " + ref, e.chatUrl());
            }
            return failure(missing + " (latest: " + result(e) + ")" + again, head.webUrl());
        }
        if (onHead.stream().anyMatch(Ledger.Entry::going)) {
            return failure(missing + " yet (a run is still going); " + requeue(pr) + " once it has passed", head.webUrl());
        }
        Optional<Ledger.Entry> passedBefore = runs.stream().filter(MergeQueueReport::ended).filter(e -> passed(e, settings)).findFirst();
        return failure(missing + passedBefore.map(e -> " (it passed on " + Strings.shortSha(e.sha()) + "; the head has moved since)")
                .orElse(" (no run tested this commit)") + again, head.webUrl());
    }

    private static String requeue(Origin pr) {
        return pr.gitlab() ? "add it to the train again" : "queue it again";
    }

    private static Decision failure(String description, String targetUrl) {
        return new Decision(StatusReport.State.FAILURE, description, targetUrl);
    }

    /** A run that has said its final word: replied with its outcome recorded, cancelled or superseded (a refused run never ran). */
    private static boolean ended(Ledger.Entry e) {
        return switch (e.state()) {
            case Ledger.REPLIED -> !e.outcome().isEmpty();
            case Ledger.CANCELLED, Ledger.SUPERSEDED, Ledger.SKIPPED -> true;
            default -> false;
        };
    }

    /** The run's final status on its own commit was success: the same rule as the status the run reported. */
    private static boolean passed(Ledger.Entry e, Settings settings) {
        return e.state().equals(Ledger.REPLIED) && outcome(e).map(o -> Steps.gate(o, verdict(e), settings) == StatusReport.State.SUCCESS)
                .orElse(false);
    }

    /** How a run that did not pass ended, in the words of its reply's heading. */
    private static String result(Ledger.Entry e) {
        return switch (e.state()) {
            case Ledger.CANCELLED -> "cancelled";
            case Ledger.SUPERSEDED -> "superseded";
            case Ledger.SKIPPED -> "skipped: " + e.skipped();
            default -> outcome(e).map(o -> Texts.heading(o, verdict(e)).replaceFirst("^\\S+ ", "")).orElse("no result recorded");
        };
    }

    private static Optional<Outcome> outcome(Ledger.Entry e) {
        try {
            return Optional.of(Outcome.valueOf(e.outcome()));
        } catch (IllegalArgumentException notAnOutcome) {
            return Optional.empty();   // e.g. BUSY: a run that was refused its turn
        }
    }

    private static Verdict.Kind verdict(Ledger.Entry e) {
        try {
            return Verdict.Kind.valueOf(e.verdict());
        } catch (IllegalArgumentException none) {
            return Verdict.Kind.NONE;
        }
    }
}
