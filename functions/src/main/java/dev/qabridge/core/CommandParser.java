package dev.qabridge.core;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the command in a comment. Only the first line counts, and it must start with the command
 * word followed by a space or its end: with {@code /qa}, {@code /qatech} is not a command.
 */
public final class CommandParser {
    /** {@code followup <text>} or {@code ask <text>}: the rest (first line and the lines after) is the follow-up. */
    private static final Pattern FOLLOW_UP = Pattern.compile("(?is)^(followup|follow-up|ask)(?:\\s+(.*)|)$");
    /** {@code plan}, then optionally a plan id (and {@code --url}): a test plan run. */
    /** {@code review}, then optionally what to focus on. */
    private static final Pattern REVIEW = Pattern.compile("(?is)^review(?:\\s+(.*)|)$");
    private static final Pattern PLAN = Pattern.compile("(?is)^plan(?:\\s+(.*)|)$");
    private static final Pattern URL_FLAG = Pattern.compile("(?:^|(?<=[\\s(\\[]))--url(?:=|\\s+)(\\S+)");

    /** Longest command text (first line and the lines after it) that becomes the agent's instructions. */
    public static final int MAX_INSTRUCTIONS = 8_000;

    /** What the agent is asked when the command gives only a URL. */
    public static final String DEFAULT_INSTRUCTIONS = "Explore this preview and check that its main user flows work.";

    private final String word;

    public CommandParser(String word) {
        this.word = word;
    }

    public Optional<Command> parse(String comment) {
        if (comment == null) {
            return Optional.empty();
        }
        String text = comment.strip();
        int eol = text.indexOf('\n');
        String first = (eol < 0 ? text : text.substring(0, eol)).strip();
        String rest = eol < 0 ? "" : text.substring(eol + 1).strip();
        if (!first.startsWith(word)) {
            return Optional.empty();
        }
        String after = first.substring(word.length());
        if (!after.isEmpty() && !Character.isWhitespace(after.charAt(0))) {
            return Optional.empty();
        }
        String args = (after.strip() + (rest.isEmpty() ? "" : "\n" + rest)).strip();
        String lower = args.toLowerCase(Locale.ROOT);
        if (args.isEmpty() || lower.equals("help")) {
            return Optional.of(new Command.Help());
        }
        if (lower.equals("cancel")) {
            return Optional.of(new Command.Cancel());
        }
        if (lower.equals("status")) {
            return Optional.of(new Command.Status());
        }
        if (lower.equals("rerun-failed")) {
            return Optional.of(new Command.RerunFailed());
        }
        int length = args.codePointCount(0, args.length());   // characters as people (and GitHub) count them, not UTF-16 units
        if (length > MAX_INSTRUCTIONS) {
            return Optional.of(new Command.Invalid(String.format(Locale.ROOT, "the command is %,d characters long; the limit is %,d. "
                    + "Shorten it: ask for the main check first, then add details with a follow-up (`/qa followup …`) once it has replied", length, MAX_INSTRUCTIONS)));
        }
        Matcher followUp = FOLLOW_UP.matcher(args);
        if (followUp.matches()) {
            String question = followUp.group(2) == null ? "" : followUp.group(2).strip();
            return Optional.of(question.isEmpty()
                    ? new Command.Invalid("`" + word + " " + followUp.group(1).toLowerCase(Locale.ROOT)
                            + "` needs a question or an instruction for the agent, e.g. `" + word + " followup now try it logged out`")
                    : new Command.FollowUp(question));
        }
        Matcher review = REVIEW.matcher(args);
        if (review.matches()) {
            return Optional.of(new Command.Review(Optional.ofNullable(review.group(1)).map(String::strip).filter(f -> !f.isEmpty())));
        }
        Matcher plan = PLAN.matcher(args);
        if (plan.matches()) {
            return Optional.of(plan(plan.group(1) == null ? "" : plan.group(1).strip()));
        }
        WithUrl given = withUrl(args);
        if (given.problem().isPresent()) {
            return Optional.of(new Command.Invalid(given.problem().get()));
        }
        return Optional.of(new Command.Run(given.rest().isEmpty() ? DEFAULT_INSTRUCTIONS : given.rest(), given.url()));
    }

