package dev.qabridge.local.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a comment the bridge wrote would do once GitHub or GitLab renders it, read with rules of this
 * test's own (not the sanitizer's): whom it would notify, which GitLab quick actions it would run,
 * which HTML it would render, which headings it shows. Written to over-report: an {@code @} after
 * emphasis, punctuation or a quote marker counts, and so does one spelled as a character reference.
 */
final class BotText {
    /**
     * A mention on either platform: {@code @} not preceded by an ASCII letter or digit (then it is an
     * e-mail address), followed by a character a login, group or team name may start with. Catches
     * {@code @user}, {@code @org/team}, {@code @all}, {@code (@x)}, {@code **@x**}, {@code _@x_}, {@code ,@x}
     * (a name may hold {@code _ . -} but not end in {@code . -}).
     */
    private static final String NAME = "[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?";
    private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9])@" + NAME + "(?:/" + NAME + ")*");
    /** A character reference that renders as {@code @}: {@code &#64;}, {@code &#x40;}, {@code &commat;}. */
    private static final Pattern AT_REFERENCE = Pattern.compile("&(?:#0*64|#[xX]0*40|commat);");
    /** A line GitLab could read as a quick action, even behind indentation or quote markers. */
    private static final Pattern QUICK_ACTION = Pattern.compile("^[\\s>]*/[A-Za-z_]");
    /** An HTML tag, comment, declaration or processing instruction a renderer would treat as HTML. */
    private static final Pattern HTML = Pattern.compile("<[A-Za-z/!?]");
    /** An ATX heading outside a quote. */
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}(?:\\s|$)");

    private BotText() {}

    /** Every mention GitHub or GitLab would turn into a notification, in order. */
    static List<String> mentions(String markdown) {
        String decoded = AT_REFERENCE.matcher(markdown).replaceAll("@");
        List<String> found = new ArrayList<>();
        Matcher m = MENTION.matcher(decoded);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /** Lines that start (after blanks and quote markers) with a {@code /command}. */
    static List<String> quickActionLines(String markdown) {
        return markdown.lines().filter(l -> QUICK_ACTION.matcher(l).find()).toList();
    }

    /** Lines holding raw HTML (tags or comments), in order. */
    static List<String> htmlLines(String markdown) {
        return markdown.lines().filter(l -> HTML.matcher(l).find()).toList();
    }

    /** Lines that render as headings of the comment itself (not inside a quote). */
    static List<String> headings(String markdown) {
        return markdown.lines().filter(l -> HEADING.matcher(l).find()).toList();
    }
}
