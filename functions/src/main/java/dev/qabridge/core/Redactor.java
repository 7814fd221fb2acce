package dev.qabridge.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of everything the bridge writes (comments, webhook answers, log lines) before it
 * leaves. Each known secret is replaced by {@code ***} as written, URL-encoded (form and {@code %XX},
 * either hex case) and JSON-escaped; overlapping and nested secrets are masked as one. Secrets nobody
 * told it about are caught by where they sit: userinfo in a URL, the value of a query or fragment
 * parameter or JSON field whose name looks secret, and an {@code Authorization} header.
 */
public final class Redactor {

    /** Knows no secrets; the rules that need none (URL userinfo, secret-looking names, headers) still apply. */
    public static final Redactor NONE = new Redactor(List.of());

    static final String MASK = "***";

    /** Shorter values would mask ordinary words and numbers; real tokens are far longer. */
    static final int MIN_LENGTH = 6;

    /**
     * Parts of a parameter or field name that mark its value as secret. "pass" also covers bypass
     * (Vercel's {@code x-vercel-protection-bypass}), password and passwd; "sig" covers signature, and
     * "auth" and "credential" cover OAuth and presigned-URL parameters, "session" and "cookie" session
     * ids. A few harmless names (author, keyword, design) are masked too: a masked harmless value costs
     * a reader less than a leaked token.
     */
    private static final List<String> SECRET_NAME_PARTS =
            List.of("token", "secret", "key", "pass", "pwd", "sig", "auth", "credential", "session", "cookie");

    /** Exact names: an OAuth authorization code is short-lived but usable; "code" alone is too common a part. */
    private static final Set<String> SECRET_NAMES = Set.of("code", "jwt", "otp");

    private static final Pattern QUERY_PARAMETER =
            Pattern.compile("([?&#;])([\\w.~%\\[\\]-]{1,64}+)=([^&#\\s\"'<>\\\\)\\]}`]*+)");
    /** Up to a string value's opening quote; the value is read by hand (a regex group loop recurses per character). */
    private static final Pattern JSON_FIELD = Pattern.compile("\"([\\w.-]{1,64}+)\"\\s*+:\\s*+\"");
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "(\\b(?:proxy-)?authorization\"?\\s*+[:=]\\s*+\"?(?:(?:basic|bearer|token|digest)\\s++)?)[^\\s\"',;]++",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern URL_AUTHORITY = Pattern.compile("(?<=://)[^\\s/?#\"'<>\\\\]++");

    /** Every spelling of every known secret; {@link #maskKnown} merges overlaps, so their order does not matter. */
    private final List<String> spellings;

    public Redactor(Collection<String> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (String secret : secrets == null ? List.<String>of() : secrets) {
            if (secret == null) {
                continue;
            }
            for (String value : List.of(secret, secret.strip())) {
                if (value.length() >= MIN_LENGTH) {
                    all.add(value);
                    all.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
                    all.add(percentEncoded(value, false));
                    all.add(percentEncoded(value, true));
                    all.add(jsonEscaped(value));
                }
            }
        }
        this.spellings = List.copyOf(all);
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = maskKnown(text);
        s = replace(URL_AUTHORITY, s, m -> {
            int at = m.group().lastIndexOf('@');
            return at < 0 ? m.group() : MASK + m.group().substring(at);
        });
        s = replace(QUERY_PARAMETER, s, m -> secretName(m.group(2)) && hidesSomething(m.group(3))
                ? m.group(1) + m.group(2) + "=" + MASK : m.group());
        s = maskJsonFields(s);
        return replace(AUTHORIZATION, s, m -> m.group(1) + MASK);
    }

    /** Marks every occurrence of every spelling (overlaps included), then writes one mask per marked stretch. */
    private String maskKnown(String text) {
        int[] reach = null;
        for (String spelling : spellings) {
            for (int at = text.indexOf(spelling); at >= 0; at = text.indexOf(spelling, at + 1)) {
                if (reach == null) {
                    reach = new int[text.length()];
                }
                reach[at] = Math.max(reach[at], at + spelling.length());
            }
        }
        if (reach == null) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int maskedUntil = 0;
        boolean masking = false;
        for (int i = 0; i < text.length(); i++) {
            maskedUntil = Math.max(maskedUntil, reach[i]);
            if (i >= maskedUntil) {
                out.append(text.charAt(i));
                masking = false;
            } else if (!masking) {
                out.append(MASK);
                masking = true;
            }
        }
        return out.toString();
    }

    /** The string value of a JSON field whose name looks secret, as in a token endpoint's answer. */
    private static String maskJsonFields(String text) {
        Matcher m = JSON_FIELD.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            int end = m.end();
            while (end < text.length() && text.charAt(end) != '"') {
                end += text.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= text.length()) {
                break;
            }
            if (secretName(m.group(1)) && end > m.end()) {
                out = out == null ? new StringBuilder(text.length()) : out;
                out.append(text, copied, m.end()).append(MASK);
                copied = end;
            }
            m.region(end + 1, text.length());
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    static boolean secretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return SECRET_NAMES.contains(n) || SECRET_NAME_PARTS.stream().anyMatch(n::contains);
    }

    /** {@code x-vercel-set-bypass-cookie=true} names a secret-looking flag, not a secret: a reader may need to see it. */
    private static boolean hidesSomething(String value) {
        return !value.isEmpty() && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false");
    }

    private static String replace(Pattern pattern, String text, Function<Matcher, String> replacement) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m)));
        } while (m.find());
        return m.appendTail(out).toString();
    }

    /** RFC 3986: everything but unreserved characters as UTF-8 {@code %XX}, as most URL builders write it. */
    static String percentEncoded(String value, boolean lowerCase) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                String hex = String.format("%%%02X", b & 0xff);
                out.append(lowerCase ? hex.toLowerCase(Locale.ROOT) : hex);
            }
        }
        return out.toString();
    }

    /** As Jackson writes a string's content: quote, backslash and control characters escaped, the rest as it is. */
    static String jsonEscaped(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append(c < 0x20 ? String.format("\\u%04X", (int) c) : String.valueOf(c));
            }
        }
        return out.toString();
    }
}
