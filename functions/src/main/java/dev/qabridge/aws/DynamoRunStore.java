package dev.qabridge.aws;

import dev.qabridge.core.Ask;
import dev.qabridge.core.Origin;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.RunStore;
import dev.qabridge.http.JsonHttp;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The run table: one partition key {@code pk}, items expire through the {@code expiresAt} TTL.
 * {@code run#<runId>} items record runs (kept 90 days, as long as Step Functions keeps an execution
 * name taken), {@code autopr#…} items point at a PR's latest automatic run, and claimed keys
 * ({@code settings#…}: one comment per bad settings file and PR) are kept 90 days too. Every value
 * stored is a short id or text: the largest (instructions) is capped at 8,000 characters, far below
 * DynamoDB's 400 KB item limit.
 */
public final class DynamoRunStore implements RunStore {
    private static final Duration TTL = Duration.ofDays(90);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoRunStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public boolean claim(String key) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of("pk", s(key), "expiresAt", n(expiry())))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<String> swapPointer(String key, String value) {
        var old = dynamo.updateItem(r -> r.tableName(table)
                .key(Map.of("pk", s(key)))
                .updateExpression("SET #v = :v, expiresAt = :exp")
                .expressionAttributeNames(Map.of("#v", "value"))
                .expressionAttributeValues(Map.of(":v", s(value), ":exp", n(expiry())))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        return Optional.ofNullable(old).map(a -> str(a, "value")).filter(v -> !v.isEmpty());
    }

    @Override
    public void saveRun(RunRecord run) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":runId", s(run.runId()));
        values.put(":origin", s(run.origin().toJson().toString()));
        values.put(":ask", s(run.ask().toJson().toString()));
        values.put(":chatId", s(run.conversation().id()));
        values.put(":chatUrl", s(run.conversation().url()));
        values.put(":status", s(run.statusCommentId()));
        values.put(":preview", s(run.previewUrl()));
        values.put(":sha", s(run.headSha()));
        values.put(":exp", n(expiry()));
        // an update, not a put: it never removes the final-word claim another writer may already hold
        dynamo.updateItem(r -> r.tableName(table).key(Map.of("pk", s("run#" + run.runId())))
                .updateExpression("SET runId = :runId, origin = :origin, ask = :ask, chatId = :chatId, chatUrl = :chatUrl, "
                        + "statusCommentId = :status, previewUrl = :preview, headSha = :sha, expiresAt = :exp")
                .expressionAttributeValues(values));
    }

    @Override
    public Optional<RunRecord> findRun(String runId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(Map.of("pk", s("run#" + runId))).consistentRead(true)).item();
        if (item == null || item.isEmpty() || !item.containsKey("origin")) {
            return Optional.empty();
        }
        return Optional.of(new RunRecord(str(item, "runId"), Origin.fromJson(json(str(item, "origin"))), Ask.fromJson(json(str(item, "ask"))),
                new RunRecord.Conversation(str(item, "chatId"), str(item, "chatUrl")), str(item, "statusCommentId"),
                str(item, "previewUrl"), str(item, "headSha")));
    }

    @Override
    public boolean claimFinalWord(String runId, String owner) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", s("run#" + runId)))
                    .updateExpression("SET finalWord = :owner, expiresAt = if_not_exists(expiresAt, :exp)")
                    .conditionExpression("attribute_not_exists(finalWord) OR finalWord = :owner")
                    .expressionAttributeValues(Map.of(":owner", s(owner), ":exp", n(expiry()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private long expiry() {
        return clock.instant().plus(TTL).getEpochSecond();
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return JsonHttp.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v == null ? "" : v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static String str(Map<String, AttributeValue> item, String key) {
        AttributeValue v = item.get(key);
        return v == null || v.s() == null ? "" : v.s();
    }
}
