package dev.qabridge.core;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which hosts a commenter may aim QA.tech's agent at with {@code --url}: public ones only. The agent
 * runs on QA.tech's machines, and the URL is also where the bridge would send a Vercel bypass secret,
 * so a name or address that only means something inside a network (this machine, a private range, a
 * cloud's metadata address, an mDNS or internal name) is refused with the reason. Nothing is resolved:
 * the rule reads the URL as written, including the shorthand IPv4 forms browsers accept
 * ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}).
 */
public final class UrlPolicy {
    private UrlPolicy() {}

    private static final List<String> PRIVATE_SUFFIXES = List.of(".localhost", ".local", ".internal", ".localdomain", ".home.arpa");

    /** Why the agent may not be sent to {@code url}; empty when its host is public. */
    public static Optional<String> whyNotPublic(String url) {
        String host;
        try {
            URI uri = new URI(url);
            host = uri.getHost() != null ? uri.getHost() : uri.getRawAuthority();
        } catch (Exception e) {
            return Optional.of("it is not a URL");
        }
        if (host == null || host.isBlank()) {
            return Optional.of("it names no host");
        }
        host = host.toLowerCase(Locale.ROOT);
        int port = host.lastIndexOf(':');
        if (port > 0 && !host.startsWith("[")) {
            host = host.substring(0, port);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            String literal = host;
            return ipv6(host.substring(1, host.length() - 1)).map(why -> "`" + literal + "` is " + why);
        }
        if (host.equals("localhost") || PRIVATE_SUFFIXES.stream().anyMatch(host::endsWith)) {
            return Optional.of("`" + host + "` is a name that only exists inside a network");
        }
        Optional<Long> v4 = ipv4(host);
        if (v4.isPresent()) {
            String h = host;
            return v4.flatMap(UrlPolicy::privateV4).map(why -> "`" + h + "` is " + why);
        }
        if (!host.contains(".")) {
            return Optional.of("`" + host + "` is a single-label name that only resolves inside a network");
        }
        return Optional.empty();
    }

    /** An IPv4 address as {@code inet_aton} reads it (1 to 4 parts, each decimal, octal or hex); empty when the host is a name. */
    static Optional<Long> ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            try {
                if (p.isEmpty()) {
                    return Optional.empty();
                } else if (p.startsWith("0x")) {
                    values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                } else if (p.length() > 1 && p.startsWith("0")) {
                    values[i] = Long.parseLong(p.substring(1), 8);
                } else {
                    values[i] = Long.parseLong(p);
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (values[i] < 0 || values[i] > 0xFFFF_FFFFL) {
                return Optional.empty();
            }
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 255) {
                return Optional.empty();
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[values.length - 1];
        if (last >= 1L << (8 * (5 - values.length))) {
            return Optional.empty();
        }
        return Optional.of(address | last);
    }

    private static Optional<String> privateV4(long a) {
        int first = (int) (a >>> 24);
        int second = (int) ((a >>> 16) & 0xFF);
        if (first == 127) {
            return Optional.of("a loopback address");
        }
        if (first == 169 && second == 254) {
            return Optional.of("a link-local address (cloud metadata lives there)");
        }
        if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
            return Optional.of("a private address");
        }
        if (first == 100 && second >= 64 && second <= 127) {
            return Optional.of("a carrier-grade NAT address");
        }
        if (first == 0 || first >= 224) {
            return Optional.of("not a unicast internet address");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6(String literal) {
        String a = literal.toLowerCase(Locale.ROOT);
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (a.equals("::1") || a.equals("::") || a.matches("(0{1,4}:){7}0{0,3}1")) {
            return Optional.of("a loopback address");
        }
        if (a.startsWith("fc") || a.startsWith("fd")) {
            return Optional.of("a unique-local (private) address");
        }
        if (a.matches("fe[89ab][0-9a-f]?:.*")) {
            return Optional.of("a link-local address");
        }
        int mapped = a.lastIndexOf("ffff:");
        if (a.startsWith("::ffff:") && mapped >= 0) {
            String v4 = a.substring(mapped + 5);
            Optional<Long> ip = v4.contains(".") ? ipv4(v4) : Optional.empty();
            return ip.flatMap(UrlPolicy::privateV4);
        }
        return Optional.empty();
    }
}
