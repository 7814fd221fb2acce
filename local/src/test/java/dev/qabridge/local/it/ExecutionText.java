package dev.qabridge.local.it;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.util.Collection;
import java.util.Map;

/**
 * Everything Step Functions keeps of an execution, as plain text: its input, output and every field
 * of every history event (state inputs and outputs, Lambda payloads, errors and causes). The SDK's
 * {@code toString()} prints "*** Sensitive Data Redacted ***" in place of those fields, so a search
 * in it would find nothing; this reads each field's value instead.
 */
final class ExecutionText {
    private ExecutionText() {}

    static String of(SfnClient sfn, String executionArn) {
        StringBuilder out = new StringBuilder();
        var execution = sfn.describeExecution(r -> r.executionArn(executionArn));
        out.append(execution.input()).append('\n').append(execution.output()).append('\n');
        for (HistoryEvent e : sfn.getExecutionHistoryPaginator(r -> r.executionArn(executionArn)).events()) {
            append(e, out);
            out.append('\n');
        }
        return out.toString();
    }

    private static void append(Object value, StringBuilder out) {
        switch (value) {
            case null -> { }
            case SdkPojo pojo -> {
                for (SdkField<?> field : pojo.sdkFields()) {
                    append(field.getValueOrDefault(pojo), out);
                }
            }
            case Collection<?> items -> items.forEach(item -> append(item, out));
            case Map<?, ?> map -> map.values().forEach(v -> append(v, out));
            default -> out.append(value).append(' ');
        }
    }
}
