package dev.qabridge.core;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Every text the bridge writes on a pull request or merge request, in Markdown. Whatever the bridge
 * did not write itself (the agent's answer, instructions, API messages, URLs, settings-file
 * excerpts) goes through {@link Untrusted} first, and every finished text through {@link Redaction}.
 */
public final class Texts {

    /** Starts every comment the bridge writes, so it recognises (and ignores) its own comments. */
    public static final String MARKER = "<!-- qa-bridge -->";

    /** Answers longer than this (or than {@link #FOLD_LINES} lines) are folded in a {@code <details>} section. */
    static final int FOLD_CHARS = 3_000;
    static final int FOLD_LINES = 40;

    private Texts() {}

    /**
     * A second hidden line naming the run and the comment's role ("status", "reply", "answer"), so a
     * retried post can find the comment an earlier attempt made (see {@link ReviewThread#findMarked}).
     */
    public static String runMarker(String runId, String role) {
        return "<!-- qa-bridge run=" + runId + " " + role + " -->";
    }

    static String head(String runId, String role) {
        return MARKER + "\n" + runMarker(runId, role) + "\n";
    }

    public static String help(String runId, Settings s, Platform platform) {
        String w = s.commands().word();
        boolean gitlab = platform == Platform.GITLAB;
        String who = gitlab
                ? "members with access level ≥ " + s.trusted().gitlabMinAccessLevel()
                : String.join(", ", s.trusted().associations().stream().sorted().toList());
        return Redaction.apply(head(runId, "answer")
                + "### 🤖 qa-bridge: QA.tech's agent on this " + (gitlab ? "merge request" : "pull request") + "\n\n"
                + "| command | what it does |\n|---|---|\n"
                + "| `" + w + " <what to test>` | runs QA.tech's agent against this " + (gitlab ? "MR" : "PR")
                + "'s preview deployment |\n"
                + "| `" + w + " <what to test> --url https://…` | tests that URL instead |\n"
                + "| `" + w + " followup <text>` (or `" + w + " ask <text>`) | continues the latest conversation: \"now try it logged out\" |\n"
                + "| `" + w + " plan [pln_…]` | runs a QA.tech test plan on the preview (" + s.qatech().testPlan()
                        .map(p -> "without an id: `" + p + "`").orElse("name one, or set `qatech.testPlan`") + "): QA.tech's own verdict, per test |\n"
                + "| `" + w + " review [<focus>]` | a change review: the agent gets this " + (gitlab ? "MR" : "PR") + "'s diff and tests what it touches |\n"
                + "| `" + w + " rerun-failed` | re-runs the failed tests of the latest test plan run |\n"
                + "| `" + w + " status` | lists this " + (gitlab ? "MR" : "PR") + "'s runs |\n"
                + "| `" + w + " cancel` | stops the runs still going (QA.tech's agent may still finish in QA.tech) |\n"
                + "| `" + w + " help` | shows this message |\n\n"
                + "Example: `" + w + " check that the cart total updates when an item is removed`\n\n"
                + "The agent ends its answer with a verdict; the bridge reports it as the commit status `"
                + s.status().context() + "`, which branch protection can require.\n\n"
                + "**Settings in force**\n"
                + "- who may run it: " + who + "\n"
                + "- preview URL: `--url`, else the newest successful deployment of the head commit"
                + s.preview().urlTemplate().map(t -> ", else " + Untrusted.inlineCode(t)).orElse("") + "\n"
                + "- a second run while one is going: " + switch (s.commands().concurrency()) {
                    case REJECT -> "refused (`commands.concurrency: queue` waits instead)";
                    case QUEUE -> "waits for its turn";
                    case PARALLEL -> "runs alongside";
                } + "\n"
                + "- new commits " + (s.commands().cancelOnPush() ? "cancel" : "leave alone") + " the runs still going on older commits\n"
                + "- looks at the conversation every " + s.polling().seconds() + " s, gives up after " + minutes(s) + " min\n"
                + "- automatic runs: " + autoRuns(s.autoRun()) + "\n"
                + "- this repository can change these in `" + platform.settingsPath() + "` on its default branch\n");
    }

