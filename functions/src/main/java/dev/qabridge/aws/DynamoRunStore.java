package dev.qabridge.aws;

import dev.qabridge.core.RunRecord;
import dev.qabridge.core.RunStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The run table: one partition key {@code pk}, items expire through the {@code expiresAt} TTL.
 * {@code delivery#<platform>#<id>} items deduplicate webhook deliveries (kept 7 days: GitHub lets
 * people redeliver for about that long), and other claimed keys likewise ({@code autorun#…} one run
 * per deployment and PR, {@code settings#…} one comment per bad settings file and PR);
 * {@code run#<runId>} items record runs and {@code autopr#…} items point at a PR's latest
 * automatic run (kept 90 days).
 */
public final class DynamoRunStore implements RunStore {
    private static final Duration DELIVERY_TTL = Duration.ofDays(7);
    private static final Duration RUN_TTL = Duration.ofDays(90);

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
                    .item(Map.of("pk", s(key), "expiresAt", n(expiry(DELIVERY_TTL))))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void release(String key) {
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of("pk", s(key))));
    }

    @Override
    public Optional<String> swapPointer(String key, String value) {
        var old = dynamo.updateItem(r -> r.tableName(table)
                .key(Map.of("pk", s(key)))
                .updateExpression("SET #v = :v, expiresAt = :exp")
                .expressionAttributeNames(Map.of("#v", "value"))
                .expressionAttributeValues(Map.of(":v", s(value), ":exp", n(expiry(RUN_TTL))))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        return Optional.ofNullable(old).map(a -> str(a, "value")).filter(v -> !v.isEmpty());
    }

    @Override
    public void saveRun(RunRecord run) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s("run#" + run.runId()));
        item.put("runId", s(run.runId()));
        item.put("platform", s(run.platform()));
        item.put("repo", s(run.repo()));
        item.put("number", n(run.number()));
        item.put("commandCommentId", s(run.commandCommentId()));
        item.put("statusCommentId", s(run.statusCommentId()));
        item.put("chatId", s(run.chatId()));
        item.put("chatUrl", s(run.chatUrl()));
        item.put("previewUrl", s(run.previewUrl()));
        item.put("requester", s(run.requester()));
        item.put("instructions", s(run.instructions()));
        item.put("deliveryId", s(run.deliveryId()));
        item.put("createdAt", n(run.createdAtEpochSeconds()));
        item.put("replied", AttributeValue.fromBool(run.replied()));
        item.put("projectId", s(run.projectId()));
        item.put("discussionId", s(run.discussionId()));
        item.put("expiresAt", n(expiry(RUN_TTL)));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Optional<RunRecord> findRun(String runId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(Map.of("pk", s("run#" + runId))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RunRecord(
                str(item, "runId"), str(item, "platform"), str(item, "repo"), Long.parseLong(item.get("number").n()),
                str(item, "commandCommentId"), str(item, "statusCommentId"), str(item, "chatId"), str(item, "chatUrl"),
                str(item, "previewUrl"), str(item, "requester"), str(item, "instructions"), str(item, "deliveryId"),
                Long.parseLong(item.get("createdAt").n()), Boolean.TRUE.equals(item.get("replied").bool()),
                str(item, "projectId"), str(item, "discussionId")));
    }

    @Override
    public boolean claimFinalWord(String runId, String owner) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", s("run#" + runId)))
                    .updateExpression("SET finalWord = :owner")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(finalWord) OR finalWord = :owner)")
                    .expressionAttributeValues(Map.of(":owner", s(owner))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean markReplied(String runId) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", s("run#" + runId)))
                    .updateExpression("SET replied = :t, repliedAt = :now")
                    .conditionExpression("attribute_exists(pk) AND replied = :f")
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":f", AttributeValue.fromBool(false),
                            ":now", n(clock.instant().getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private long expiry(Duration ttl) {
        return clock.instant().plus(ttl).getEpochSecond();
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
