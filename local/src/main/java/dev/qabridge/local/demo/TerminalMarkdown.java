package dev.qabridge.local.demo;

import java.io.Console;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub-flavoured Markdown as a person reads it on a pull request, for a terminal: what the demo
 * shows of the bridge's comments. Headings and bold are bold, lists get bullets, block quotes a bar,
 * links read "text (url)", tables are aligned, {@code <details>} shows only its summary (folded, as on
 * GitHub), HTML comments (the bridge's marker) disappear. With colour (a terminal, {@code NO_COLOR}
 * unset, {@code TERM} not dumb) bold, italics, code and dim parts use ANSI codes; without, the text
 * alone, with no Markdown syntax left in it.
 *
 * <p>Not a full CommonMark parser: it covers what the bridge and an agent's answer use (no reference
 * links, no setext headings, no HTML beyond {@code <details>}, {@code <summary>} and {@code <br>}).
 */
final class TerminalMarkdown {
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String NORMAL = "\u001b[22m";
    private static final String ITALIC = "\u001b[3m";
    private static final String NO_ITALIC = "\u001b[23m";
    private static final String STRIKE = "\u001b[9m";
    private static final String NO_STRIKE = "\u001b[29m";
    private static final String CYAN = "\u001b[36m";
    private static final String DEFAULT_COLOUR = "\u001b[39m";

    private static final Pattern COMMENT_LINE = Pattern.compile("(?m)^[ \\t]*<!--(?s:.*?)-->[ \\t]*(\\r?\\n|$)");
    private static final Pattern COMMENT = Pattern.compile("(?s)<!--.*?-->");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(\\s+#+)?\\s*$");
    private static final Pattern RULE = Pattern.compile("^ {0,3}([-*_])(\\s*\\1){2,}\\s*$");
    private static final Pattern QUOTE = Pattern.compile("^ {0,3}>\\s?(.*)$");
    private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+(\\[( |x|X)]\\s+)?(.*)$");
    private static final Pattern NUMBERED = Pattern.compile("^(\\s*)(\\d{1,9})[.)]\\s+(.*)$");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern DETAILS_OPEN = Pattern.compile("^\\s*<details(\\s+open)?\\s*>\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DETAILS_CLOSE = Pattern.compile("</details\\s*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern SUMMARY = Pattern.compile("<summary>(.*?)</summary>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TABLE_SEPARATOR = Pattern.compile("^\\s*\\|?\\s*:?-+:?\\s*(\\|\\s*:?-+:?\\s*)*\\|?\\s*$");

    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern ESCAPE = Pattern.compile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|~<>])");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern AUTOLINK = Pattern.compile("<((?:https?|mailto):[^>\\s]+)>");
    private static final Pattern STRONG = Pattern.compile("(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1");
    private static final Pattern EMPHASIS = Pattern.compile("(?<![\\w*])\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*(?!\\*)|(?<![\\w_])_(?=\\S)(.+?)(?<=\\S)_(?!\\w)");
    private static final Pattern STRIKETHROUGH = Pattern.compile("~~(?=\\S)(.+?)(?<=\\S)~~");
    private static final Pattern BREAK = Pattern.compile("<br\\s*/?>", Pattern.CASE_INSENSITIVE);
    private static final Pattern PLACEHOLDER = Pattern.compile("\u0000(\\d+)\u0000");

    private final boolean colour;

    TerminalMarkdown(boolean colour) {
        this.colour = colour;
    }

    /** Colour when standard output is a terminal, {@code NO_COLOR} is unset or empty and {@code TERM} is not dumb. */
    static TerminalMarkdown forStdout(Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return new TerminalMarkdown(isTerminal() && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM")));
    }

    /** True when stdin and stdout are a terminal (System.console(), and on JDK 22+ Console.isTerminal(), which says so). */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException beforeJdk22) {
            return true; // before JDK 22, System.console() is null unless both are a terminal
        }
    }

    boolean colour() {
        return colour;
    }

    /** The rendered text, lines separated by {@code \n}, without a trailing newline or leading blank lines. */
    String render(String markdown) {
        String text = markdown == null ? "" : markdown.replace("\r\n", "\n");
        text = COMMENT.matcher(COMMENT_LINE.matcher(text).replaceAll("")).replaceAll("");
        List<String> in = List.of(text.split("\n", -1));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String line = in.get(i);
            Matcher m;
            if (FENCE.matcher(line).find()) {
                String fence = line.strip().substring(0, 3);
                for (i++; i < in.size() && !in.get(i).strip().startsWith(fence); i++) {
                    out.add(style("    " + in.get(i), DIM, NORMAL));
                }
            } else if ((m = DETAILS_OPEN.matcher(line)).matches()) {
                i = details(in, i, m.group(1) != null, m.group(2), out);
            } else if ((m = HEADING.matcher(line)).matches()) {
                out.add(style(inline(m.group(2)), BOLD, NORMAL));
            } else if (RULE.matcher(line).matches()) {
                out.add(style("─".repeat(40), DIM, NORMAL));
            } else if (QUOTE.matcher(line).matches()) {
                List<String> quoted = new ArrayList<>();
                for (; i < in.size() && (m = QUOTE.matcher(in.get(i))).matches(); i++) {
                    quoted.add(m.group(1));
                }
                i--;
                for (String q : render(String.join("\n", quoted)).split("\n", -1)) {
                    out.add(style("│", DIM, NORMAL) + (q.isEmpty() ? "" : " " + q));
                }
            } else if (line.strip().startsWith("|") && i + 1 < in.size() && TABLE_SEPARATOR.matcher(in.get(i + 1)).matches()) {
                List<List<String>> rows = new ArrayList<>();
                rows.add(cells(line));
                for (i += 2; i < in.size() && in.get(i).strip().startsWith("|"); i++) {
                    rows.add(cells(in.get(i)));
                }
                i--;
                table(rows, out);
            } else if ((m = BULLET.matcher(line)).matches()) {
                String box = m.group(3) == null ? "•" : m.group(3).isBlank() ? "☐" : "☑";
                out.add(m.group(1) + box + " " + inline(m.group(4)));
            } else if ((m = NUMBERED.matcher(line)).matches()) {
                out.add(m.group(1) + m.group(2) + ". " + inline(m.group(3)));
            } else {
                out.add(inline(line.strip()));
            }
        }
        List<String> lines = new ArrayList<>();
        for (String l : String.join("\n", out).split("\n", -1)) {
            lines.add(l.stripTrailing());
        }
        while (!lines.isEmpty() && lines.get(0).isBlank()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return String.join("\n", lines);
    }