    /** Which deployments start a run, and which PRs their skip rules leave out, for {@code help}. */
    static String autoRuns(Settings.AutoRun auto) {
        if (auto.environments().isEmpty()) {
            return "off";
        }
        Settings.Skip k = auto.skip();
        java.util.List<String> skips = new java.util.ArrayList<>();
        if (k.drafts()) {
            skips.add("drafts (until marked ready)");
        }
        if (k.bots()) {
            skips.add("bot authors");
        }
        if (!k.labels().isEmpty()) {
            skips.add("labels " + codes(k.labels()));
        }
        if (!k.branches().isEmpty()) {
            skips.add("target branches other than " + codes(k.branches()));
        }
        if (!k.paths().isEmpty()) {
            skips.add("changes outside " + codes(k.paths()));
        }
        if (!k.ignorePaths().isEmpty()) {
            skips.add("changes only to " + codes(k.ignorePaths()));
        }
        return "successful deployments to " + codes(auto.environments())
                + (skips.isEmpty() ? "" : "; skipped (status \"Skipped: …\", never blocking): " + String.join(", ", skips));
    }

    private static String codes(java.util.List<String> entries) {
        java.util.List<String> shown = entries.subList(0, Math.min(5, entries.size())).stream().map(Untrusted::inlineCode).toList();
        return String.join(", ", shown) + (entries.size() > 5 ? " and " + (entries.size() - 5) + " more" : "");
    }

    /** What was wrong with a command; {@code problem} is the bridge's own wording. */
    public static String invalid(String runId, String problem, Settings s) {
        return Redaction.apply(head(runId, "answer") + "### 🤖 qa-bridge: I did not understand that\n\n" + problem
                + ". Try `" + s.commands().word() + " help`.\n");
    }

    public static String noPreview(Settings s, PullRequest pr, Platform platform) {
        String deployment = platform == Platform.GITLAB
                ? "a successful deployment of the head commit or the source branch to an environment "
                        + "with a URL (`environment: url:` in `.gitlab-ci.yml`);\n"
                : "a successful deployment of the head commit with an environment URL (Vercel, Netlify and most CI "
                        + "deploy actions report one);\n";
        return "I could not find a preview deployment for `" + Strings.shortSha(pr.headSha()) + "`. Give me one of:\n"
                + "1. a URL in the command: `" + s.commands().word() + " <what to test> --url https://your-preview.example.com`;\n"
                + "2. " + deployment
                + "3. a `PREVIEW_URL_TEMPLATE` setting on the bridge, e.g. `https://pr-{number}.preview.example.com` "
                + "(placeholders `{number}` `{branch}` `{sha}` `{repo}`).\n\n"
                + "No QA.tech conversation was started.";
    }

    /**
     * The status comment, written once the conversation has started and edited with the final reply.
     * {@code leftOut}: why the PR's title and description were not given to the agent (empty when they were).
     */
    public static String started(RunRecord run, Preview.Source source, Optional<String> leftOut) {
        return started(run, source, leftOut, WorkKind.CHAT);
    }

    /** The status comment of a run whose QA.tech work is of {@code kind} (its link says which). */
    public static String started(RunRecord run, Preview.Source source, Optional<String> leftOut, WorkKind kind) {
        Platform p = run.origin().platform();
        return Redaction.apply(head(run.runId(), "status")
                + "### ⏳ QA.tech is testing this preview\n\n"
                + quote(run.ask().instructions(), p) + "\n\n"
                + "- 🌐 Preview: " + host(run.previewUrl()) + " (" + source.words() + ") · " + link("open it", run.previewUrl()) + "\n"
                + "- 🧪 Commit: `" + Strings.shortSha(run.headSha()) + "`\n"
                + "- 🔗 " + link(kind == WorkKind.PLAN ? "Test plan run in QA.tech" : "Conversation in QA.tech", run.conversation().url()) + "\n"
                + "- 🙋 Asked by " + who(run.ask().requester()) + "\n"
                + leftOut.map(why -> "- 📝 The " + run.origin().noun() + "'s title and description were not given to the agent: "
                        + Untrusted.markdown(why, p) + "\n").orElse("")
                + "\nThis comment will be updated with the agent's answer.\n");
    }

    /** What the final reply is about, beyond how it ended: the run, what was tested where, and how long it took. */
    public record Facts(String runId, Origin origin, Ask ask, Optional<String> chatUrl, Optional<String> previewUrl, String sha,
                        Duration took, String command) {}

    /** The heading a reply gets: from the verdict when the agent finished, else from how the run ended. */
    public static String heading(Outcome outcome, Verdict.Kind verdict) {
        if (outcome == Outcome.COMPLETED) {
            return switch (verdict) {
                case PASS -> "✅ QA passed";
                case FAIL -> "❌ QA found a problem";
                case NONE -> "⚠️ QA finished without a verdict";
            };
        }
        return outcome.icon() + " " + outcome.headline();
    }

