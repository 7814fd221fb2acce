package dev.qabridge.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verdict protocol: the bridge ends every instruction with {@link #REQUEST}, and reads the agent's
 * answer back with {@link #parse}. A verdict line holds the verdict alone; Markdown around it (emphasis,
 * code, a heading, list or quote marker) and a trailing period or emoji are allowed, because agents add
 * them. The last verdict line outside fenced code wins, so an agent that corrects itself is read as it
 * ended. Anything else after "Verdict:" ("UNCLEAR", "PASS/FAIL", "PASS with caveats") is no verdict.
 */
public final class Verdict {

    /** What the bridge asks for, appended to every instruction it sends. */
    public static final String REQUEST = "When you are done, end your answer with one line that says only `Verdict: PASS` "
            + "if everything you were asked to check works, or only `Verdict: FAIL` if anything you were asked to "
            + "check does not work. Write nothing after that line.";

    public enum Kind { PASS, FAIL, NONE }

    /** The verdict, and the answer to show: without its verdict line and trailing blank lines (unchanged when NONE). */
    public record Parsed(Kind kind, String text) {}

    /**
     * Emphasis, code, quotes, spaces and emoji (symbols, their modifiers, variation selectors, joiners);
     * not {@code ~~}, which strikes a verdict out.
     */
    private static final String DECORATION = "[\\s*_`\"'“”‘’\\p{So}\\p{Sk}\\p{Mn}\\p{Cf}]";

    // Possessive quantifiers over single classes only: a long line is read once, and no group repeats
    // (Java's regex recurses once per repetition of a group).
    private static final Pattern LINE = Pattern.compile(
            "[\\s>]*+(?:#{1,6}\\s++)?(?:(?:[-+]|\\d{1,9}[.)])\\s++)?" + DECORATION + "*+"
                    + "verdict" + DECORATION + "*+:" + DECORATION + "*+(pass|fail)(?![\\p{L}\\p{N}])"
                    + "[.!" + DECORATION.substring(1) + "*+",
            Pattern.CASE_INSENSITIVE);

    /** An emoji shortcode such as {@code :white_check_mark:}, read as decoration. */
    private static final Pattern SHORTCODE = Pattern.compile("(?<![^\\s*_`]):[a-z0-9_+-]++:(?![^\\s*_`.!])");

    private Verdict() {}

    public static Parsed parse(String answer) {
        if (answer == null) {
            return new Parsed(Kind.NONE, "");
        }
        Kind kind = Kind.NONE;
        int lineStart = -1;
        int lineEnd = -1;
        char fence = 0;
        int fenceLength = 0;
        for (int start = 0; start < answer.length(); ) {
            int newline = answer.indexOf('\n', start);
            int end = newline < 0 ? answer.length() : newline + 1;
            String line = answer.substring(start, newline < 0 ? end : newline);
            // fences count after indentation and quote markers, so a quoted code block hides its lines too
            int at = 0;
            while (at < line.length() && (Character.isWhitespace(line.charAt(at)) || line.charAt(at) == '>')) {
                at++;
            }
            char mark = at < line.length() ? line.charAt(at) : 0;
            int run = mark == '`' || mark == '~' ? runLength(line, at, mark) : 0;
            if (fence != 0) {
                if (mark == fence && run >= fenceLength && line.substring(at + run).isBlank()) {
                    fence = 0;
                }
            } else if (run >= 3 && !(mark == '`' && line.indexOf('`', at + run) >= 0)) {
                fence = mark;
                fenceLength = run;
            } else if (line.toLowerCase(Locale.ROOT).contains("verdict")) {
                Matcher m = LINE.matcher(SHORTCODE.matcher(line).replaceAll(""));
                if (m.matches()) {
                    kind = m.group(1).equalsIgnoreCase("pass") ? Kind.PASS : Kind.FAIL;
                    lineStart = start;
                    lineEnd = end;
                }
            }
            start = end;
        }
        if (kind == Kind.NONE) {
            return new Parsed(Kind.NONE, answer);
        }
        return new Parsed(kind, (answer.substring(0, lineStart) + answer.substring(lineEnd)).stripTrailing());
    }

    private static int runLength(String s, int from, char c) {
        int i = from;
        while (i < s.length() && s.charAt(i) == c) {
            i++;
        }
        return i - from;
    }
}
