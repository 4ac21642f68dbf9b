package io.relay.preference.preference;

/**
 * Who changed a customer's choices, for the ledger: the business through the API (with the source it
 * stated), the customer in the preference centre or by one-click unsubscribe (with the link id), the
 * customer by SMS keyword (with the keyword), or a provider reporting a dead contact.
 */
public record Origin(String source, String statedSource, String evidence) {

    public static final String BUSINESS_API = "business-api";
    public static final String PREFERENCE_CENTRE = "preference-centre";
    public static final String ONE_CLICK_UNSUBSCRIBE = "one-click-unsubscribe";
    public static final String SMS_KEYWORD = "sms-keyword";
    public static final String PROVIDER = "provider";

    public static Origin business(String statedSource) {
        return new Origin(BUSINESS_API, statedSource, null);
    }

    public static Origin preferenceCentre(String linkId) {
        return new Origin(PREFERENCE_CENTRE, null, linkId);
    }

    public static Origin unsubscribe(String linkId) {
        return new Origin(ONE_CLICK_UNSUBSCRIBE, null, linkId);
    }

    public static Origin smsKeyword(String keyword) {
        return new Origin(SMS_KEYWORD, null, keyword);
    }
}
