package io.relay.preference.preference;

/**
 * Who changed a customer's choices, for the ledger: the business through the API (with the source it
 * stated and the API key it used), the customer in the preference centre or by one-click unsubscribe
 * (with the link id, and the address, user agent and wording of the page), the customer by SMS keyword
 * (with the keyword), or a provider reporting a dead contact.
 */
public record Origin(String source, String statedSource, String evidence, LedgerEntry.Actor actor) {

    public static final String BUSINESS_API = "business-api";
    public static final String PREFERENCE_CENTRE = "preference-centre";
    public static final String ONE_CLICK_UNSUBSCRIBE = "one-click-unsubscribe";
    public static final String SMS_KEYWORD = "sms-keyword";
    public static final String PROVIDER = "provider";
    public static final String EMAIL_COMPLAINT = "email-complaint";

    public static Origin business(String statedSource, String apiKeyId) {
        return new Origin(BUSINESS_API, statedSource, null, LedgerEntry.Actor.apiKey(apiKeyId));
    }

    public static Origin preferenceCentre(String linkId, LedgerEntry.Actor customer) {
        return new Origin(PREFERENCE_CENTRE, null, linkId, customer);
    }

    public static Origin unsubscribe(String linkId, LedgerEntry.Actor customer) {
        return new Origin(ONE_CLICK_UNSUBSCRIBE, null, linkId, customer);
    }

    public static Origin smsKeyword(String keyword) {
        return new Origin(SMS_KEYWORD, null, keyword, null);
    }

    /** A mailbox provider's complaint report (RFC 5965): the customer marked a message as spam. */
    public static Origin complaint(String feedbackId) {
        return new Origin(EMAIL_COMPLAINT, null, feedbackId, null);
    }
}
