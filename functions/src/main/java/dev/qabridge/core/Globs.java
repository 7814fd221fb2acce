package dev.qabridge.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Environment-name globs as {@code AUTO_RUN_ENVIRONMENTS} and the settings file write them:
 * case-insensitive, {@code *} matches any run of characters ({@code /} included), {@code ?} one
 * character, everything else itself.
 */
public final class Globs {
    private Globs() {}

    /** Comma-separated globs, blanks dropped; an empty or blank text gives no globs (auto runs off). */
    public static List<String> parse(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(g -> !g.isEmpty()).toList();
    }

    public static boolean matchesAny(List<String> globs, String name) {
        return name != null && globs.stream().anyMatch(g -> matches(g, name));
    }

    public static boolean matches(String glob, String name) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL)
                .matcher(name.toLowerCase(Locale.ROOT)).matches();
    }
}
