package io.relay.routing.customer;

/** What preference-service said about a customer and category: their choices, or what it does not know. */
public sealed interface PreferenceAnswer {

    record Known(ResolvedChoices choices) implements PreferenceAnswer {}

    record Unknown(String detail) implements PreferenceAnswer {}
}
