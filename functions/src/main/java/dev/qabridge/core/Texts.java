package dev.qabridge.core;

import java.util.Optional;

/** Every text the bridge writes on a pull request or merge request, in Markdown. */
public final class Texts {

    /** Starts every comment the bridge writes, so it recognises (and ignores) its own comments. */
    public static final String MARKER = "<!-- qa-bridge -->";

    private Texts() {}

    /**
     * A second hidden line naming the run and the comment's role ("status", "reply", "answer"), so a
     * retried post can find the comment an earlier attempt made (see {@link ReviewThread#findMarked}).
     */
    public static String runMarker(String runId, String role) {
        return "<!-- qa-bridge run=" + runId + " " + role + " -->";
    }

    private static String head(String runId, String role) {
        return MARKER + "\n" + runMarker(runId, role) + "\n";
    }

    public static String help(String runId, Settings s, String platform) {
        String w = s.command();
        boolean gitlab = platform.equals("gitlab");
        String who = gitlab
                ? "members with access level ≥ " + s.gitlabMinAccessLevel()
                : String.join(", ", s.allowedAssociations().stream().sorted().toList());
        return head(runId, "answer")
                + "### 🤖 qa-bridge: QA.tech's agent on this " + (gitlab ? "merge request" : "pull request") + "\n\n"
                + "| command | what it does |\n|---|---|\n"
                + "| `" + w + " <what to test>` | runs QA.tech's agent against this " + (gitlab ? "MR" : "PR")
                + "'s preview deployment |\n"
                + "| `" + w + " <what to test> --url https://…` | tests that URL instead |\n"
                + "| `" + w + " help` | shows this message |\n\n"
                + "Example: `" + w + " check that the cart total updates when an item is removed`\n\n"
                + "**Settings in force**\n"
                + "- who may run it: " + who + "\n"
                + "- preview URL: `--url`, else the newest successful deployment of the head commit"
                + s.previewUrlTemplate().map(t -> ", else `" + t + "`").orElse("") + "\n"
                + "- looks at the conversation every " + s.pollSeconds() + " s, gives up after " + minutes(s) + " min\n"
                + "- this repository can change these in `" + (gitlab ? ".gitlab" : ".github")
                + "/qa-bridge.yml` on its default branch\n";
    }

    public static String invalid(String runId, String problem, Settings s) {
        return head(runId, "answer") + "### 🤖 qa-bridge: I did not understand that\n\n" + problem
                + ". Try `" + s.command() + " help`.\n";
    }

    public static String noPreview(Settings s, PullRequest pr, String platform) {
        String deployment = platform.equals("gitlab")
                ? "a successful deployment of the head commit or the source branch to an environment "
                        + "with a URL (`environment: url:` in `.gitlab-ci.yml`);\n"
                : "a successful deployment of the head commit with an environment URL (Vercel, Netlify and most CI "
                        + "deploy actions report one);\n";
        return "I could not find a preview deployment for `" + Strings.shortSha(pr.headSha()) + "`. Give me one of:\n"
                + "1. a URL in the command: `" + s.command() + " <what to test> --url https://your-preview.example.com`;\n"
                + "2. " + deployment
                + "3. a `PREVIEW_URL_TEMPLATE` setting on the bridge, e.g. `https://pr-{number}.preview.example.com` "
                + "(placeholders `{number}` `{branch}` `{sha}` `{repo}`).\n\n"
                + "No QA.tech conversation was started.";
    }

    /** The status comment, written once the conversation has started and edited with the final reply. */
    public static String started(RunRecord run, Preview.Source source) {
        return head(run.runId(), "status")
                + "### ⏳ QA.tech is testing this preview\n\n"
                + quote(run.ask().instructions()) + "\n\n"
                + "- 🌐 preview: " + run.previewUrl() + " (" + source.words() + ")\n"
                + "- 🔗 conversation: " + run.conversation().url() + "\n"
                + "- 🙋 asked by " + who(run.ask().requester()) + "\n\n"
                + "This comment will be updated with the agent's answer.\n";
    }