    /**
     * The final reply. The agent's text (shown inside a labelled quote, sanitized, folded when long)
     * is the only part that may be shortened: the conversation link, the preview, who asked and how to
     * run it again always survive, so the whole answer stays one click away.
     */
    public static String reply(Outcome outcome, Verdict.Kind verdict, Facts run, Optional<String> agentText, Optional<String> problem,
                               int limit) {
        Platform p = run.origin().platform();
        StringBuilder top = new StringBuilder(head(run.runId(), "reply"))
                .append("### ").append(heading(outcome, verdict)).append("\n\n")
                .append(quote(run.ask().instructions(), p)).append("\n\n");
        if (!run.sha().isEmpty() || run.previewUrl().filter(u -> !u.isBlank()).isPresent()) {
            top.append("Tested").append(run.sha().isEmpty() ? "" : " `" + Strings.shortSha(run.sha()) + "`")
                    .append(run.previewUrl().filter(u -> !u.isBlank()).map(u -> " on " + host(u)).orElse(""))
                    .append(" · took ").append(duration(run.took())).append("\n\n");
        }
        problem.ifPresent(text -> top.append(Untrusted.markdown(text, p)).append("\n\n"));
        if (outcome == Outcome.TIMED_OUT && problem.isEmpty()) {
            top.append("The agent had not finished within the bridge's timeout. It may still be working: follow the conversation link.\n\n");
        }
        if (outcome == Outcome.COMPLETED && verdict == Verdict.Kind.NONE) {
            top.append("The agent's answer did not end with `Verdict: PASS` or `Verdict: FAIL`, so the bridge cannot tell whether "
                    + "what you asked for works. Read the answer below.\n\n");
        }
        StringBuilder footer = new StringBuilder("\n---\n");
        run.chatUrl().filter(u -> !u.isBlank()).ifPresent(u -> footer.append("- 🔗 ").append(link("Conversation in QA.tech", u)).append("\n"));
        run.previewUrl().filter(u -> !u.isBlank()).ifPresent(u -> footer.append("- 🌐 ").append(link("Preview", u)).append("\n"));
        footer.append("- 🙋 Asked by ").append(who(run.ask().requester())).append("\n");
        footer.append("- 🔁 Run it again: ").append(run.ask().automatic() ? "`" + run.command() + " <what to test>`"
                : Untrusted.inlineCode(again(run))).append("\n");
        String answer = agentText.filter(t -> !t.isBlank())
                .map(t -> answerSection(t, p, limit - top.length() - footer.length(), run.chatUrl().orElse("")))
                .orElse(problem.isEmpty() && outcome != Outcome.TIMED_OUT && outcome != Outcome.NO_PREVIEW ? "_The agent sent no text._\n" : "");
        return Redaction.apply(top + answer + footer);
    }

    /** The command that runs the same check again ({@code --url} kept when it was given). */
    private static String again(Facts run) {
        String instructions = run.ask().instructions().replaceAll("\\s+", " ").strip();
        String url = run.ask().url().isEmpty() ? "" : " --url " + run.ask().url();
        return Strings.clip(Redaction.apply(run.command() + " " + instructions), 200) + url;
    }

    /**
     * The agent's answer as a labelled quote, folded in {@code <details>} when long, shortened to
     * {@code room} characters (sanitizing can lengthen text, so it is measured after, and cut again if needed).
     * Secrets are taken out first, so no cut ends inside one.
     */
    static String answerSection(String answer, Platform p, int room, String link) {
        String raw = Redaction.apply(answer);   // before any cut, which could leave part of a secret behind
        String label = "**The agent's answer** _(written by QA.tech's agent; qa-bridge shows it without its verdict line)_\n\n";
        String note = "\n\n… _(shortened: the full answer is in the conversation: " + link + ")_";
        int budget = raw.length();
        for (int attempt = 0; attempt < 6; attempt++) {
            boolean cut = budget < raw.length();
            String text = cut ? Strings.clip(raw, Math.max(0, budget)).replaceAll("…$", "") : raw;
            String quoted = Untrusted.quoteBlock(text, p) + (cut ? "\n>" + note.replace("\n\n", "\n> ") : "");
            boolean fold = quoted.length() > FOLD_CHARS || quoted.lines().count() > FOLD_LINES;
            String section = fold
                    ? "<details><summary>The agent's answer (" + String.format(Locale.ROOT, "%,d", raw.length()) + " characters)</summary>\n\n"
                            + label + quoted + "\n\n</details>\n"
                    : label + quoted + "\n";
            if (section.length() <= room || budget <= 0) {
                return section.length() <= room ? section : "";
            }
            budget = (int) ((long) budget * room / section.length()) - 200;
        }
        return "";
    }