    /** The text with its {@code --url} taken out, the URL, or why it cannot be the agent's target. */
    private record WithUrl(String rest, Optional<String> url, Optional<String> problem) {}

    private static WithUrl withUrl(String args) {
        Matcher m = URL_FLAG.matcher(args);
        if (!m.find()) {
            return new WithUrl(args, Optional.empty(), Optional.empty());
        }
        String candidate = urlIn(m);
        Optional<String> problem = urlProblem(candidate);
        String rest = (args.substring(0, m.start()) + " " + args.substring(m.end()))
                .replaceAll("[(\\[]\\s*[)\\]]", "").replaceAll("[ \t]{2,}", " ").strip();
        return new WithUrl(rest, problem.isPresent() ? Optional.empty() : Optional.of(candidate), problem);
    }

    /** {@code plan [<pln_…>] [--url <preview>]}: at most one plan id beside the URL. */
    private Command plan(String args) {
        WithUrl given = withUrl(args);
        if (given.problem().isPresent()) {
            return new Command.Invalid(given.problem().get());
        }
        Optional<String> url = given.url();
        String[] words = given.rest().isEmpty() ? new String[0] : given.rest().split("\\s+");
        if (words.length > 1) {
            return new Command.Invalid("`" + word + " plan` takes one test plan id (`" + word + " plan pln_…`), got " + words.length
                    + " words. To ask the agent something, use `" + word + " <what to test>`");
        }
        if (words.length == 1 && !QaTechIds.isTestPlan(words[0])) {
            return new Command.Invalid("`" + Strings.clip(words[0], 60) + "` is not a QA.tech test plan id (" + QaTechIds.TEST_PLAN_FORM
                    + "): copy it from the plan's page in QA.tech");
        }
        return new Command.Plan(words.length == 1 ? Optional.of(words[0]) : Optional.empty(), url);
    }

    /** "see --url <https://x.dev>." : people wrap and punctuate links; the URL is what is inside. */
    private static String urlIn(Matcher m) {
        return m.group(1).replaceAll("^<", "").replaceAll("[.,;:!?)\\]>'\"]+$", "");
    }

    /** Why a {@code --url} cannot be the agent's target; empty when it can. */
    private static Optional<String> urlProblem(String candidate) {
        if (hasUserInfo(candidate)) {
            return Optional.of("the `--url` carries a user name or password (`user@host`): it would be shown "
                    + "in comments, and it hides which host is tested. Give the plain preview URL");
        }
        if (!isHttpUrl(candidate)) {
            return Optional.of("the `--url` is not an http(s) URL");
        }
        return UrlPolicy.whyNotPublic(candidate).map(notPublic -> "the `--url` does not point at the public internet: " + notPublic
                + ". QA.tech's agent runs on QA.tech's machines: give a preview URL anyone on the internet can open");
    }

    /** True when the URL names a user (and maybe a password) before its host: never accepted as a preview. */
    public static boolean hasUserInfo(String candidate) {
        try {
            return new URI(candidate).getRawUserInfo() != null;
        } catch (Exception e) {
            return candidate.contains("@");
        }
    }

    /**
     * True for absolute http and https URLs with a host and no user info: nothing else may become the
     * agent's target ({@code https://preview.example.com@evil.example/} looks like the preview and is not).
     */
    public static boolean isHttpUrl(String candidate) {
        if (candidate == null) {
            return false;
        }
        try {
            URI uri = new URI(candidate);
            String scheme = uri.getScheme();
            // getHost() is null for hosts with '_' (seen on some preview hosts); the authority still names one
            String host = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority();
            return scheme != null
                    && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getRawUserInfo() == null
                    && host != null && !host.isBlank() && !host.contains("@");
        } catch (Exception e) {
            return false;
        }
    }
}