    /** What the final reply is about, beyond the outcome: the run, and what was tested where (empty when it never started). */
    public record Facts(String runId, Ask ask, Optional<String> chatUrl, Optional<String> previewUrl) {}

    /**
     * The final reply. The agent's text is the only part that may be shortened: the conversation link,
     * the preview URL and who asked always survive, so the whole answer stays one click away.
     */
    public static String reply(Outcome outcome, Facts run, Optional<String> agentText, Optional<String> problem, int limit) {
        String head = head(run.runId(), "reply") + "### " + outcome.icon() + " " + outcome.headline() + "\n\n"
                + quote(run.ask().instructions()) + "\n\n";
        StringBuilder footer = new StringBuilder("\n\n---\n");
        run.chatUrl().filter(u -> !u.isBlank()).ifPresent(u -> footer.append("- 🔗 Conversation: ").append(u).append("\n"));
        run.previewUrl().filter(u -> !u.isBlank()).ifPresent(u -> footer.append("- 🌐 Preview: ").append(u).append("\n"));
        footer.append("- 🙋 Asked by ").append(who(run.ask().requester())).append("\n");
        StringBuilder body = new StringBuilder();
        problem.ifPresent(p -> body.append(p).append("\n\n"));
        agentText.filter(t -> !t.isBlank()).ifPresent(body::append);
        if (outcome == Outcome.TIMED_OUT && problem.isEmpty()) {
            body.append("The agent had not finished within the bridge's timeout. It may still be working: follow the conversation link.");
        }
        String text = body.toString().strip();
        if (text.isEmpty()) {
            text = "_The agent sent no text._";
        }
        return head + fit(text, limit - head.length() - footer.length(), run.chatUrl().orElse("")) + footer;
    }

    public static String superseded(String why) {
        return MARKER + "\n### ⏹️ Superseded\n\n" + why + "\n";
    }

    /** The status comment of an automatic run that a newer deployment of the same PR replaced. */
    public static String superseded(RunRecord old, String newChatUrl) {
        return superseded("A newer deployment of this " + old.origin().noun()
                + " started a new run, so this one was stopped: " + newChatUrl + "\n\n" + quote(old.ask().instructions())
                + "\n\n- preview: " + old.previewUrl() + "\n- conversation (stopped following): " + old.conversation().url());
    }

    /** One comment when a repository's settings file cannot be used. */
    public static String badSettings(String path, String problem) {
        return MARKER + "\n### ⚠️ qa-bridge: `" + path + "` is not valid\n\n" + problem + ".\n\n"
                + "Until it is fixed (on the default branch), qa-bridge uses the bridge's own settings for this repository. "
                + "The file's reference is in qa-bridge's README (\"Repository settings file\").\n";
    }

    /**
     * Who asked: a login gets an @mention; an automatic run's requester ("the Preview deployment")
     * contains a space, which no GitHub or GitLab login does, and is written as it is.
     */
    static String who(String requester) {
        return requester != null && requester.contains(" ") ? requester : "@" + requester;
    }

    /** Shortens {@code text} to at most {@code room} UTF-16 units without splitting a character. */
    static String fit(String text, int room, String link) {
        if (text.length() <= room) {
            return text;
        }
        String note = "\n\n… _(shortened: the full answer is in the conversation: " + link + ")_";
        int keep = Math.max(0, room - note.length());
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--;
        }
        return text.substring(0, keep) + note;
    }

    static String quote(String instructions) {
        String s = instructions == null || instructions.isBlank() ? "(no instructions)" : instructions.strip();
        if (s.length() > 500) {
            s = s.substring(0, Character.isHighSurrogate(s.charAt(499)) ? 499 : 500) + "…";
        }
        return "> " + s.replace("\n", "\n> ");
    }

    private static String minutes(Settings s) {
        double m = s.timeout().toMillis() / 60_000.0;
        return m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m);
    }
}
