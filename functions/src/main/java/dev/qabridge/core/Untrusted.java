package dev.qabridge.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes text the bridge did not write (the agent's answer, QA.tech's errors, echoed commands and URLs,
 * settings-file excerpts) safe to put in a comment: it reads as written, but notifies nobody, runs no
 * GitLab quick action, renders no HTML, hides nothing and cannot break out of the bridge's comment.
 *
 * <p>One invisible character does most of the work: a zero-width space (U+200B) goes right after every
 * {@code @} (both platforms need a letter, digit or {@code _} there for a mention, including teams and
 * GitLab's {@code @all}), before a {@code /command} or GitLab {@code >>>} that starts a line, and in
 * place of a removed HTML comment, so what stood around it cannot join into a comment, fence or command.
 * An {@code @} right after an ASCII letter or digit is left alone: {@code user@example.com} is a mention
 * on neither platform. Outside code, {@code <} becomes {@code &lt;} and a numeric character reference
 * (or {@code &commat;}) gets its {@code &} escaped, since one could spell an {@code @}; named references
 * such as {@code &lt;} stay, so sanitizing twice changes nothing. Inside a code span, where an entity
 * would show, a zero-width space goes after a {@code <} that could open a tag instead.
 *
 * <p>Safety does not rest on finding code exactly where GitHub or GitLab would: what a code span gets
 * is also safe as text, and what text gets is also safe in code, only less pretty there (a visible
 * {@code &lt;}). Fenced code blocks are rewritten to start in column 0, so the renderer sees exactly the
 * fences counted here, and one left open is closed at the end. A fence after a list or quote marker is
 * left to the renderer: it ends with its list item or quote, at the bridge's next unindented line.
 */
public final class Untrusted {

    static final char ZWSP = '\u200B';

    private Untrusted() {}

    /**
     * Markdown to embed in a comment. A {@code /command} starting a line is defused on both platforms
     * (harmless on GitHub, where it also stops line-anchored command bots), in fenced code only on GitLab,
     * whose quick-action parser skips some fences but not others: GitHub's code blocks stay copyable.
     */
    public static String markdown(String text, Platform platform) {
        String[] lines = normalize(text).split("\n", -1);
        List<String> out = new ArrayList<>(lines.length);
        List<String> run = new ArrayList<>();
        Fence open = null;
        for (String line : lines) {
            if (open != null) {
                if (open.closedBy(line)) {
                    out.add(open.marker());
                    open = null;
                } else {
                    out.add(fencedLine(open.dedent(line), platform));
                }
                continue;
            }
            Fence fence = Fence.opening(line);
            if (fence == null) {
                run.add(line);
                continue;
            }
            flush(run, platform, out);
            out.add(fence.marker() + codeSpanText(fence.info(), platform));
            open = fence;
        }
        flush(run, platform, out);
        if (open != null) {
            out.add(open.marker());
        }
        return String.join("\n", out);
    }

    /**
     * An inline code span holding {@code text} on one line: its fence is one backtick longer than any run
     * inside, padded with spaces where CommonMark would otherwise read a backtick or strip a space.
     */
    public static String inlineCode(String text) {
        String s = normalize(text).replace('\n', ' ');
        if (s.isEmpty()) {
            return "";
        }
        String content = codeSpanText(s, Platform.GITHUB); // one line: no line start for the platform to matter
        int longest = 0;
        for (int i = 0; i < content.length(); ) {
            int end = runEnd(content, i, '`');
            longest = Math.max(longest, end - i);
            i = Math.max(end, i + 1);
        }
        String fence = "`".repeat(longest + 1);
        char first = content.charAt(0);
        char last = content.charAt(content.length() - 1);
        String pad = first == '`' || last == '`' || first == ' ' || last == ' ' ? " " : "";
        return fence + pad + content + pad + fence;
    }

    /**
     * {@link #markdown} with every line quoted, so a heading inside (say "### ✅ Approved") shows as part
     * of the quote, never as one of the bridge's own. Follow it with a blank line.
     */
    public static String quoteBlock(String text, Platform platform) {
        String[] lines = markdown(text, platform).stripTrailing().split("\n", -1);
        int first = 0;
        while (first < lines.length - 1 && lines[first].isBlank()) {
            first++;
        }
        StringBuilder out = new StringBuilder();
        for (int i = first; i < lines.length; i++) {
            out.append(i > first ? "\n" : "").append(lines[i].isEmpty() ? ">" : "> " + lines[i]);
        }
        return out.toString();
    }

    /** Null as empty, one kind of line break, and no NUL or lone surrogate (each becomes U+FFFD). */
    static String normalize(String text) {
        if (text == null) {
            return "";
        }
        String s = text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c == '\0'
                    || Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            if (bad && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Text lines between fences, paragraph by paragraph: a code span never crosses a blank line. */
    private static void flush(List<String> run, Platform platform, List<String> out) {
        StringBuilder paragraph = new StringBuilder();
        for (String line : run) {
            if (line.isBlank()) {
                if (!paragraph.isEmpty()) {
                    out.add(new Inline(paragraph.toString(), platform).render());
                    paragraph.setLength(0);
                }
                out.add(line);
            } else {
                paragraph.append(paragraph.isEmpty() ? "" : "\n").append(line);
            }
        }
        if (!paragraph.isEmpty()) {
            out.add(new Inline(paragraph.toString(), platform).render());
        }
        run.clear();
    }

    /**
     * A fenced code line: GitHub shows it as it is; GitLab's quick-action parser does not skip every
     * kind of fence, so its commands get the zero-width space. Either way no {@code <!--} survives.
     */
    private static String fencedLine(String line, Platform platform) {
        StringBuilder out = new StringBuilder(line.length() + 2);
        int i = platform == Platform.GITLAB ? lineStart(line, 0, out, platform) : 0;
        out.append(line.substring(i).replace("<!--", "<" + ZWSP + "!--"));
        return out.toString();
    }

    /** Code span content, made safe even where a renderer would read it as text. */
    private static String codeSpanText(String s, Platform platform) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        boolean lineStart = false;
        for (int i = 0; i < s.length(); ) {
            if (lineStart) {
                i = lineStart(s, i, out, platform);
                if (i == s.length()) {
                    break;
                }
            }
            char c = s.charAt(i++);
            lineStart = c == '\n';
            out.append(c);
            char next = i < s.length() ? s.charAt(i) : ' ';
            if (c == '<' && (isAsciiLetter(next) || next == '/' || next == '!' || next == '?')
                    || c == '&' && (next == '#' || s.regionMatches(true, i, "commat;", 0, 7))) {
                out.append(ZWSP);
            } else if (c == '@') {
                mention(out, next);
            }
        }
        return out.toString();
    }

    /**
     * Copies a line's indentation and quote markers, defusing a {@code /command} (GitLab runs it from
     * column 0; it is defused after any indentation or {@code >} too) and, on GitLab, a {@code >>>} quote
     * fence. Returns where the rest of the line starts.
     */
    private static int lineStart(String s, int i, StringBuilder out, Platform platform) {
        int j = i;
        while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
            j++;
        }
        if (platform == Platform.GITLAB && s.startsWith(">>>", j)) {
            out.append(s, i, j).append(ZWSP);
            i = j;
        }
        while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == '>')) {
            j++;
        }
        if (j + 1 < s.length() && s.charAt(j) == '/' && isWordChar(s.charAt(j + 1))) {
            out.append(s, i, j).append(ZWSP);
            i = j;
        }
        return i;
    }

    /** Appends the zero-width space after an {@code @} just appended, unless it is part of an e-mail address. */
    private static void mention(StringBuilder out, char next) {
        boolean email = out.length() >= 2 && isAsciiAlphanumeric(out.charAt(out.length() - 2));
        if (!email && next != ZWSP) {
            out.append(ZWSP);
        }
    }

    private static int runEnd(String s, int i, char c) {
        while (i < s.length() && s.charAt(i) == c) {
            i++;
        }
        return i;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isAsciiAlphanumeric(char c) {
        return isAsciiLetter(c) || c >= '0' && c <= '9';
    }

    private static boolean isWordChar(char c) {
        return isAsciiAlphanumeric(c) || c == '_';
    }

    private static boolean isAsciiPunctuation(char c) {
        return c > ' ' && c < 0x7f && !isAsciiAlphanumeric(c);
    }

    /** One paragraph of text (no blank line inside), rendered safe, with its code spans found as CommonMark does. */
    private static final class Inline {
        private final String s;
        private final Platform platform;
        private final StringBuilder out;
        /** Start of every backtick run, by length: where a code span of that length can close. */
        private final Map<Integer, ArrayDeque<Integer>> runs = new HashMap<>();
        /** Whether a {@code -->} is still ahead: once one search fails, every later one would too. */
        private boolean commentCloserAhead = true;

        Inline(String paragraph, Platform platform) {
            this.s = paragraph;
            this.platform = platform;
            this.out = new StringBuilder(paragraph.length() + 16);
            for (int i = 0; i < s.length(); ) {
                int end = runEnd(s, i, '`');
                if (end > i) {
                    runs.computeIfAbsent(end - i, k -> new ArrayDeque<>()).add(i);
                }
                i = Math.max(end, i + 1);
            }
        }

        String render() {
            boolean lineStart = true;
            int i = 0;
            while (i < s.length()) {
                if (lineStart) {
                    i = lineStart(s, i, out, platform);
                    lineStart = false;
                    if (i == s.length()) {
                        break;
                    }
                }
                char c = s.charAt(i);
                switch (c) {
                    case '\n' -> {
                        out.append(c);
                        lineStart = true;
                        i++;
                    }
                    case '\\' -> i = escape(i);
                    case '`' -> i = backticks(i);
                    case '<' -> i = lessThan(i);
                    case '&' -> {
                        out.append(keepsAmpersand(i) ? "&" : "&amp;");
                        i++;
                    }
                    case '@' -> {
                        out.append(c);
                        i++;
                        mention(out, i < s.length() ? s.charAt(i) : ' ');
                    }
                    default -> {
                        out.append(c);
                        i++;
                    }
                }
            }
            return out.toString();
        }

        /**
         * A backslash escape already shows its character literally, so it stays; {@code \@} still gets the
         * space, and {@code \<} and {@code \&} become {@code &lt;} and {@code &amp;} (same look), so every
         * {@code <} and {@code &} left in text is one this class decided about.
         */
        private int escape(int i) {
            if (i + 1 < s.length() && isAsciiPunctuation(s.charAt(i + 1))) {
                char escaped = s.charAt(i + 1);
                out.append(escaped == '<' ? "&lt;" : escaped == '&' ? "&amp;" : "\\" + escaped);
                if (escaped == '@') {
                    mention(out, i + 2 < s.length() ? s.charAt(i + 2) : ' ');
                }
                return i + 2;
            }
            out.append('\\');
            return i + 1;
        }

        /** A code span when a run of the same length closes it in this paragraph; otherwise literal, escaped backticks. */
        private int backticks(int i) {
            int end = runEnd(s, i, '`');
            int length = end - i;
            // after an escaped backtick, a run starts mid-way through a raw one, so its length may have no entry
            ArrayDeque<Integer> closers = runs.getOrDefault(length, new ArrayDeque<>());
            while (!closers.isEmpty() && closers.peekFirst() < end) {
                closers.pollFirst();
            }
            if (closers.isEmpty()) {
                out.append("\\`".repeat(length));
                return end;
            }
            int close = closers.pollFirst();
            out.append(s, i, end).append(codeSpanText(s.substring(end, close), platform)).append(s, close, close + length);
            return close + length;
        }

        /** Removes an HTML comment (an unterminated one loses its opener only, the rest stays visible); escapes other HTML. */
        private int lessThan(int i) {
            if (!s.startsWith("<!--", i)) {
                out.append("&lt;");
                return i + 1;
            }
            out.append(ZWSP);
            int close = commentCloserAhead ? s.indexOf("-->", i + 2) : -1;
            commentCloserAhead = close >= 0;
            return close < 0 ? i + 4 : close + 3;
        }

        /** A named character reference stays; {@code &commat;} and numeric ones (which could spell an {@code @}) are escaped. */
        private boolean keepsAmpersand(int i) {
            int j = i + 1;
            while (j < s.length() && j - i <= 32 && isAsciiAlphanumeric(s.charAt(j))) {
                j++;
            }
            return j > i + 1 && isAsciiLetter(s.charAt(i + 1)) && j < s.length() && s.charAt(j) == ';'
                    && !s.regionMatches(true, i + 1, "commat;", 0, 7);
        }
    }

    /** A fenced code block's opening line, rewritten to column 0. */
    private record Fence(char mark, int length, int indent, String info) {

        /** The fence a line opens: at least three backticks (with no backtick after them) or tildes, after any indentation. */
        static Fence opening(String line) {
            int start = indentation(line);
            if (start == line.length() || line.charAt(start) != '`' && line.charAt(start) != '~') {
                return null;
            }
            char mark = line.charAt(start);
            int end = runEnd(line, start, mark);
            if (end - start < 3 || mark == '`' && line.indexOf('`', end) >= 0) {
                return null;
            }
            return new Fence(mark, end - start, start, line.substring(end));
        }

        /** Any indentation is accepted, a superset of CommonMark's, so every line the renderer closes on closes here too. */
        boolean closedBy(String line) {
            int start = indentation(line);
            int end = runEnd(line, start, mark);
            return end - start >= length && line.substring(end).isBlank();
        }

        String marker() {
            return String.valueOf(mark).repeat(length);
        }

        /** CommonMark removes the opening fence's indentation from each content line; so does this, as the fence moves to column 0. */
        String dedent(String line) {
            int i = 0;
            while (i < indent && i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            return line.substring(i);
        }

        private static int indentation(String line) {
            int i = 0;
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            return i;
        }
    }
}