    public static String superseded(String why) {
        return Redaction.apply(MARKER + "\n### ⏹️ Superseded\n\n" + why + "\n");
    }

    /** The status comment of an automatic run that a newer deployment of the same PR replaced. */
    public static String superseded(Ledger.Entry old, String newChatUrl, Origin origin) {
        return superseded(old, newChatUrl, origin, Optional.empty());
    }

    /** … or whose run its skip rules left out ({@code skippedBecause}: the reason its status gives). */
    public static String superseded(Ledger.Entry old, String newChatUrl, Origin origin, Optional<String> skippedBecause) {
        Platform p = origin.platform();
        String what = skippedBecause.map(why -> "A newer deployment of this " + origin.noun() + " was skipped (" + why
                        + "), so this run was stopped; its status says so.")
                .orElseGet(() -> "A newer deployment of this " + origin.noun() + " started a new run, so this one was stopped: "
                        + link("the new conversation", newChatUrl));
        return superseded(what + "\n\n" + quote(old.instructions(), p)
                + "\n\n- 🌐 " + link("Preview", old.previewUrl()) + "\n- 🔗 " + link("Conversation (stopped following)", old.chatUrl()));
    }

    /** The status comment of a run that {@code /qa cancel} (or a push, with cancel-on-push) stopped. */
    public static String cancelled(Ledger.Entry run, String why, Origin origin) {
        Platform p = origin.platform();
        return Redaction.apply(MARKER + "\n### ⏹️ Cancelled\n\n" + quote(run.instructions(), p) + "\n\n"
                + "This run was stopped: " + why + ". QA.tech has no way to stop an agent, so it may still finish: its answer will "
                + "be in the conversation, not here.\n\n- 🔗 " + link("Conversation in QA.tech", run.chatUrl()) + "\n");
    }

    /** The answer to {@code /qa cancel}. */
    public static String cancelAnswer(String runId, java.util.List<String> cancelled, String command) {
        String body = cancelled.isEmpty() ? "Nothing to cancel: no run of this one is going."
                : "Cancelled " + cancelled.size() + (cancelled.size() == 1 ? " run" : " runs") + ": "
                        + String.join(", ", cancelled.stream().map(r -> "`" + r + "`").toList())
                        + ". Their status comments and commit statuses say so.\n\n"
                        + "QA.tech has no way to stop its agent: a conversation that was under way may still finish in QA.tech. "
                        + "Run `" + command + " <what to test>` to start again.";
        return Redaction.apply(head(runId, "answer") + "### ⏹️ qa-bridge: cancel\n\n" + body + "\n");
    }

    /** A follow-up on a PR that has no conversation yet. */
    public static String noConversation(String runId, Origin origin, String command) {
        return Redaction.apply(head(runId, "answer") + "### 🤖 qa-bridge: nothing to follow up on\n\n"
                + "This " + origin.noun() + " has no QA.tech conversation yet. Start one with `" + command
                + " <what to test>`, then follow up with `" + command + " followup <text>`.\n");
    }

    /** A re-run of failed tests with no test plan run to re-run ({@code clicked}: the check run's button named one the ledger lost). */
    public static String noPlanRun(String runId, Origin origin, String command, boolean clicked) {
        return Redaction.apply(head(runId, "answer") + "### 🤖 qa-bridge: no test plan run to re-run\n\n"
                + (clicked ? "The bridge no longer knows the test plan run of that check run (it keeps a " + origin.noun() + "'s newest "
                        + Ledger.MAX_RUNS + " runs). " : "This " + origin.noun() + " has no QA.tech test plan run yet. ")
                + "Run the plan with `" + command + " plan`, then re-run its failed tests with `" + command + " rerun-failed`.\n");
    }

    /** A {@code /qa} while another run of the PR is going (and the rule is to refuse it). */
    public static String busy(String runId, Optional<Ledger.Entry> running, String command, Origin origin) {
        String which = running.map(r -> "run by " + who(r.requester()) + (r.chatUrl().isEmpty() ? "" : " (" + link("conversation", r.chatUrl()) + ")"))
                .orElse("run");
        return Redaction.apply(head(runId, "answer") + "### ⏳ qa-bridge: a run is going\n\n"
                + "This " + origin.noun() + " has a " + which + " still going; one runs at a time. Wait for its answer, or stop it with `"
                + command + " cancel` and ask again. (A repository can queue runs instead: `commands.concurrency: queue` in its settings file.)\n");
    }

