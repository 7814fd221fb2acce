package dev.qabridge.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadTest {
    private static JsonNode parse(String json) {
        return Payload.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "{}x", "[]", "null", "\"x\"", "", "{\"a\":1,\"a\":2}", "{\"n\":NaN}"})
    void refusesAnythingButOneJsonObject(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(BadDelivery.class);
    }

    @Test
    void refusesAByteOrderMarkUtf16AndInvalidUtf8() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        assertThatThrownBy(() -> Payload.parse(bom)).hasMessageContaining("byte-order mark");
        assertThatThrownBy(() -> Payload.parse("{}".getBytes(StandardCharsets.UTF_16))).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> Payload.parse(new byte[] {'{', '"', (byte) 0xFF, '"', ':', '1', '}'})).hasMessageContaining("not UTF-8");
    }

    @Test
    void refusesNestingDeeperThanAnyPlatformSends() {
        String deep = "{\"a\":".repeat(Payload.MAX_DEPTH + 1) + "1" + "}".repeat(Payload.MAX_DEPTH + 1);
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(BadDelivery.class);
        assertThat(parse("{\"a\":".repeat(10) + "1" + "}".repeat(10))).isNotNull();
    }

    @Test
    void readsPositiveNumbersWithinRangeAndNamesTheFieldOtherwise() {
        JsonNode p = parse("{\"issue\":{\"number\":7,\"neg\":-1,\"str\":\"7\",\"frac\":7.5,\"big\":1e30,\"huge\":100000000000000000000000}}");
        assertThat(Payload.positive(p, "issue.number", Payload.MAX_NUMBER)).isEqualTo(7);
        assertThatThrownBy(() -> Payload.positive(p, "issue.neg", 10)).hasMessageContaining("`issue.neg` must be between 1 and 10, got -1");
        assertThatThrownBy(() -> Payload.positive(p, "issue.str", 10)).hasMessageContaining("`issue.str` must be a whole number, not a string");
        assertThatThrownBy(() -> Payload.positive(p, "issue.frac", 10)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Payload.positive(p, "issue.big", 10)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Payload.positive(p, "issue.huge", Payload.MAX_ID)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Payload.positive(p, "issue.gone", 10)).hasMessageContaining("`issue.gone` is missing");
    }

    @Test
    void readsTextWithinItsLengthWithoutLoneSurrogates() {
        JsonNode p = parse("{\"a\":\"ok 😀\",\"long\":\"xxxxx\",\"lone\":\"x\\ud800y\",\"low\":\"\\udc00\",\"n\":1,\"nil\":null}");
        assertThat(Payload.text(p, "a", 10)).isEqualTo("ok 😀");
        assertThatThrownBy(() -> Payload.text(p, "long", 4)).hasMessageContaining("5 characters long; at most 4");
        assertThatThrownBy(() -> Payload.text(p, "lone", 10)).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Payload.text(p, "low", 10)).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Payload.text(p, "n", 10)).hasMessageContaining("must be a string");
        assertThat(Payload.optionalText(p, "nil", 10)).isEmpty();
        assertThat(Payload.optionalText(p, "absent", 10)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "a?b/c", "acme/shop/pulls", "acme", "acme/..", "./shop", "acme/sh op", "acme/shop#x", "/shop"})
    void refusesRepositoryNamesThatAreNotOwnerSlashName(String name) {
        JsonNode p = parse("{\"repository\":{\"full_name\":\"" + name + "\"}}");
        assertThatThrownBy(() -> Payload.repository(p, "repository.full_name")).hasMessageContaining("must be owner/name");
    }

    @Test
    void acceptsRealRepositoryNames() {
        JsonNode p = parse("{\"repository\":{\"full_name\":\"octo-org/shop.web_2\"}}");
        assertThat(Payload.repository(p, "repository.full_name")).isEqualTo("octo-org/shop.web_2");
    }

    @Test
    void deliveryIdsAreGuidsOrRefused() {
        assertThat(DeliveryIds.check("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
        assertThat(DeliveryIds.check("X-GitHub-Delivery", null)).isEmpty();
        assertThatThrownBy(() -> DeliveryIds.check("X-GitHub-Delivery", "x".repeat(65))).hasMessageContaining("X-GitHub-Delivery");
        assertThatThrownBy(() -> DeliveryIds.check("X-GitHub-Delivery", "../etc")).isInstanceOf(BadDelivery.class);
    }
}
