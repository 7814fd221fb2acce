package dev.qabridge.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a webhook body strictly, and the fields the bridge uses from it with their type and range
 * checked: one UTF-8 JSON object, nothing after it, no byte-order mark; strings without lone
 * surrogates and within a length; ids positive integers. Anything else is a {@link BadDelivery}
 * naming the field, so a hostile or broken delivery is answered 400 before anything is written.
 */
public final class Payload {
    /** Nesting deeper than any GitHub or GitLab payload; Jackson's default (1000) would accept far more. */
    static final int MAX_DEPTH = 64;
    /** GitHub issue/PR numbers and GitLab iids are well below this. */
    public static final long MAX_NUMBER = Integer.MAX_VALUE;
    /** Ids (comments, notes, deployments, installations, users) are below JavaScript's safe integer range. */
    public static final long MAX_ID = (1L << 53) - 1;

    private static final ObjectReader READER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build()
            .reader();
    private static final Pattern REPO = Pattern.compile("^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$");

    private Payload() {}

    /** The body as one JSON object. */
    public static JsonNode parse(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            throw new BadDelivery("the body starts with a byte-order mark: send plain UTF-8 JSON (content type application/json)");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new BadDelivery("the body is not UTF-8: set the webhook's content type to application/json");
        }
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (IOException | RuntimeException e) {
            throw new BadDelivery("the body is not one JSON value: set the webhook's content type to application/json");
        }
        if (root == null || !root.isObject()) {
            throw new BadDelivery("the body is not a JSON object");
        }
        return root;
    }

    /** The node at a dotted path ({@code issue.number}); missing when any part is absent. */
    public static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    /** A required string of at most {@code max} characters. */
    public static String text(JsonNode root, String path, int max) {
        return optionalText(root, path, max).orElseThrow(() -> new BadDelivery("`" + path + "` is missing"));
    }

    /** A string of at most {@code max} characters, or empty when the field is absent or null. */
    public static Optional<String> optionalText(JsonNode root, String path, int max) {
        JsonNode n = at(root, path);
        if (n.isMissingNode() || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new BadDelivery("`" + path + "` must be a string, not " + kind(n));
        }
        String s = n.textValue();
        // characters as the platforms count them (code points): 60,000 emoji are a valid GitHub comment
        if (s.length() > max && s.codePointCount(0, s.length()) > max) {
            throw new BadDelivery("`" + path + "` is " + s.codePointCount(0, s.length()) + " characters long; at most " + max + " are accepted");
        }
        checkUnicode(path, s);
        return Optional.of(s);
    }

    /** A required whole number from 1 to {@code max}. */
    public static long positive(JsonNode root, String path, long max) {
        JsonNode n = at(root, path);
        if (n.isMissingNode() || n.isNull()) {
            throw new BadDelivery("`" + path + "` is missing");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new BadDelivery("`" + path + "` must be a whole number, not " + kind(n));
        }
        long v = n.longValue();
        if (v < 1 || v > max) {
            throw new BadDelivery("`" + path + "` must be between 1 and " + max + ", got " + v);
        }
        return v;
    }

    /** A boolean, {@code fallback} when absent or null. */
    public static boolean flag(JsonNode root, String path, boolean fallback) {
        JsonNode n = at(root, path);
        if (n.isMissingNode() || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new BadDelivery("`" + path + "` must be true or false, not " + kind(n));
        }
        return n.booleanValue();
    }

    /** A GitHub repository's {@code owner/name}: letters, digits, {@code _ . -}, never {@code .} or {@code ..} as a part. */
    public static String repository(JsonNode root, String path) {
        String repo = text(root, path, 201);
        if (!REPO.matcher(repo).matches() || repo.startsWith("./") || repo.startsWith("../") || repo.endsWith("/.") || repo.endsWith("/..")) {
            throw new BadDelivery("`" + path + "` must be owner/name, got '" + Strings.clip(repo, 80) + "'");
        }
        return repo;
    }

    /** Rejects lone surrogates, which no UTF-8 payload can carry but a JSON escape can. */
    static void checkUnicode(String path, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new BadDelivery("`" + path + "` holds an unpaired surrogate (\\u" + Integer.toHexString(c) + "): not valid Unicode");
            }
            if (Character.isLowSurrogate(c)) {
                throw new BadDelivery("`" + path + "` holds an unpaired surrogate (\\u" + Integer.toHexString(c) + "): not valid Unicode");
            }
        }
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "the number " + Strings.clip(n.asText(), 30);
            case BOOLEAN -> n.asText();
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