    /** {@code /qa status}: this PR's runs, newest first. */
    public static String status(String runId, Origin origin, java.util.List<Ledger.Entry> runs, Optional<String> holder) {
        StringBuilder b = new StringBuilder(head(runId, "answer")).append("### 🤖 qa-bridge: runs on this ").append(origin.noun()).append("\n\n");
        if (runs.isEmpty()) {
            return Redaction.apply(b.append("No runs yet.\n").toString());
        }
        b.append("| asked by | when | commit | outcome | conversation |\n|---|---|---|---|---|\n");
        for (Ledger.Entry r : runs) {
            String outcome = switch (r.state()) {
                case Ledger.WAITING, Ledger.STARTING, Ledger.RUNNING ->
                        holder.filter(r.runId()::equals).isPresent() || r.chatId().isEmpty() ? "⏳ going" : "⏳ agent at work";
                case Ledger.CANCELLED -> "⏹️ cancelled";
                case Ledger.SUPERSEDED -> "⏹️ superseded";
                case Ledger.REJECTED -> "refused: another run was going";
                case Ledger.SKIPPED -> "⏭️ skipped: " + r.skipped();
                default -> r.outcome().equals("COMPLETED") ? heading(Outcome.COMPLETED, verdict(r.verdict()))
                        : r.outcome().isEmpty() ? "—" : heading(outcomeOf(r.outcome()), Verdict.Kind.NONE);
            };
            b.append("| ").append(who(r.requester())).append(" | ").append(java.time.Instant.ofEpochMilli(r.at()).toString().substring(0, 16).replace('T', ' '))
                    .append(" UTC | `").append(Strings.shortSha(r.sha())).append("` | ").append(outcome.replace("|", "\\|")).append(" | ")
                    .append(r.chatUrl().isEmpty() ? "—" : link(r.work().noun(), r.chatUrl()))
                    .append(" |\n");
        }
        return Redaction.apply(b.toString());
    }

    private static Verdict.Kind verdict(String name) {
        try {
            return Verdict.Kind.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Verdict.Kind.NONE;
        }
    }

    private static Outcome outcomeOf(String name) {
        try {
            return Outcome.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Outcome.ERROR;
        }
    }

    /** One comment when a repository's settings file cannot be used; {@code problem} quotes the file. */
    public static String badSettings(String path, String problem, Platform platform) {
        return Redaction.apply(MARKER + "\n### ⚠️ qa-bridge: `" + path + "` is not valid\n\n" + Untrusted.markdown(problem, platform)
                + ".\n\nUntil it is fixed (on the default branch), qa-bridge uses the bridge's own settings for this repository. "
                + "The file's reference is in qa-bridge's README (\"Repository settings file\").\n");
    }

    /**
     * Who asked: a login gets an @mention; an automatic run's requester ("the Preview deployment")
     * contains a space, which no GitHub or GitLab login does, and is written as it is.
     */
    static String who(String requester) {
        return requester != null && requester.contains(" ") ? Untrusted.markdown(requester, Platform.GITLAB) : "@" + requester;
    }

    /** A labelled link whose URL cannot break out of the link syntax (it is an http(s) URL, checked, with brackets encoded). */
    static String link(String label, String url) {
        if (!CommandParser.isHttpUrl(url)) {
            return label + " (none)";
        }
        String safe = url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E").replace("[", "%5B")
                .replace("]", "%5D").replace("`", "%60").replace(" ", "%20").replace("\"", "%22").replace("'", "%27");
        return "[" + label + "](" + safe + ")";
    }

    /** The host being tested, shown plainly. */
    static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return Untrusted.inlineCode(host == null ? url : host);
        } catch (IllegalArgumentException e) {
            return Untrusted.inlineCode(url);
        }
    }

    static String quote(String instructions, Platform p) {
        String s = instructions == null || instructions.isBlank() ? "(no instructions)" : instructions.strip();
        // redacted before it is cut: a cut through a secret would leave a piece that no rule recognises
        return Untrusted.quoteBlock(Strings.clip(Redaction.apply(s), 500), p);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    private static String minutes(Settings s) {
        double m = s.polling().timeout().toMillis() / 60_000.0;
        return m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m);
    }
}