    /** A {@code <details>} block: its summary with ▸ and the folded line count, or (open) ▾ and its body indented. */
    private int details(List<String> in, int start, boolean open, String rest, List<String> out) {
        StringBuilder block = new StringBuilder(rest).append('\n');
        int depth = 1;
        int i = start + 1;
        for (; i < in.size(); i++) {
            String line = in.get(i);
            depth += DETAILS_OPEN.matcher(line).matches() ? 1 : 0;
            Matcher close = DETAILS_CLOSE.matcher(line);
            if (close.find() && --depth == 0) {
                block.append(line, 0, close.start());
                break;
            }
            block.append(line).append('\n');
        }
        String body = block.toString();
        Matcher summary = SUMMARY.matcher(body);
        String title = "Details";
        if (summary.find()) {
            title = summary.group(1).strip();
            body = body.substring(0, summary.start()) + body.substring(summary.end());
        }
        String rendered = render(body);
        long lines = rendered.isEmpty() ? 0 : rendered.split("\n", -1).length;
        if (open) {
            out.add("▾ " + style(inline(title), BOLD, NORMAL));
            for (String l : rendered.split("\n", -1)) {
                out.add("  " + l);
            }
        } else {
            out.add("▸ " + style(inline(title), BOLD, NORMAL) + " " + style("(folded: " + lines + (lines == 1 ? " line)" : " lines)"), DIM, NORMAL));
        }
        return i;
    }

    private static List<String> cells(String row) {
        String r = row.strip();
        r = r.startsWith("|") ? r.substring(1) : r;
        r = r.endsWith("|") && !r.endsWith("\\|") ? r.substring(0, r.length() - 1) : r;
        List<String> cells = new ArrayList<>();
        for (String c : r.split("(?<!\\\\)\\|", -1)) {
            cells.add(c.strip().replace("\\|", "|"));
        }
        return cells;
    }

    /** Columns aligned (on code points: wide characters may shift a column), the header bold and ruled. */
    private void table(List<List<String>> rows, List<String> out) {
        TerminalMarkdown plain = new TerminalMarkdown(false);
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                String cell = plain.inline(row.get(c));
                widths[c] = Math.max(widths[c], cell.codePointCount(0, cell.length()));
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = c < rows.get(r).size() ? rows.get(r).get(c) : "";
                String text = plain.inline(cell);
                line.append(r == 0 ? style(inline(cell), BOLD, NORMAL) : inline(cell));
                if (c < columns - 1) {
                    line.append(" ".repeat(widths[c] - text.codePointCount(0, text.length()) + 2));
                }
            }
            out.add(line.toString());
            if (r == 0) {
                out.add(style("─".repeat(java.util.Arrays.stream(widths).sum() + 2 * (columns - 1)), DIM, NORMAL));
            }
        }
    }

    /** Code spans, escapes, images, links, autolinks, bold, italics, strikethrough and {@code <br>} within one line. */
    String inline(String text) {
        List<String> kept = new ArrayList<>();
        String s = replace(CODE_SPAN, text, m -> keep(kept, style(m.group(2).strip(), CYAN, DEFAULT_COLOUR)));
        s = replace(ESCAPE, s, m -> keep(kept, m.group(1)));
        s = replace(IMAGE, s, m -> keep(kept, (m.group(1).isBlank() ? "image" : m.group(1)) + " (" + m.group(2) + ")"));
        s = replace(LINK, s, m -> m.group(1).equals(m.group(2)) ? keep(kept, m.group(2)) : m.group(1) + " (" + keep(kept, m.group(2)) + ")");
        s = replace(AUTOLINK, s, m -> keep(kept, m.group(1)));
        s = replace(STRONG, s, m -> style(m.group(2), BOLD, NORMAL));
        s = replace(EMPHASIS, s, m -> style(m.group(1) != null ? m.group(1) : m.group(2), ITALIC, NO_ITALIC));
        s = replace(STRIKETHROUGH, s, m -> colour ? STRIKE + m.group(1) + NO_STRIKE : m.group());
        s = BREAK.matcher(s).replaceAll("\n");
        for (int round = 0; round < 3 && PLACEHOLDER.matcher(s).find(); round++) {
            s = replace(PLACEHOLDER, s, m -> kept.get(Integer.parseInt(m.group(1))));
        }
        return s;
    }

    private static String keep(List<String> kept, String text) {
        kept.add(text);
        return "\u0000" + (kept.size() - 1) + "\u0000";
    }

    private static String replace(Pattern p, String s, java.util.function.Function<java.util.regex.MatchResult, String> f) {
        return p.matcher(s).replaceAll(m -> Matcher.quoteReplacement(f.apply(m)));
    }

    private String style(String text, String on, String off) {
        return colour && !text.isEmpty() ? on + text + off : text;
    }
}
