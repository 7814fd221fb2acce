package dev.qabridge.qatech;

import dev.qabridge.core.ApiException;

/** Turns a QA.tech refusal into a sentence a person on the PR can act on. */
public final class QaTechErrors {
    private QaTechErrors() {}

    public static String explain(ApiException e) {
        String detail = e.detail().isBlank() ? "" : " QA.tech said: “" + e.detail() + "”.";
        return switch (e.status()) {
            case 0 -> "QA.tech could not be reached (" + e.detail() + "). Try again in a few minutes.";
            case 400 -> "QA.tech rejected the request as invalid (400)." + detail
                    + " Check the bridge's QATECH_APPLICATION_ID and QATECH_PROJECT_ID.";
            case 401 -> "QA.tech rejected the API key (401)." + detail
                    + " Check QATECH_API_KEY in the bridge's secret; keys are made under Organization Settings → API Keys.";
            case 402 -> "QA.tech's usage limit is reached (402)." + detail + " Raise the plan's limit or wait for it to reset.";
            case 403 -> "QA.tech refused access (403)." + detail
                    + " The API key may not belong to this project, or the organization is suspended.";
            case 404 -> "QA.tech did not find the project, application or conversation (404)." + detail
                    + " Check QATECH_PROJECT_ID and QATECH_APPLICATION_ID.";
            case 429 -> "QA.tech is limiting requests (429)." + detail + " Try again in a few minutes.";
            default -> e.status() >= 500
                    ? "QA.tech is having trouble (" + e.status() + ")." + detail + " Try again in a few minutes."
                    : "QA.tech refused the request (" + e.status() + ")." + detail;
        };
    }
}
