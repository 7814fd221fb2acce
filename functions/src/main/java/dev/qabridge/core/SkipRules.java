package dev.qabridge.core;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Whether an automatic run's skip rules leave a PR out ({@link Settings.Skip}), decided in the order that reads least:
 * the target branch, a draft, a bot author, a label (all from the PR itself), then the changed files, read only when
 * {@code paths} or {@code ignorePaths} is set. Every reason names its rule, as the status, the ledger and {@code /qa status}
 * show it; only the bridge's own settings are quoted (a label or branch name a PR author chose never is). Pure: the
 * step reads, this decides.
 */
public final class SkipRules {
    private SkipRules() {}

    /** The rule that skips the PR, or none; {@code note} says what could not rule it out ("" when nothing was left unread). */
    public record Decision(Optional<RunState.Skip> skip, String note) {
        static Decision runs(String note) {
            return new Decision(Optional.empty(), note);
        }

        static Decision skip(String rule, String reason) {
            return new Decision(Optional.of(new RunState.Skip(rule, reason)), "");
        }
    }

    public static Decision decide(Settings.Skip rules, PullRequest pr, BooleanSupplier openedByBot, Supplier<CodeHost.ChangedFiles> files) {
        PullRequest.Traits t = pr.traits();
        if (!rules.branches().isEmpty() && !PathGlob.anyMatches(PathGlob.all(rules.branches()), t.targetBranch())) {
            return Decision.skip("branches", "its target branch is not one of autoRun.branches (" + listed(rules.branches()) + ")");
        }
        if (rules.drafts() && t.draft()) {
            return Decision.skip("skipDrafts", "a draft (autoRun.skipDrafts); it runs once marked ready");
        }
        if (rules.bots() && openedByBot.getAsBoolean()) {
            return Decision.skip("skipBots", "opened by a bot account (autoRun.skipBots)");
        }
        if (!rules.labels().isEmpty()) {
            Set<String> labels = t.labels().stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            Optional<String> label = rules.labels().stream().filter(l -> labels.contains(l.toLowerCase(Locale.ROOT))).findFirst();
            if (label.isPresent()) {
                return Decision.skip("skipLabels", "labelled " + label.get() + " (autoRun.skipLabels)");
            }
        }
        if (!rules.readsFiles()) {
            return Decision.runs("");
        }
        CodeHost.ChangedFiles changed = files.get();
        String more = "it changes more than the " + changed.files() + " files that can be listed";
        if (!rules.paths().isEmpty()) {
            List<PathGlob> wanted = PathGlob.all(rules.paths());
            boolean any = changed.paths().stream().anyMatch(p -> PathGlob.anyMatches(wanted, p));
            if (!any && changed.complete()) {
                return Decision.skip("paths", "no changed file matches autoRun.paths (" + listed(rules.paths()) + ")");
            }
            if (!any) {
                return Decision.runs(more + ": autoRun.paths cannot rule it out");
            }
        }
        if (!rules.ignorePaths().isEmpty() && !changed.paths().isEmpty()) {
            List<PathGlob> ignored = PathGlob.all(rules.ignorePaths());
            boolean all = changed.paths().stream().allMatch(p -> PathGlob.anyMatches(ignored, p));
            if (all && changed.complete()) {
                int n = changed.files();
                return Decision.skip("ignorePaths", (n == 1 ? "its one changed file matches" : "all " + n + " changed files match")
                        + " autoRun.ignorePaths (" + listed(rules.ignorePaths()) + ")");
            }
            if (all) {
                return Decision.runs(more + ": autoRun.ignorePaths cannot rule it out");
            }
        }
        return Decision.runs("");
    }

    /** The first three of a setting's entries, for a one-line reason. */
    private static String listed(List<String> entries) {
        return String.join(", ", entries.subList(0, Math.min(3, entries.size()))) + (entries.size() > 3 ? ", …" : "");
    }
}
